/*  vd_util: time, durations, files and secrets.  */
#include "vedette.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t
vd_now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
vd_mono_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
vd_mono_to_wall_us (int64_t mono_ms)
{
    return mono_ms * 1000 + (vd_now_us () - vd_mono_ns () / 1000);
}

void
vd_varint_put (zchunk_t *out, uint64_t value)
{
    byte buffer [10];
    size_t size = 0;
    while (value >= 0x80) {
        buffer [size++] = (byte) (value | 0x80);
        value >>= 7;
    }
    buffer [size++] = (byte) value;
    zchunk_extend (out, buffer, size);
}

int
vd_varint_get (const byte **cursor, const byte *end, uint64_t *value)
{
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*cursor >= end)
            return -1;
        byte b = *(*cursor)++;
        result |= (uint64_t) (b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *value = result;
            return 0;
        }
    }
    return -1;
}

int64_t
vd_round_ms (int64_t ts_us)
{
    int64_t below = ((ts_us % 1000) + 1000) % 1000;
    return below < 500 || ts_us > INT64_MAX - 1000? ts_us - below: ts_us - below + 1000;
}

double
vd_round (double value, int decimals)
{
    static const double scale [16] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };
    assert (decimals >= 0 && decimals < 16);
    double x = value * scale [decimals];
    if (!(fabs (x) < 9007199254740992.0))       //  2^53, and NaN
        return value;
    return (double) llround (x) / scale [decimals];
}

int64_t
vd_mono_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
vd_duration_parse (const char *text, int64_t *ms)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || end == text || value < 0 || value > 1e12)
        return -1;
    double unit;
    if (*end == 0 || streq (end, "s"))
        unit = 1000;
    else
    if (streq (end, "ms"))
        unit = 1;
    else
    if (streq (end, "m"))
        unit = 60000;
    else
    if (streq (end, "h"))
        unit = 3600000;
    else
    if (streq (end, "d"))
        unit = 86400000;
    else
    if (streq (end, "w"))
        unit = 7 * 86400000.0;
    else
        return -1;
    *ms = (int64_t) (value * unit + 0.5);
    return 0;
}

int
vd_size_parse (const char *text, int64_t *bytes)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || end == text || value < 0)
        return -1;
    static const struct { const char *unit; double factor; } units [] = {
        { "", 1 }, { "B", 1 }, { "k", 1e3 }, { "kB", 1e3 }, { "KiB", 1024.0 },
        { "M", 1e6 }, { "MB", 1e6 }, { "MiB", 1048576.0 },
        { "G", 1e9 }, { "GB", 1e9 }, { "GiB", 1073741824.0 },
        { "T", 1e12 }, { "TB", 1e12 }, { "TiB", 1099511627776.0 }, { NULL, 0 }
    };
    for (int i = 0; units [i].unit; i++)
        if (streq (end, units [i].unit)) {
            double result = value * units [i].factor;
            if (result > 9e18)
                return -1;
            *bytes = (int64_t) (result + 0.5);
            return 0;
        }
    return -1;
}

int
vd_percent_parse (const char *text, double *percent)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || end == text || !(value >= 0 && value <= 100))
        return -1;
    if (*end == '%')
        end++;
    if (*end)
        return -1;
    *percent = value;
    return 0;
}

int
vd_time_parse (const char *text, int64_t now_us, int64_t *us)
{
    if (!text || !*text)
        return -1;
    if (streq (text, "now")) {
        *us = now_us;
        return 0;
    }
    int64_t ms;
    const char *rel = text [0] == '-'? text + 1: text;
    if (vd_duration_parse (rel, &ms) == 0) {
        *us = now_us - ms * 1000;
        return 0;
    }
    struct tm tm;
    memset (&tm, 0, sizeof tm);
    const char *formats [] = {
        "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", NULL
    };
    for (int i = 0; formats [i]; i++) {
        memset (&tm, 0, sizeof tm);
        const char *end = strptime (text, formats [i], &tm);
        if (end && *end == 0) {
            time_t t = timegm (&tm);
            if (t == (time_t) -1)
                return -1;
            *us = (int64_t) t * 1000000;
            return 0;
        }
    }
    return -1;
}

