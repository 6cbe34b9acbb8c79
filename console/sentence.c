/*  console/sentence.c: an event as a sentence an engineer reads, for the
    CLI's event tables and the console ("core1 is down (was up)", "trap
    linkDown from sw1 ge-0/0/1"). --json keeps the data as it is.

    One template per topic. In a template, {key} is the value of the
    event's data field key (a string or a number), {a|b} the first of them
    that has one, and [...] a part said only if every field in it has a
    value. A topic without a template reads "topic key=value ...".       */
#include "console.h"

static const struct {
    const char *topic;
    const char *template;
} s_templates [] = {
    { "device.state", "{device} is {state}[ (was {previous})][ under {under}]" },
    { "device.added", "{device}[ ({address})] added[ by {by}]" },
    { "device.removed", "{device} removed" },
    { "probe.link", "probe {probe} is {link}[ (was {previous})]" },
    { "probe.clock", "probe {probe}: clock {clock}[ (was {previous})][, offset {offset_us} us]" },
    { "probe.dropped", "probe {probe} {text}" },
    { "probe.enrolled", "probe {probe} enrolled[ at {site}]" },
    { "probe.joined", "probe {probe} joined" },
    { "probe.revoked", "probe {probe} revoked" },
    { "trap", "trap {name|oid} from {device|address}[ {if}][: {message}]" },
    { "syslog", "syslog {severity} from {device|host|address}[ {app}]: {message}" },
    { "listen.dropped", "{device|address}: {message}" },
    { "alarm.raised", "{severity} {rule} on {device|site|probe}[ {object}][: {message}]" },
    { "alarm.cleared", "{rule} on {device|site|probe}[ {object}] cleared[ by {cleared_by}]" },
    { "alarm.acked", "{rule} on {device|site|probe} acknowledged by {acked_by}[: {comment}]" },
    { "alarm.unacked", "{rule} on {device|site|probe} no longer acknowledged" },
    { "alarm.suppressed", "{rule} on {device|site|probe} suppressed under {suppressed_by}" },
    { "alarm.unsuppressed", "{rule} on {device|site|probe} no longer suppressed" },
    { "alarm.flapping", "{rule} on {device|site|probe} is flapping" },
    { "alarm.stable", "{rule} on {device|site|probe} is stable again" },
    { "notification.sent", "{kind} notification of alarm {alarm} sent to {channel}" },
    { "notification.failed", "{kind} notification of alarm {alarm} to {channel} failed: {result}" },
    { "report.sent", "scheduled report {schedule} sent" },
    { "report.failed", "scheduled report {schedule} not sent: {text}" },
    { "discovery.done", "discovery {discovery}: {alive} alive of {swept}, {added} added, {updated} updated" },
    { "site.added", "site {site} added" },
    { "site.removed", "site {site} removed" },
    { "rule.removed", "rule {rule} removed" },
    { NULL, NULL }
};

//  The traps every agent sends (SNMPv2-MIB snmpTraps, and v1's generic
//  numbers in the same order)
static const char *s_standard_traps [] = {
    "coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure", "egpNeighborLoss"
};

//  The value of a field as text, or NULL if it has none
static const char *
s_value (json_t *data, const char *key, size_t length, char *buffer, size_t size)
{
    char name [64];
    snprintf (name, sizeof name, "%.*s", (int) (length < sizeof name? length: sizeof name - 1), key);
    json_t *value = json_object_get (data, name);
    if (json_is_string (value))
        return json_string_length (value)? json_string_value (value): NULL;
    if (json_is_integer (value)) {
        snprintf (buffer, size, "%lld", (long long) json_integer_value (value));
        return buffer;
    }
    if (json_is_real (value)) {
        snprintf (buffer, size, "%g", json_real_value (value));
        return buffer;
    }
    return NULL;
}

//  Expands template into out (at used); false if a field had no value
static bool
s_expand (json_t *data, const char *template, const char *end, char *out, size_t size, size_t *used)
{
    bool complete = true;
    for (const char *p = template; p < end && *p; p++) {
        if (*p == '[') {
            //  an optional part: said whole or not at all
            int depth = 1;
            const char *close = p + 1;
            for (; close < end && *close && depth; close++)
                depth += *close == '['? 1: *close == ']'? -1: 0;
            size_t mark = *used;
            if (!s_expand (data, p + 1, close - 1, out, size, used)) {
                *used = mark;
                out [mark] = 0;
            }
            p = close - 1;
        }
        else
        if (*p == '{') {
            const char *close = strchr (p, '}');
            if (!close || close > end)
                break;
            const char *value = NULL;
            char buffer [32];
            for (const char *key = p + 1; key < close && !value; ) {
                const char *bar = memchr (key, '|', (size_t) (close - key));
                const char *stop = bar? bar: close;
                value = s_value (data, key, (size_t) (stop - key), buffer, sizeof buffer);
                key = stop + 1;
            }
            if (value && *used < size)
                *used += (size_t) snprintf (out + *used, size - *used, "%s", value);
            else
                complete = false;
            p = close;
        }
        else
        if (*used + 1 < size) {
            out [(*used)++] = *p;
            out [*used] = 0;
        }
        if (*used >= size)
            *used = size - 1;
    }
    return complete;
}

//  A trap's name: a standard trap's, else its OID
static void
s_trap_name (json_t *data, char *name, size_t size)
{
    const char *oid = json_string_value (json_object_get (data, "oid"));
    json_t *generic = json_object_get (data, "generic");
    *name = 0;
    int index = -1;
    if (oid && strncmp (oid, "1.3.6.1.6.3.1.1.5.", 18) == 0 && strlen (oid) == 19
    &&  oid [18] >= '1' && oid [18] <= '6')
        index = oid [18] - '1';
    else
    if (json_is_integer (generic) && json_integer_value (generic) >= 0
    &&  json_integer_value (generic) <= 5)
        index = (int) json_integer_value (generic);
    if (index >= 0)
        snprintf (name, size, "%s", s_standard_traps [index]);
}

void
event_sentence (json_t *event, char *out, size_t size)
{
    const char *topic = json_string_value (json_object_get (event, "topic"));
    json_t *data = json_object_get (event, "data");
    size_t used = 0;
    *out = 0;
    if (!topic || !json_is_object (data)) {
        snprintf (out, size, "%s", topic? topic: "?");
        return;
    }
    for (int i = 0; s_templates [i].topic; i++)
        if (streq (topic, s_templates [i].topic)) {
            json_t *fields = json_copy (data);
            //  an alarm's object is often its device: said once
            const char *object = json_string_value (json_object_get (data, "object"));
            const char *device = json_string_value (json_object_get (data, "device"));
            if (object && device && streq (object, device))
                json_object_del (fields, "object");
            if (streq (topic, "trap")) {
                char name [32];
                s_trap_name (data, name, sizeof name);
                if (*name)
                    json_object_set_new (fields, "name", json_string (name));
                //  a trap's message repeats its varbinds: said in full by --json
                if (*name && json_object_get (data, "if"))
                    json_object_del (fields, "message");
            }
            const char *template = s_templates [i].template;
            s_expand (fields, template, template + strlen (template), out, size, &used);
            json_decref (fields);
            return;
        }
    used = (size_t) snprintf (out, size, "%s", topic);
    const char *key;
    json_t *value;
    json_object_foreach (data, key, value) {
        char buffer [32];
        const char *text = s_value (data, key, strlen (key), buffer, sizeof buffer);
        if (text && used < size)
            used += (size_t) snprintf (out + used, size - used, " %s=%s", key, text);
    }
}
