/*  probe/service.c: the service actor. Checks what a device serves:

        tcp     connect time to a port (non-blocking connect)
        dns     a query to the device (or a given server): time, rcode and
                answers (libresolv builds and parses the messages)
        http    status and total time of a GET (libcurl's multi interface),
                with https the days left on the server's certificate

    Each check runs every interval, never twice at once, and is cut at its
    timeout. Results go to the uplink as reports ("REPORT" on PROBE_EVENTS,
    spooled as REPORTS): {check, kind: "service", ts_us, status ok|failed,
    error, time_ms, detail {...}}; meshd makes check.NAME.up, .time and
    .cert_days of them.                                                  */
#include "probe.h"
#include <curl/curl.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>
#include <poll.h>

#define MAX_FDS         4096
#define BODY_KEPT       65536       //  of a response body, for 'contains'

typedef enum { SVC_TCP, SVC_DNS, SVC_HTTP } svc_kind_t;

typedef struct {
    int64_t id;
    svc_kind_t kind;
    char *key;                      //  the check's config, to keep state across CONFIGs
    char address [64];
    int port;
    int64_t interval_ms, timeout_ms;
    //  dns
    char query [256];
    int qtype;
    char type_name [8];
    char server [64];
    char *expect_text;
    //  http
    char *url;
    long expect_code;
    char *contains;
    bool insecure;
    //  run
    int64_t due;
    bool busy;
    int64_t started_ns, deadline;
    int fd;                         //  tcp, dns
    uint16_t dns_id;
    CURL *easy;
    char *body;
    size_t body_size;
} svc_t;

typedef struct {
    probe_t *probe;
    zsock_t *out;
    CURLM *multi;
    zlistx_t *checks;               //  svc_t
    struct pollfd curl_fds [64];    //  the sockets curl asked us to watch
    int curl_nfds;
    int64_t curl_due;               //  mono ms curl wants to be called at, or -1
    uint64_t runs, failures;
} service_t;

static void
s_svc_destroy (svc_t **self_p)
{
    svc_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close (self->fd);
    free (self->key);
    free (self->expect_text);
    free (self->url);
    free (self->contains);
    free (self->body);
    free (self);
    *self_p = NULL;
}

//  -- reports ------------------------------------------------------------------

static void
s_report (service_t *self, svc_t *svc, const char *error, json_t *detail)
{
    double time_ms = vd_round ((double) (vd_mono_ns () - svc->started_ns) / 1e6, 3);
    json_t *report = json_pack ("{s:I, s:s, s:I, s:s}", "check", (json_int_t) svc->id,
                                "kind", "service", "ts_us", (json_int_t) vd_now_us (),
                                "status", error? "failed": "ok");
    if (error)
        json_object_set_new (report, "error", json_string (error));
    else
        json_object_set_new (report, "time_ms", json_real (time_ms));
    json_object_set_new (report, "detail", detail? detail: json_object ());
    probe_report (self->out, report);
    self->runs++;
    self->failures += error != NULL;
    if (svc->fd >= 0) {
        close (svc->fd);
        svc->fd = -1;
    }
    svc->busy = false;
    //  the next run keeps the check's rhythm; missed slots are skipped
    int64_t now = vd_mono_ms ();
    svc->due += svc->interval_ms;
    if (svc->due <= now)
        svc->due += ((now - svc->due) / svc->interval_ms + 1) * svc->interval_ms;
}

