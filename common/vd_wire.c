/*  vd_wire: the mesh wire codec. Every length is checked before it is read. */
#include "vedette.h"

static const char *s_commands [] = {
    "HELLO",        //  probe -> meshd: who I am, what I have acked
    "WELCOME",      //  meshd -> probe: last committed sequence, credit
    "ROTATE",       //  probe -> meshd: replace the enrollment key with mine
    "ROTATED",      //  meshd -> probe: done, reconnect with your own key
    "CONFIG",       //  meshd -> probe: devices and checks to run
    "DATA",         //  probe -> meshd: a sequenced batch of samples
    "EVENTS",       //  probe -> meshd: a sequenced JSON array of events
    "REPORTS",      //  probe -> meshd: a sequenced JSON array of reports (SNMP
                    //  polls, service checks, discoveries, paths between probes)
    "ACK",          //  meshd -> probe: committed up to this sequence
    "NACK",         //  meshd -> probe: what is unacknowledged was not stored
    "PING",         //  probe -> meshd: heartbeat with backlog
    "PONG",         //  meshd -> probe: heartbeat reply
    "LIVE",         //  meshd -> probe: a request someone waits on (a credential test)
    "ANSWER",       //  probe -> meshd: its answer, with the request's id
    "ERROR",        //  either way: a refusal with a code and a reason
    NULL
};

static void
s_put_u64 (byte *out, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        out [i] = (byte) (value >> (8 * i));
}

static uint64_t
s_get_u64 (const byte *in)
{
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value |= (uint64_t) in [i] << (8 * i);
    return value;
}

void
vd_sample_encode (const vd_sample_t *sample, byte *out)
{
    uint64_t bits;
    memcpy (&bits, &sample->value, 8);
    s_put_u64 (out, sample->series_id);
    s_put_u64 (out + 8, (uint64_t) sample->ts_us);
    s_put_u64 (out + 16, bits);
    for (int i = 0; i < 4; i++)
        out [24 + i] = (byte) (sample->flags >> (8 * i));
}

void
vd_sample_decode (const byte *in, vd_sample_t *sample)
{
    sample->series_id = s_get_u64 (in);
    sample->ts_us = (int64_t) s_get_u64 (in + 8);
    uint64_t bits = s_get_u64 (in + 16);
    memcpy (&sample->value, &bits, 8);
    sample->flags = 0;
    for (int i = 0; i < 4; i++)
        sample->flags |= (uint32_t) in [24 + i] << (8 * i);
}

int
vd_samples_count (size_t size)
{
    if (size > VD_WIRE_MAX_PAYLOAD || size % VD_SAMPLE_SIZE)
        return -1;
    return (int) (size / VD_SAMPLE_SIZE);
}

bool
vd_wire_command_known (const char *command)
{
    for (int i = 0; s_commands [i]; i++)
        if (streq (command, s_commands [i]))
            return true;
    return false;
}

vd_wire_t *
vd_wire_decode (zmsg_t **msg_p, const char **error)
{
    assert (msg_p);
    zmsg_t *msg = *msg_p;
    *msg_p = NULL;
    *error = NULL;
    vd_wire_t *self = NULL;
    if (!msg) {
        *error = "no message";
        goto fail;
    }
    if (zmsg_size (msg) != 3) {
        *error = "expected three frames";
        goto fail;
    }
    zframe_t *command = zmsg_first (msg);
    zframe_t *header = zmsg_next (msg);
    zframe_t *payload = zmsg_next (msg);
    size_t command_size = zframe_size (command);
    if (command_size == 0 || command_size > VD_WIRE_MAX_COMMAND) {
        *error = "bad command frame";
        goto fail;
    }
    self = (vd_wire_t *) zmalloc (sizeof (vd_wire_t));
    memcpy (self->command, zframe_data (command), command_size);
    self->command [command_size] = 0;
    //  REPORTS was called POLLS at first: older probes and spools say so
    if (streq (self->command, "POLLS"))
        strcpy (self->command, "REPORTS");
    if (strlen (self->command) != command_size || !vd_wire_command_known (self->command)) {
        *error = "unknown command";
        goto fail;
    }
    if (zframe_size (header) > VD_WIRE_MAX_HEADER) {
        *error = "header too large";
        goto fail;
    }
    if (zframe_size (payload) > VD_WIRE_MAX_PAYLOAD) {
        *error = "payload too large";
        goto fail;
    }
    json_error_t json_error;
    self->header = json_loadb ((const char *) zframe_data (header), zframe_size (header),
                               JSON_REJECT_DUPLICATES, &json_error);
    if (!self->header || !json_is_object (self->header)) {
        *error = "header is not a JSON object";
        goto fail;
    }
    if (streq (self->command, "DATA") && vd_samples_count (zframe_size (payload)) < 0) {
        *error = "payload is not a whole number of samples";
        goto fail;
    }
    zmsg_remove (msg, payload);
    self->payload = payload;
    zmsg_destroy (&msg);
    return self;
fail:
    zmsg_destroy (&msg);
    vd_wire_destroy (&self);
    return NULL;
}

void
vd_wire_destroy (vd_wire_t **self_p)
{
    if (self_p && *self_p) {
        vd_wire_t *self = *self_p;
        json_decref (self->header);
        zframe_destroy (&self->payload);
        free (self);
        *self_p = NULL;
    }
}

zmsg_t *
vd_wire_encode (const char *command, json_t *header, const void *payload, size_t size)
{
    assert (vd_wire_command_known (command));
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, command);
    char *text = header? json_dumps (header, JSON_COMPACT): NULL;
    zmsg_addstr (msg, text? text: "{}");
    free (text);
    zmsg_addmem (msg, payload, payload? size: 0);
    return msg;
}

int
vd_wire_send (void *sock, zframe_t *routing, const char *command, json_t *header,
              const void *payload, size_t size)
{
    zmsg_t *msg = vd_wire_encode (command, header, payload, size);
    if (routing) {
        zframe_t *copy = zframe_dup (routing);
        zmsg_prepend (msg, &copy);
    }
    return zmsg_send (&msg, sock);
}

int64_t
vd_wire_int (vd_wire_t *self, const char *name, int64_t def)
{
    json_t *value = json_object_get (self->header, name);
    return json_is_integer (value)? (int64_t) json_integer_value (value): def;
}

const char *
vd_wire_str (vd_wire_t *self, const char *name)
{
    return json_string_value (json_object_get (self->header, name));
}

int64_t
vd_frame_i64 (zframe_t *frame)
{
    int64_t value = 0;
    if (frame && zframe_size (frame) == 8)
        memcpy (&value, zframe_data (frame), 8);
    return value;
}