char *
vd_duration_format (int64_t ms, char *buf, size_t size)
{
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        snprintf (buf, size, "%dms", (int) ms);
    else
    if (ms < 60000)
        snprintf (buf, size, "%ds", (int) (ms / 1000));
    else
    if (ms < 3600000)
        snprintf (buf, size, "%dm%02ds", (int) (ms / 60000), (int) (ms / 1000 % 60));
    else
    if (ms < 86400000)
        snprintf (buf, size, "%dh%02dm", (int) (ms / 3600000), (int) (ms / 60000 % 60));
    else
        snprintf (buf, size, "%dd%02dh", (int) (ms / 86400000), (int) (ms / 3600000 % 24));
    return buf;
}

char *
vd_file_read (const char *path, size_t *size)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    char *data = NULL;
    size_t used = 0, limit = 0;
    while (true) {
        if (used + 4096 + 1 > limit) {
            limit = limit? limit * 2: 8192;
            char *grown = realloc (data, limit);
            if (!grown) {
                free (data);
                fclose (file);
                return NULL;
            }
            data = grown;
        }
        size_t got = fread (data + used, 1, 4096, file);
        used += got;
        if (got < 4096)
            break;
    }
    bool failed = ferror (file);
    fclose (file);
    if (failed) {
        free (data);
        return NULL;
    }
    data [used] = 0;
    if (size)
        *size = used;
    return data;
}

int
vd_file_write_atomic (const char *path, const void *data, size_t size, int mode)
{
    char temp [4096];
    if (snprintf (temp, sizeof temp, "%s.tmp.%d", path, (int) getpid ()) >= (int) sizeof temp)
        return -1;
    int fd = open (temp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    const char *cursor = data;
    size_t left = size;
    while (left > 0) {
        ssize_t wrote = write (fd, cursor, left);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0) {
            close (fd);
            unlink (temp);
            return -1;
        }
        cursor += wrote;
        left -= (size_t) wrote;
    }
    if (fsync (fd) || close (fd) || rename (temp, path)) {
        unlink (temp);
        return -1;
    }
    return 0;
}

char *
vd_secret_read (FILE *stream)
{
    size_t limit = 1024;
    char *line = malloc (limit);
    if (!line)
        return NULL;
    if (!fgets (line, (int) limit, stream)) {
        free (line);
        return NULL;
    }
    line [strcspn (line, "\r\n")] = 0;
    return line;
}

void
vd_secret_free (char **secret_p)
{
    if (secret_p && *secret_p) {
        sodium_memzero (*secret_p, strlen (*secret_p));
        free (*secret_p);
        *secret_p = NULL;
    }
}

int
vd_mkdir_p (const char *path, int mode)
{
    char buf [4096];
    if (snprintf (buf, sizeof buf, "%s", path) >= (int) sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir (buf, (mode_t) mode) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir (buf, (mode_t) mode) && errno != EEXIST)
        return -1;
    return 0;
}

void
vd_log_init (const char *ident, bool foreground, bool verbose)
{
    zsys_set_logident (ident);
    zsys_set_logstream (foreground? stderr: NULL);
    zsys_set_logsystem (!foreground);
    //  CZMQ would otherwise catch SIGINT itself; each program handles signals
    zsys_handler_set (NULL);
    (void) verbose;
}