static int
s_sockaddr (const char *address, int port, struct sockaddr_storage *sa, socklen_t *length)
{
    memset (sa, 0, sizeof *sa);
    struct sockaddr_in *in4 = (struct sockaddr_in *) sa;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) sa;
    if (inet_pton (AF_INET, address, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons ((uint16_t) port);
        *length = sizeof *in4;
        return 0;
    }
    if (inet_pton (AF_INET6, address, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons ((uint16_t) port);
        *length = sizeof *in6;
        return 0;
    }
    return -1;
}

//  -- tcp and dns ------------------------------------------------------------------

static void
s_tcp_start (service_t *self, svc_t *svc)
{
    struct sockaddr_storage sa;
    socklen_t length;
    if (s_sockaddr (svc->address, svc->port, &sa, &length)) {
        s_report (self, svc, "not an IP address", NULL);
        return;
    }
    svc->fd = socket (sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (svc->fd < 0) {
        s_report (self, svc, strerror (errno), NULL);
        return;
    }
    if (connect (svc->fd, (struct sockaddr *) &sa, length) == 0)
        s_report (self, svc, NULL, NULL);
    else
    if (errno != EINPROGRESS)
        s_report (self, svc, strerror (errno), NULL);
}

static void
s_tcp_ready (service_t *self, svc_t *svc)
{
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt (svc->fd, SOL_SOCKET, SO_ERROR, &error, &size))
        error = errno;
    s_report (self, svc, error? strerror (error): NULL, NULL);
}

static void
s_dns_start (service_t *self, svc_t *svc)
{
    u_char query [NS_PACKETSZ];
    struct __res_state state;
    memset (&state, 0, sizeof state);
    int length = res_ninit (&state) == 0
               ? res_nmkquery (&state, ns_o_query, svc->query, ns_c_in, svc->qtype, NULL, 0, NULL,
                               query, sizeof query): -1;
    res_nclose (&state);
    struct sockaddr_storage sa;
    socklen_t sa_length;
    const char *server = *svc->server? svc->server: svc->address;
    if (length < 12 || s_sockaddr (server, svc->port, &sa, &sa_length)) {
        s_report (self, svc, length < 12? "cannot make the query": "not an IP address", NULL);
        return;
    }
    //  a fresh random ID, not libresolv's counter
    randombytes_buf (&svc->dns_id, sizeof svc->dns_id);
    query [0] = (u_char) (svc->dns_id >> 8);
    query [1] = (u_char) (svc->dns_id & 0xff);
    svc->fd = socket (sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (svc->fd < 0 || connect (svc->fd, (struct sockaddr *) &sa, sa_length)
    ||  send (svc->fd, query, (size_t) length, 0) != length)
        s_report (self, svc, strerror (errno), NULL);
}

static const char *
s_rcode (int rcode)
{
    static const char *names [] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
    return rcode >= 0 && rcode < 6? names [rcode]: "rcode?";
}

//  One answer record's data as text; false if it cannot be read
static bool
s_rr_text (ns_msg *msg, ns_rr *rr, char *out, size_t size)
{
    const u_char *data = ns_rr_rdata (*rr);
    int length = ns_rr_rdlen (*rr);
    const u_char *start = ns_msg_base (*msg), *end = ns_msg_end (*msg);
    char name [NS_MAXDNAME];
    *out = 0;
    switch (ns_rr_type (*rr)) {
        case ns_t_a:
            return length == 4 && inet_ntop (AF_INET, data, out, (socklen_t) size);
        case ns_t_aaaa:
            return length == 16 && inet_ntop (AF_INET6, data, out, (socklen_t) size);
        case ns_t_ns:
        case ns_t_cname:
        case ns_t_ptr:
            if (dn_expand (start, end, data, name, sizeof name) < 0)
                return false;
            snprintf (out, size, "%s", name);
            return true;
        case ns_t_mx:
            if (length < 3 || dn_expand (start, end, data + 2, name, sizeof name) < 0)
                return false;
            snprintf (out, size, "%u %s", (data [0] << 8) | data [1], name);
            return true;
        case ns_t_srv:
            if (length < 7 || dn_expand (start, end, data + 6, name, sizeof name) < 0)
                return false;
            snprintf (out, size, "%u %u %u %s", (data [0] << 8) | data [1], (data [2] << 8) | data [3],
                      (data [4] << 8) | data [5], name);
            return true;
        case ns_t_soa: {
            int used = dn_expand (start, end, data, name, sizeof name);
            if (used < 0)
                return false;
            snprintf (out, size, "%s", name);
            return true;
        }
        case ns_t_txt: {
            size_t written = 0;
            for (int i = 0; i < length && written + 1 < size;) {
                int piece = data [i++];
                for (int j = 0; j < piece && i < length && written + 1 < size; j++)
                    out [written++] = (char) data [i++];
            }
            out [written] = 0;
            return true;
        }
        default:
            return false;
    }
}

static void
s_dns_ready (service_t *self, svc_t *svc)
{
    u_char answer [NS_MAXMSG];
    ssize_t length = recv (svc->fd, answer, sizeof answer, 0);
    if (length < 0) {
        if (errno != EAGAIN)
            s_report (self, svc, strerror (errno), NULL);
        return;
    }
    ns_msg msg;
    if (length < 12 || ((answer [0] << 8) | answer [1]) != svc->dns_id)
        return;                 //  not the answer to our query: keep waiting
    if (ns_initparse (answer, (int) length, &msg)) {
        s_report (self, svc, "a malformed DNS answer", NULL);
        return;
    }
    int rcode = ns_msg_getflag (msg, ns_f_rcode);
    json_t *answers = json_array ();
    bool expected = svc->expect_text == NULL;
    for (int i = 0; i < ns_msg_count (msg, ns_s_an) && i < 64; i++) {
        ns_rr rr;
        char text [NS_MAXDNAME + 32];
        if (ns_parserr (&msg, ns_s_an, i, &rr))
            break;
        if ((int) ns_rr_type (rr) != svc->qtype || !s_rr_text (&msg, &rr, text, sizeof text))
            continue;           //  the CNAMEs on the way
        bool cut;
        char *clean = vd_utf8_clean (text, strlen (text), 255, &cut);
        json_array_append_new (answers, json_string (clean? clean: ""));
        if (svc->expect_text && clean && strstr (clean, svc->expect_text))
            expected = true;
        free (clean);
    }
    json_t *detail = json_pack ("{s:s, s:o}", "rcode", s_rcode (rcode), "answers", answers);
    char error [160] = "";
    if (rcode != ns_r_noerror)
        snprintf (error, sizeof error, "%s", s_rcode (rcode));
    else
    if (json_array_size (answers) == 0)
        snprintf (error, sizeof error, "no %s record", svc->type_name);
    else
    if (!expected)
        snprintf (error, sizeof error, "no answer holds '%s'", svc->expect_text);
    s_report (self, svc, *error? error: NULL, detail);
}

//  -- http -----------------------------------------------------------------------

static size_t
s_body (char *data, size_t size, size_t count, void *arg)
{
    svc_t *svc = (svc_t *) arg;
    size_t bytes = size * count;
    if (svc->contains && svc->body_size < BODY_KEPT) {
        size_t take = bytes < BODY_KEPT - svc->body_size? bytes: BODY_KEPT - svc->body_size;
        svc->body = (char *) realloc (svc->body, svc->body_size + take + 1);
        memcpy (svc->body + svc->body_size, data, take);
        svc->body_size += take;
        svc->body [svc->body_size] = 0;
    }
    return bytes;
}

static void
s_http_start (service_t *self, svc_t *svc)
{
    svc->easy = curl_easy_init ();
    if (!svc->easy) {
        s_report (self, svc, "cannot make a request", NULL);
        return;
    }
    svc->body_size = 0;
    CURL *easy = svc->easy;
    curl_easy_setopt (easy, CURLOPT_URL, svc->url);
    curl_easy_setopt (easy, CURLOPT_PRIVATE, svc);
    curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) svc->timeout_ms);
    curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_body);
    curl_easy_setopt (easy, CURLOPT_WRITEDATA, svc);
    curl_easy_setopt (easy, CURLOPT_USERAGENT, "vedette-probe/" VD_VERSION);
    curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
    //  every run measures a whole connection, handshake included
    curl_easy_setopt (easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt (easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt (easy, CURLOPT_CERTINFO, 1L);
    if (svc->insecure) {
        curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_multi_add_handle (self->multi, easy);
}

//  Days until the server's certificate expires, from curl's certinfo
static bool
s_cert_days (CURL *easy, double *days)
{
    struct curl_certinfo *info = NULL;
    if (curl_easy_getinfo (easy, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1)
        return false;
    for (struct curl_slist *item = info->certinfo [0]; item; item = item->next) {
        if (strncmp (item->data, "Expire date:", 12))
            continue;
        struct tm tm;
        memset (&tm, 0, sizeof tm);
        const char *end = strptime (item->data + 12, "%b %d %H:%M:%S %Y", &tm);
        if (!end)
            end = strptime (item->data + 12, "%Y-%m-%d %H:%M:%S", &tm);
        if (!end)
            return false;
        *days = (double) (timegm (&tm) - time (NULL)) / 86400.0;
        return true;
    }
    return false;
}

static void
s_http_done (service_t *self, CURL *easy, CURLcode result)
{
    svc_t *svc = NULL;
    curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &svc);
    curl_multi_remove_handle (self->multi, easy);
    long code = 0;
    curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &code);
    json_t *detail = json_pack ("{s:i}", "code", (int) code);
    double days;
    if (s_cert_days (easy, &days))
        json_object_set_new (detail, "cert_days", json_real (days));
    char error [256] = "";
    if (result != CURLE_OK)
        snprintf (error, sizeof error, "%s", curl_easy_strerror (result));
    else
    if (svc->expect_code? code != svc->expect_code: (code < 200 || code >= 400))
        snprintf (error, sizeof error, "status %ld, not %s", code, svc->expect_code? "as expected": "2xx or 3xx");
    else
    if (svc->contains && !(svc->body && strstr (svc->body, svc->contains)))
        snprintf (error, sizeof error, "the body does not hold '%s'", svc->contains);
    if (*error && svc->expect_code)
        json_object_set_new (detail, "expected", json_integer (svc->expect_code));
    curl_easy_cleanup (easy);
    svc->easy = NULL;
    free (svc->body);
    svc->body = NULL;
    s_report (self, svc, *error? error: NULL, detail);
}

static int
s_curl_socket (CURL *easy, curl_socket_t fd, int what, void *arg, void *socketp)
{
    service_t *self = (service_t *) arg;
    (void) easy;
    (void) socketp;
    int slot;
    for (slot = 0; slot < self->curl_nfds; slot++)
        if (self->curl_fds [slot].fd == fd)
            break;
    if (what == CURL_POLL_REMOVE) {
        if (slot < self->curl_nfds)
            self->curl_fds [slot] = self->curl_fds [--self->curl_nfds];
        return 0;
    }
    if (slot == self->curl_nfds) {
        if (self->curl_nfds == 64)
            return -1;
        self->curl_nfds++;
    }
    self->curl_fds [slot].fd = fd;
    self->curl_fds [slot].events = (short) ((what & CURL_POLL_IN? POLLIN: 0) | (what & CURL_POLL_OUT? POLLOUT: 0));
    return 0;
}

static int
s_curl_timer (CURLM *multi, long timeout_ms, void *arg)
{
    service_t *self = (service_t *) arg;
    (void) multi;
    self->curl_due = timeout_ms < 0? -1: vd_mono_ms () + timeout_ms;
    return 0;
}

static void
s_curl_action (service_t *self, curl_socket_t fd, int events)
{
    int running;
    curl_multi_socket_action (self->multi, fd, events, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read (self->multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            s_http_done (self, msg->easy_handle, msg->data.result);
}

//  -- configuration -----------------------------------------------------------

static svc_t *
s_svc_new (json_t *check)
{
    const char *kind = json_string_value (json_object_get (check, "kind"));
    json_t *params = json_object_get (check, "params");
    const char *address = json_string_value (json_object_get (check, "address"));
    if (!kind || !address || !json_is_object (params))
        return NULL;
    svc_t *self = (svc_t *) zmalloc (sizeof (svc_t));
    self->fd = -1;
    self->id = json_integer_value (json_object_get (check, "id"));
    self->kind = streq (kind, "tcp")? SVC_TCP: streq (kind, "dns")? SVC_DNS: SVC_HTTP;
    snprintf (self->address, sizeof self->address, "%s", address);
    self->port = (int) json_integer_value (json_object_get (params, "port"));
    self->interval_ms = json_integer_value (json_object_get (check, "interval_ms"));
    self->timeout_ms = json_integer_value (json_object_get (params, "timeout_ms"));
    if (self->interval_ms < 1000)
        self->interval_ms = 1000;
    if (self->timeout_ms < 100 || self->timeout_ms >= self->interval_ms)
        self->timeout_ms = self->interval_ms / 2;
    const char *text;
    if ((text = json_string_value (json_object_get (params, "query"))))
        snprintf (self->query, sizeof self->query, "%s", text);
    if ((text = json_string_value (json_object_get (params, "server"))))
        snprintf (self->server, sizeof self->server, "%s", text);
    text = json_string_value (json_object_get (params, "type"));
    self->qtype = ns_t_a;
    static const struct { const char *name; int type; } types [] = {
        { "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "MX", ns_t_mx }, { "TXT", ns_t_txt },
        { "NS", ns_t_ns }, { "CNAME", ns_t_cname }, { "SOA", ns_t_soa }, { "PTR", ns_t_ptr },
        { "SRV", ns_t_srv }
    };
    snprintf (self->type_name, sizeof self->type_name, "A");
    for (size_t i = 0; text && i < sizeof types / sizeof types [0]; i++)
        if (streq (text, types [i].name)) {
            self->qtype = types [i].type;
            snprintf (self->type_name, sizeof self->type_name, "%s", types [i].name);
        }
    json_t *expect = json_object_get (params, "expect");
    if (json_is_string (expect))
        self->expect_text = strdup (json_string_value (expect));
    if (json_is_integer (expect))
        self->expect_code = (long) json_integer_value (expect);
    if ((text = json_string_value (json_object_get (params, "url"))))
        self->url = strdup (text);
    if ((text = json_string_value (json_object_get (params, "contains"))))
        self->contains = strdup (text);
    self->insecure = json_is_true (json_object_get (params, "insecure"));
    if ((self->kind == SVC_HTTP && !self->url) || (self->kind == SVC_DNS && !*self->query)
    ||  (self->kind != SVC_HTTP && (self->port < 1 || self->port > 65535))) {
        s_svc_destroy (&self);
        return NULL;
    }
    char *key = json_dumps (check, JSON_COMPACT | JSON_SORT_KEYS);
    self->key = key;
    //  the first runs spread over the interval (at most 10 s)
    int64_t spread = self->interval_ms < 10000? self->interval_ms: 10000;
    self->due = vd_mono_ms () + (int64_t) randombytes_uniform ((uint32_t) spread);
    return self;
}

static void
s_cancel (service_t *self, svc_t *svc)
{
    if (svc->easy) {
        curl_multi_remove_handle (self->multi, svc->easy);
        curl_easy_cleanup (svc->easy);
        svc->easy = NULL;
    }
}

static void
s_configure (service_t *self, const char *text)
{
    json_t *config = json_loads (text, 0, NULL);
    json_t *checks = json_object_get (config, "checks");
    if (!json_is_array (checks)) {
        zsys_error ("service: checks are not valid JSON");
        vd_json_wipe (config);
        return;
    }
    //  a check whose config is unchanged keeps its rhythm (and its run)
    zhashx_t *old = zhashx_new ();
    for (svc_t *svc = (svc_t *) zlistx_first (self->checks); svc; svc = (svc_t *) zlistx_next (self->checks))
        zhashx_insert (old, svc->key, svc);
    zlistx_t *fresh = zlistx_new ();
    size_t index;
    json_t *check;
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        if (!kind || !(streq (kind, "tcp") || streq (kind, "dns") || streq (kind, "http")))
            continue;
        char *key = json_dumps (check, JSON_COMPACT | JSON_SORT_KEYS);
        svc_t *svc = key? (svc_t *) zhashx_lookup (old, key): NULL;
        if (svc)
            zhashx_delete (old, key);
        else
            svc = s_svc_new (check);
        free (key);
        if (svc)
            zlistx_add_end (fresh, svc);
        else
            zsys_warning ("service: check %lld is malformed: skipped",
                          (long long) json_integer_value (json_object_get (check, "id")));
    }
    //  what is left of the old ones is gone
    for (svc_t *svc = (svc_t *) zhashx_first (old); svc; svc = (svc_t *) zhashx_next (old)) {
        s_cancel (self, svc);
        s_svc_destroy (&svc);
    }
    zhashx_destroy (&old);
    zlistx_destroy (&self->checks);
    self->checks = fresh;
    vd_json_wipe (config);
    if (zlistx_size (self->checks))
        zsys_info ("service: %zu checks", zlistx_size (self->checks));
}

//  -- the actor -----------------------------------------------------------------

static void
s_work (service_t *self)
{
    int64_t now = vd_mono_ms ();
    for (svc_t *svc = (svc_t *) zlistx_first (self->checks); svc; svc = (svc_t *) zlistx_next (self->checks)) {
        if (svc->busy && now >= svc->deadline && svc->kind != SVC_HTTP)
            s_report (self, svc, "timeout", NULL);
        if (!svc->busy && now >= svc->due) {
            svc->busy = true;
            svc->started_ns = vd_mono_ns ();
            svc->deadline = now + svc->timeout_ms;
            if (svc->kind == SVC_TCP)
                s_tcp_start (self, svc);
            else
            if (svc->kind == SVC_DNS)
                s_dns_start (self, svc);
            else
                s_http_start (self, svc);
        }
    }
    if (self->curl_due >= 0 && vd_mono_ms () >= self->curl_due) {
        self->curl_due = -1;
        s_curl_action (self, CURL_SOCKET_TIMEOUT, 0);
    }
}

static int
s_timeout (service_t *self)
{
    int64_t next = self->curl_due;
    for (svc_t *svc = (svc_t *) zlistx_first (self->checks); svc; svc = (svc_t *) zlistx_next (self->checks)) {
        int64_t at = svc->busy? (svc->kind == SVC_HTTP? -1: svc->deadline): svc->due;
        if (at >= 0 && (next < 0 || at < next))
            next = at;
    }
    if (next < 0)
        return -1;
    int64_t wait = next - vd_mono_ms ();
    return wait < 0? 0: wait > 60000? 60000: (int) wait;
}

void
service_actor (zsock_t *pipe, void *args)
{
    service_t self = { .probe = (probe_t *) args, .curl_due = -1 };
    self.out = zsock_new (ZMQ_PUSH);
    zsock_t *checks = zsock_new (ZMQ_PULL);
    self.multi = curl_multi_init ();
    self.checks = zlistx_new ();
    if (!self.out || !checks || !self.multi || zsock_bind (checks, PROBE_SERVICE_CHECKS)
    ||  zsock_connect (self.out, PROBE_EVENTS)) {
        zsock_destroy (&self.out);
        zsock_destroy (&checks);
        if (self.multi)
            curl_multi_cleanup (self.multi);
        zlistx_destroy (&self.checks);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    zsock_set_sndhwm (self.out, 10000);
    curl_multi_setopt (self.multi, CURLMOPT_SOCKETFUNCTION, s_curl_socket);
    curl_multi_setopt (self.multi, CURLMOPT_SOCKETDATA, &self);
    curl_multi_setopt (self.multi, CURLMOPT_TIMERFUNCTION, s_curl_timer);
    curl_multi_setopt (self.multi, CURLMOPT_TIMERDATA, &self);
    char *saved = probe_saved_config (self.probe);
    if (saved) {
        s_configure (&self, saved);
        sodium_memzero (saved, strlen (saved));
    }
    free (saved);
    zsock_signal (pipe, 0);
    zmq_pollitem_t *items = (zmq_pollitem_t *) calloc (MAX_FDS + 66, sizeof (zmq_pollitem_t));
    svc_t **owners = (svc_t **) calloc (MAX_FDS + 66, sizeof (svc_t *));
    while (items && owners) {
        int count = 0;
        items [count++] = (zmq_pollitem_t) { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 };
        items [count++] = (zmq_pollitem_t) { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 };
        int first_own = count;
        for (svc_t *svc = (svc_t *) zlistx_first (self.checks); svc && count < MAX_FDS;
             svc = (svc_t *) zlistx_next (self.checks))
            if (svc->busy && svc->fd >= 0) {
                owners [count] = svc;
                items [count++] = (zmq_pollitem_t) { NULL, svc->fd,
                                                     (short) (svc->kind == SVC_TCP? ZMQ_POLLOUT: ZMQ_POLLIN), 0 };
            }
        int first_curl = count;
        for (int i = 0; i < self.curl_nfds; i++)
            items [count++] = (zmq_pollitem_t) { NULL, self.curl_fds [i].fd,
                (short) ((self.curl_fds [i].events & POLLIN? ZMQ_POLLIN: 0)
                       | (self.curl_fds [i].events & POLLOUT? ZMQ_POLLOUT: 0)), 0 };
        int rc = zmq_poll (items, count, s_timeout (&self));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, checks, &text);
        if (input < 0)
            break;
        if (input > 0) {
            s_configure (&self, text);
            vd_secret_free (&text);
            continue;           //  the sockets polled may be gone
        }
        for (int i = first_own; i < first_curl; i++)
            if (items [i].revents && owners [i]->busy && owners [i]->fd == items [i].fd) {
                if (owners [i]->kind == SVC_TCP)
                    s_tcp_ready (&self, owners [i]);
                else
                    s_dns_ready (&self, owners [i]);
            }
        for (int i = first_curl; i < count; i++)
            if (items [i].revents)
                s_curl_action (&self, items [i].fd,
                               (items [i].revents & ZMQ_POLLIN? CURL_CSELECT_IN: 0)
                             | (items [i].revents & ZMQ_POLLOUT? CURL_CSELECT_OUT: 0)
                             | (items [i].revents & ZMQ_POLLERR? CURL_CSELECT_ERR: 0));
        s_work (&self);
    }
    zsys_info ("service: %" PRIu64 " runs, %" PRIu64 " failed", self.runs, self.failures);
    free (items);
    free (owners);
    for (svc_t *svc = (svc_t *) zlistx_first (self.checks); svc; svc = (svc_t *) zlistx_next (self.checks)) {
        s_cancel (&self, svc);
        s_svc_destroy (&svc);
    }
    zlistx_destroy (&self.checks);
    curl_multi_cleanup (self.multi);
    zsock_destroy (&self.out);
    zsock_unbind (checks, PROBE_SERVICE_CHECKS);
    zsock_destroy (&checks);
}
