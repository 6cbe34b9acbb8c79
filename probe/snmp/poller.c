/*  probe/snmp/poller.c: every device of the snmp checks.

    One net-snmp single session per device (its own UDP socket, in an epoll
    set), opened when the device is configured and kept while its check,
    address, port and credential stay the same. A heap of due times says
    what to do next: start a poll, a request timed out, a poll past its
    deadline. A device is never polled twice at once, and at most
    max_inflight devices are in a poll at once (the others wait their turn,
    oldest first).                                                       */
#include "device.h"
#include <net-snmp/library/large_fd_set.h>
#include <sys/epoll.h>
#include <sys/resource.h>

static void
s_device_destroy (device_t **self_p)
{
    device_t *self = *self_p;
    if (!self)
        return;
    if (self->busy)
        self->poller->inflight--;
    poll_close (self);
    poll_clear_values (self);
    free (self->walk);
    poll_tables_destroy (self);
    vd_json_wipe (self->cred);
    free (self->key);
    free (self);
    *self_p = NULL;
}

poller_t *
poller_new (poller_emit_fn *emit, void *arg, int max_inflight, int timeout_ms, int retries)
{
    poller_t *self = (poller_t *) zmalloc (sizeof (poller_t));
    self->emit = emit;
    self->arg = arg;
    self->max_inflight = max_inflight > 0? max_inflight: 1;
    self->timeout_ms = timeout_ms > 0? timeout_ms: 1000;
    self->retries = retries >= 0? retries: 0;
    self->epoll = epoll_create1 (EPOLL_CLOEXEC);
    self->heap = vd_heap_new ();
    //  a socket per device: thousands of devices need more than 1024 files
    struct rlimit files;
    if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit (RLIMIT_NOFILE, &files);
    }
    if (self->epoll < 0) {
        poller_destroy (&self);
        return NULL;
    }
    snmp_lib_lock ();
    snmp_lib_init ();
    snmp_lib_unlock ();
    return self;
}

void
poller_destroy (poller_t **self_p)
{
    poller_t *self = *self_p;
    if (!self)
        return;
    snmp_lib_lock ();
    for (int i = 0; i < self->count; i++)
        s_device_destroy (&self->devices [i]);
    snmp_lib_unlock ();
    free (self->devices);
    free (self->waiting);
    vd_heap_destroy (&self->heap);
    if (self->epoll >= 0)
        close (self->epoll);
    free (self);
    *self_p = NULL;
}

//  "1.3.6.1.2.1.1.3.0" into arcs; false if it is not one
static bool
s_parse_oid (const char *text, oid *name, size_t *length)
{
    *length = 0;
    while (*text) {
        char *end;
        unsigned long arc = strtoul (text, &end, 10);
        if (end == text || *length == MAX_OID_LEN || (*end && *end != '.'))
            return false;
        name [(*length)++] = (oid) arc;
        text = *end? end + 1: end;
    }
    return *length >= 2;
}

static device_t *
s_device_new (poller_t *poller, json_t *check, json_t *creds, const char *key)
{
    const char *address = json_string_value (json_object_get (check, "address"));
    const char *cred = json_string_value (json_object_get (check, "cred"));
    json_t *secret = cred? json_object_get (creds, cred): NULL;
    json_t *port = json_object_get (json_object_get (check, "params"), "port");
    if (!address || !vd_address_valid (address) || !json_is_object (secret))
        return NULL;
    device_t *self = (device_t *) zmalloc (sizeof (device_t));
    self->poller = poller;
    self->key = strdup (key);
    self->check_id = json_integer_value (json_object_get (check, "id"));
    snprintf (self->address, sizeof self->address, "%s", address);
    self->port = json_is_integer (port)? (int) json_integer_value (port): 161;
    snprintf (self->peername, sizeof self->peername, strchr (address, ':')? "udp6:[%s]:%d": "udp:%s:%d",
              address, self->port);
    self->interval_ms = json_integer_value (json_object_get (check, "interval_ms"));
    if (self->interval_ms < 1000)
        self->interval_ms = 1000;
    self->cred = json_deep_copy (secret);
    self->fd = -1;
    poll_tables_new (self);
    self->need_full = true;
    //  spread the first polls over the interval (at most 10 s)
    int64_t spread = self->interval_ms < 10000? self->interval_ms: 10000;
    self->due = vd_mono_ms () + (int64_t) randombytes_uniform ((uint32_t) spread);
    return self;
}