//  Appends the UTF-8 form of code point cp to out
static size_t
s_utf8_put (char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out [0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out [0] = (char) (0xC0 | (cp >> 6));
        out [1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out [0] = (char) (0xE0 | (cp >> 12));
        out [1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out [2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    out [0] = (char) (0xF0 | (cp >> 18));
    out [1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    out [2] = (char) (0x80 | ((cp >> 6) & 0x3F));
    out [3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

//  Decodes one UTF-8 sequence at p (n bytes left); returns its length, or 0
//  if it is not a valid, shortest-form sequence of a scalar value
static size_t
s_utf8_decode (const unsigned char *p, size_t n, uint32_t *cp)
{
    if (p [0] < 0x80) {
        *cp = p [0];
        return 1;
    }
    size_t length = (p [0] & 0xE0) == 0xC0? 2: (p [0] & 0xF0) == 0xE0? 3: (p [0] & 0xF8) == 0xF0? 4: 0;
    if (length == 0 || length > n)
        return 0;
    uint32_t value = p [0] & (0x7F >> length);
    for (size_t i = 1; i < length; i++) {
        if ((p [i] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (p [i] & 0x3F);
    }
    static const uint32_t least [] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (value < least [length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *cp = value;
    return length;
}

char *
vd_utf8_clean (const char *data, size_t size, size_t max, bool *truncated)
{
    *truncated = size > max;
    if (*truncated)
        size = max;
    char *out = (char *) malloc (size * 3 + 1);     //  a bad byte grows to 3
    size_t used = 0;
    const unsigned char *p = (const unsigned char *) data;
    size_t i = 0;
    while (i < size) {
        uint32_t cp;
        size_t length = s_utf8_decode (p + i, size - i, &cp);
        if (length == 0) {
            used += s_utf8_put (out + used, 0xFFFD);
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            cp = ' ';
        used += s_utf8_put (out + used, cp);
        i += length;
    }
    //  trailing spaces and newlines are framing, not message
    while (used && out [used - 1] == ' ')
        used--;
    out [used] = 0;
    return out;
}

bool
vd_address_valid (const char *text)
{
    unsigned char buf [sizeof (struct in6_addr)];
    return inet_pton (AF_INET, text, buf) == 1 || inet_pton (AF_INET6, text, buf) == 1;
}

int
vd_sockaddr_parse (const char *text, bool passive, int type,
                   struct sockaddr_storage *addr, socklen_t *length)
{
    char host [256];
    const char *colon = strrchr (text, ':');
    if (!colon || colon == text || (size_t) (colon - text) >= sizeof host || !colon [1]
    ||  strspn (colon + 1, "0123456789") != strlen (colon + 1) || atoi (colon + 1) > 65535)
        return -1;
    snprintf (host, sizeof host, "%.*s", (int) (colon - text), text);
    if (host [0] == '[' && host [strlen (host) - 1] == ']') {
        memmove (host, host + 1, strlen (host));
        host [strlen (host) - 1] = 0;
    }
    bool any = streq (host, "*");
    if (any && !passive)
        return -1;
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
                              .ai_family = AF_UNSPEC, .ai_socktype = type };
    struct addrinfo *info = NULL;
    if (getaddrinfo (any? "::": host, colon + 1, &hints, &info) || !info)
        return -1;
    memcpy (addr, info->ai_addr, info->ai_addrlen);
    *length = info->ai_addrlen;
    freeaddrinfo (info);
    return 0;
}

int
vd_socket_bind (const char *text, int type, int rcvbuf)
{
    struct sockaddr_storage addr;
    socklen_t length;
    if (vd_sockaddr_parse (text, true, type, &addr, &length))
        return -1;
    int fd = socket (addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1, off = 0;
    if (fd >= 0) {
        setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (addr.ss_family == AF_INET6 && strncmp (text, "*:", 2) == 0)
            setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        if (rcvbuf > 0 && setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf))
            setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        if (bind (fd, (struct sockaddr *) &addr, length) || (type == SOCK_STREAM && listen (fd, 64))) {
            close (fd);
            fd = -1;
        }
    }
    return fd;
}

void
vd_sockaddr_text (const struct sockaddr *sa, char *out)
{
    strcpy (out, "?");
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, out, INET6_ADDRSTRLEN);
    else
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *in6 = &((const struct sockaddr_in6 *) sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED (in6))
            inet_ntop (AF_INET, &in6->s6_addr [12], out, INET6_ADDRSTRLEN);
        else
            inet_ntop (AF_INET6, in6, out, INET6_ADDRSTRLEN);
    }
}

int
vd_cidr_parse (const char *text, vd_cidr_t *cidr)
{
    char address [64];
    const char *slash = strchr (text, '/');
    size_t length = slash? (size_t) (slash - text): strlen (text);
    if (length == 0 || length >= sizeof address)
        return -1;
    memcpy (address, text, length);
    address [length] = 0;
    memset (cidr, 0, sizeof *cidr);
    if (inet_pton (AF_INET, address, cidr->address) == 1)
        cidr->family = AF_INET;
    else
    if (inet_pton (AF_INET6, address, cidr->address) == 1)
        cidr->family = AF_INET6;
    else
        return -1;
    int bits = cidr->family == AF_INET? 32: 128;
    cidr->prefix = bits;
    if (slash) {
        char *end;
        long prefix = strtol (slash + 1, &end, 10);
        if (!slash [1] || *end || prefix < 0 || prefix > bits)
            return -1;
        cidr->prefix = (int) prefix;
    }
    //  the network: host bits cleared
    for (int bit = cidr->prefix; bit < bits; bit++)
        cidr->address [bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
    return 0;
}

uint64_t
vd_cidr_size (const vd_cidr_t *cidr)
{
    int host_bits = (cidr->family == AF_INET? 32: 128) - cidr->prefix;
    return host_bits >= 63? UINT64_MAX: (uint64_t) 1 << host_bits;
}

bool
vd_cidr_contains (const vd_cidr_t *cidr, int family, const uint8_t *address)
{
    if (family != cidr->family)
        return false;
    for (int bit = 0; bit < cidr->prefix; bit++) {
        uint8_t mask = (uint8_t) (0x80 >> (bit % 8));
        if ((address [bit / 8] & mask) != (cidr->address [bit / 8] & mask))
            return false;
    }
    return true;
}

void
vd_cidr_host (const vd_cidr_t *cidr, uint64_t index, uint8_t *address)
{
    memcpy (address, cidr->address, 16);
    int last = cidr->family == AF_INET? 3: 15;
    for (int byte = last; byte >= 0 && index; byte--, index >>= 8)
        address [byte] |= (uint8_t) (index & 0xff);
}

int
vd_actor_status (zactor_t *actor)
{
    int status = -1;
    if (zstr_send (actor, "STATUS") == 0)
        zsock_recv (actor, "i", &status);
    return status;
}

void
vd_actor_failed (zsock_t *pipe)
{
    while (true) {
        char *command = zstr_recv (pipe);
        if (!command || streq (command, "$TERM")) {
            free (command);
            break;
        }
        if (streq (command, "STATUS"))
            zsock_send (pipe, "i", -1);
        free (command);
    }
}

void
vd_sock_close (zsock_t **sock_p, const char *endpoint)
{
    if (*sock_p && endpoint)
        zmq_unbind (zsock_resolve (*sock_p), endpoint);
    zsock_destroy (sock_p);
}

int
vd_bind (zsock_t *sock, const char *endpoint)
{
    //  a listener just closed (reload) is released by libzmq's I/O thread
    //  shortly after; wait for it, but not for ever
    for (int attempt = 0; attempt < 50; attempt++) {
        if (zsock_bind (sock, "%s", endpoint) >= 0)
            return 0;
        if (zmq_errno () != EADDRINUSE)
            break;
        zclock_sleep (100);
    }
    return -1;
}

char *
vd_actor_command (zsock_t *pipe, bool *term)
{
    char *command = zstr_recv (pipe);
    *term = !command || streq (command, "$TERM");
    if (command && streq (command, "STATUS")) {
        zsock_send (pipe, "i", 0);
        zstr_free (&command);
    }
    return command;
}

volatile sig_atomic_t vd_stop = 0;
volatile sig_atomic_t vd_reload = 0;
//  The self-pipe: a handler writes a byte, the main loop wakes on it
static int s_signal_pipe [2] = { -1, -1 };

static void
s_on_signal (int sig)
{
    int saved = errno;
    if (sig == SIGHUP)
        vd_reload = 1;
    else
        vd_stop = 1;
    //  a full pipe already holds a wake-up: the result does not matter
    if (s_signal_pipe [1] >= 0) {
        ssize_t written = write (s_signal_pipe [1], "s", 1);
        (void) written;
    }
    errno = saved;
}

void
vd_signals_init (void)
{
    signal (SIGPIPE, SIG_IGN);
    if (s_signal_pipe [0] < 0 && pipe (s_signal_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl (s_signal_pipe [i], F_SETFL, fcntl (s_signal_pipe [i], F_GETFL) | O_NONBLOCK);
            fcntl (s_signal_pipe [i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGHUP, &action, NULL);
}

void
vd_signals_wait (int timeout_ms)
{
    if (vd_stop || vd_reload)
        return;
    struct pollfd item = { s_signal_pipe [0], POLLIN, 0 };
    if (poll (&item, 1, timeout_ms) > 0) {
        char drain [64];
        while (read (s_signal_pipe [0], drain, sizeof drain) > 0)
            ;
    }
}

int
vd_pidfile_lock (const char *path)
{
    int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    if (flock (fd, LOCK_EX | LOCK_NB)) {
        close (fd);
        return -2;
    }
    char text [32];
    int size = snprintf (text, sizeof text, "%d\n", (int) getpid ());
    if (ftruncate (fd, 0) || write (fd, text, (size_t) size) != size) {
        close (fd);
        return -1;
    }
    return fd;
}

static void
s_json_zero (json_t *value)
{
    if (json_is_string (value))
        sodium_memzero ((char *) json_string_value (value), json_string_length (value));
    else
    if (json_is_object (value)) {
        const char *key;
        json_t *member;
        json_object_foreach (value, key, member)
            s_json_zero (member);
    }
    else
    if (json_is_array (value)) {
        size_t index;
        json_t *member;
        json_array_foreach (value, index, member)
            s_json_zero (member);
    }
}

void
vd_json_wipe (json_t *value)
{
    s_json_zero (value);
    json_decref (value);
}

int
vd_clock_add (vd_clock_t *self, int64_t t1, int64_t t2, int64_t t3, int64_t t4)
{
    int64_t delay = (t4 - t1) - (t3 - t2);
    //  more than a minute to cross and back is no measurement of anything
    if (t4 < t1 || t3 < t2 || delay < 0 || delay > 60 * 1000000LL)
        return -1;
    self->offset [self->next] = ((t1 - t2) + (t4 - t3)) / 2;
    self->delay [self->next] = delay;
    self->next = (self->next + 1) % VD_CLOCK_SAMPLES;
    if (self->count < VD_CLOCK_SAMPLES)
        self->count++;
    return 0;
}

bool
vd_clock_best (const vd_clock_t *self, int64_t *offset, int64_t *delay)
{
    int best = -1;
    for (int i = 0; i < self->count; i++)
        if (best < 0 || self->delay [i] < self->delay [best])
            best = i;
    if (best < 0)
        return false;
    *offset = self->offset [best];
    *delay = self->delay [best];
    return true;
}

const char *vd_severities [] = { "critical", "major", "minor", "warning", "info", NULL };

int
vd_severity_rank (const char *severity)
{
    for (int i = 0; severity && vd_severities [i]; i++)
        if (streq (severity, vd_severities [i]))
            return 5 - i;
    return 0;
}

bool
vd_word_in (const char *word, const char **list)
{
    for (int i = 0; word && list [i]; i++)
        if (streq (word, list [i]))
            return true;
    return false;
}

void
vd_complain (vd_complaint_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vd_vcomplain (self, format, args);
    va_end (args);
}

bool
vd_complaint_due (vd_complaint_t *self)
{
    int64_t every = self->every_ms? self->every_ms: VD_COMPLAIN_EVERY_MS;
    if (self->last_ms && vd_mono_ms () - self->last_ms < every) {
        self->held++;
        return false;
    }
    return true;
}

void
vd_vcomplain (vd_complaint_t *self, const char *format, va_list args)
{
    if (!vd_complaint_due (self))
        return;
    int64_t now = vd_mono_ms ();
    char *text = zsys_vprintf (format, args);
    if (self->held)
        zsys_warning ("%s (and %" PRIu64 " more like it in the last %ds)", text, self->held,
                      (int) ((now - self->last_ms) / 1000));
    else
        zsys_warning ("%s", text);
    free (text);
    self->last_ms = now;
    self->held = 0;
}