int
poller_configure (poller_t *self, json_t *config)
{
    json_t *checks = json_object_get (config, "checks");
    json_t *creds = json_object_get (config, "creds");
    //  the old devices by key, to keep what has not changed
    zhashx_t *old = zhashx_new ();
    for (int i = 0; i < self->count; i++)
        zhashx_insert (old, self->devices [i]->key, self->devices [i]);
    device_t **devices = NULL;
    int count = 0;
    size_t index;
    json_t *check;
    //  custom OID checks join their device's poll: by device name
    json_t *customs = json_object ();
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        const char *device = json_string_value (json_object_get (check, "device"));
        if (!kind || !streq (kind, "snmp") || !device
        ||  !json_object_get (json_object_get (check, "params"), "oid"))
            continue;
        if (!json_object_get (customs, device))
            json_object_set_new (customs, device, json_array ());
        json_array_append (json_object_get (customs, device), check);
    }
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        json_t *params = json_object_get (check, "params");
        if (!kind || !streq (kind, "snmp") || json_object_get (params, "oid"))
            continue;
        const char *cred = json_string_value (json_object_get (check, "cred"));
        char *secret = cred? json_dumps (json_object_get (creds, cred), JSON_COMPACT | JSON_SORT_KEYS): NULL;
        char *key = zsys_sprintf ("%lld|%s|%lld|%lld|%s",
            (long long) json_integer_value (json_object_get (check, "id")),
            json_string_value (json_object_get (check, "address")),
            (long long) json_integer_value (json_object_get (params, "port")),
            (long long) json_integer_value (json_object_get (check, "interval_ms")),
            secret? secret: "");
        if (secret) {
            sodium_memzero (secret, strlen (secret));
            free (secret);
        }
        device_t *device = (device_t *) zhashx_lookup (old, key);
        if (device)
            zhashx_delete (old, key);
        else
            device = s_device_new (self, check, creds, key);
        sodium_memzero (key, strlen (key));
        free (key);
        if (!device) {
            zsys_warning ("snmp: check %lld: no usable address or credential; not polled",
                          (long long) json_integer_value (json_object_get (check, "id")));
            continue;
        }
        device->ncustom = 0;
        json_t *list = json_object_get (customs, json_string_value (json_object_get (check, "device")));
        size_t other;
        json_t *custom;
        json_array_foreach (list, other, custom) {
            json_t *custom_params = json_object_get (custom, "params");
            const char *oid_text = json_string_value (json_object_get (custom_params, "oid"));
            const char *label = json_string_value (json_object_get (custom_params, "name"));
            if (!oid_text || !label || device->ncustom == MAX_CUSTOM)
                continue;
            if (s_parse_oid (oid_text, device->custom [device->ncustom].name,
                             &device->custom [device->ncustom].length)) {
                snprintf (device->custom [device->ncustom].label,
                          sizeof device->custom [device->ncustom].label, "%s", label);
                device->ncustom++;
            }
        }
        device->skip = 0;
        devices = (device_t **) realloc (devices, (size_t) (count + 1) * sizeof (device_t *));
        devices [count++] = device;
    }
    json_decref (customs);
    snmp_lib_lock ();
    for (device_t *device = (device_t *) zhashx_first (old); device; device = (device_t *) zhashx_next (old))
        s_device_destroy (&device);
    snmp_lib_unlock ();
    zhashx_destroy (&old);
    free (self->devices);
    self->devices = devices;
    self->count = count;
    free (self->waiting);
    self->waiting = (int *) calloc ((size_t) count + 1, sizeof (int));
    self->waiting_head = self->waiting_tail = 0;
    vd_heap_clear (self->heap);
    for (int i = 0; i < count; i++) {
        devices [i]->slot = i;
        poll_schedule (devices [i]);
    }
    return count;
}

int
poller_fd (poller_t *self)
{
    return self->epoll;
}

int
poller_timeout (poller_t *self)
{
    int64_t key;
    if (vd_heap_top (self->heap, &key) < 0)
        return -1;
    int64_t wait = key - vd_mono_ms ();
    return wait < 0? 0: wait > 60000? 60000: (int) wait;
}

void
poller_work (poller_t *self)
{
    snmp_lib_lock ();
    //  what arrived
    struct epoll_event events [256];
    int ready;
    do {
        ready = epoll_wait (self->epoll, events, 256, 0);
        for (int i = 0; i < ready; i++) {
            device_t *device = (device_t *) events [i].data.ptr;
            if (!device->sessp)
                continue;
            netsnmp_large_fd_set fds;
            netsnmp_large_fd_set_init (&fds, device->fd + 1);
            NETSNMP_LARGE_FD_SET (device->fd, &fds);
            snmp_sess_read2 (device->sessp, &fds);
            netsnmp_large_fd_set_cleanup (&fds);
            poll_advance (device);
        }
    } while (ready == 256);
    //  what is due: polls to start, requests timed out, polls past deadline
    int64_t now = vd_mono_ms ();
    int64_t key;
    int slot;
    while ((slot = vd_heap_top (self->heap, &key)) >= 0 && key <= now) {
        device_t *device = self->devices [slot];
        if (!device->busy) {
            if (self->inflight < self->max_inflight)
                poll_start (device);
            else {
                //  pacing: it waits its turn for a poll to end
                self->stats.deferred++;
                vd_heap_remove (self->heap, slot);
                self->waiting [self->waiting_tail++ % self->count] = slot;
            }
        }
        else
        if (now >= device->deadline) {
            snprintf (device->error, sizeof device->error, "the poll did not end within %lld ms",
                      (long long) device->interval_ms);
            poll_finish (device, "deadline");
        }
        else {
            //  net-snmp resends or gives up (the callback says which)
            int64_t expiry = device->expiry;
            snmp_sess_timeout (device->sessp);
            if (device->outcome != OUT_NONE)
                poll_advance (device);
            else {
                if (device->expiry == expiry)
                    device->expiry = now + 5;   //  not quite due by net-snmp's clock
                poll_schedule (device);
            }
        }
    }
    //  those waiting their turn, oldest first, as polls end
    while (self->waiting_head != self->waiting_tail && self->inflight < self->max_inflight)
        poll_start (self->devices [self->waiting [self->waiting_head++ % self->count]]);
    snmp_lib_unlock ();
}

void
poller_stats (poller_t *self, poller_stats_t *stats)
{
    *stats = self->stats;
}

//  -- fuzzing ---------------------------------------------------------------------

static void
s_fuzz_emit (void *arg, json_t *report)
{
    (void) arg;
    json_decref (report);
}

int
poller_fuzz (const uint8_t *data, size_t size)
{
    static poller_t *poller;
    if (!poller)
        poller = poller_new (s_fuzz_emit, NULL, 1, 1000, 0);
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_RESPONSE);
    u_char *copy = (u_char *) malloc (size? size: 1);
    memcpy (copy, data, size);
    size_t length = size;
    int taken = -1;
    if (snmp_pdu_parse (pdu, copy, &length) == 0) {
        device_t device = { .poller = poller, .fd = -1, .interval_ms = 1000, .timeout_ms = 1000,
                            .version = SNMP_VERSION_2c };
        poll_tables_new (&device);
        snprintf (device.status, sizeof device.status, "ok");
        snprintf (device.address, sizeof device.address, "fuzz");
        device.complaint.last_ms = vd_mono_ms ();
        //  the standard scalars as asked, then a walk of every column
        for (int id = 0; id < S_STANDARD; id++)
            device.asked [device.nasked++] = id;
        device.busy = true;
        poller->inflight++;
        taken = read_scalars (&device, pdu);
        device.walk = poll_walk_new (true);
        for (int c = 0; c < C_COLUMNS; c++)
            device.walk->asked [device.walk->nasked++] = c;
        taken += read_walk (&device, pdu);
        //  every column's last OID fits its slot: a longer one would have
        //  written into the next column's (ASan cannot see that)
        for (int c = 0; c < C_COLUMNS; c++)
            assert (device.walk->length [c] <= MAX_WALK_OID);
        //  and a report from what was read, twice: the second one has rates
        device.walk->read_ns = 1;
        device.slot = 0;
        poll_finish (&device, "ok");
        read_scalars (&device, pdu);
        device.walk = (walk_t *) zmalloc (sizeof (walk_t));
        device.walk->read_ns = 1000000000;
        device.busy = true;
        poller->inflight++;
        device.generation = 0;
        poll_finish (&device, "ok");
        vd_heap_clear (poller->heap);
        poll_tables_destroy (&device);
    }
    snmp_free_pdu (pdu);
    free (copy);
    return taken;
}
