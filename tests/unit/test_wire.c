/*  vd_wire: byte-exact sample records, message validation.  */
#include "testing.h"

static zmsg_t *
s_msg (const char *command, const char *header, const void *payload, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, command);
    zmsg_addstr (msg, header);
    zmsg_addmem (msg, payload, size);
    return msg;
}

static void
s_refused (const char *command, const char *header, const void *payload, size_t size,
           const char *reason)
{
    zmsg_t *msg = s_msg (command, header, payload, size);
    const char *error = NULL;
    vd_wire_t *wire = vd_wire_decode (&msg, &error);
    CHECK (wire == NULL);
    CHECK (msg == NULL);
    CHECK (error && streq (error, reason));
    vd_wire_destroy (&wire);
}

int
main (void)
{
    //  a sample record, byte for byte (little-endian u64, i64, f64, u32)
    vd_sample_t sample = { 0x0102030405060708ULL, 1763683200000000LL, 1.5, VD_SAMPLE_LOST };
    byte out [VD_SAMPLE_SIZE];
    vd_sample_encode (&sample, out);
    const byte expected [VD_SAMPLE_SIZE] = {
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,     //  series_id
        0x00, 0xE0, 0xA1, 0x7E, 0x0F, 0x44, 0x06, 0x00,     //  ts_us
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F,     //  1.5
        0x01, 0x00, 0x00, 0x00                              //  flags
    };
    CHECK (memcmp (out, expected, VD_SAMPLE_SIZE) == 0);
    vd_sample_t back;
    vd_sample_decode (expected, &back);
    CHECK (back.series_id == sample.series_id);
    CHECK (back.ts_us == sample.ts_us);
    CHECK (back.value == 1.5);
    CHECK (back.flags == VD_SAMPLE_LOST);

    //  negative time and NaN survive
    vd_sample_t odd = { 1, -5, NAN, 0 };
    vd_sample_encode (&odd, out);
    vd_sample_decode (out, &back);
    CHECK (back.ts_us == -5 && isnan (back.value));

    CHECK (vd_samples_count (0) == 0);
    CHECK (vd_samples_count (56) == 2);
    CHECK (vd_samples_count (57) == -1);
    CHECK (vd_samples_count (VD_WIRE_MAX_PAYLOAD + VD_SAMPLE_SIZE) == -1);

    //  a message, byte for byte
    json_t *header = json_pack ("{s:i}", "seq", 7);
    zmsg_t *msg = vd_wire_encode ("DATA", header, expected, VD_SAMPLE_SIZE);
    json_decref (header);
    CHECK (zmsg_size (msg) == 3);
    CHECK (zframe_streq (zmsg_first (msg), "DATA"));
    CHECK (zframe_streq (zmsg_next (msg), "{\"seq\":7}"));
    CHECK (zframe_size (zmsg_next (msg)) == VD_SAMPLE_SIZE);
    const char *error = NULL;
    vd_wire_t *wire = vd_wire_decode (&msg, &error);
    CHECK (wire && !error);
    CHECK (wire && streq (wire->command, "DATA"));
    CHECK (wire && vd_wire_int (wire, "seq", -1) == 7);
    CHECK (wire && vd_wire_int (wire, "missing", -1) == -1);
    CHECK (wire && zframe_size (wire->payload) == VD_SAMPLE_SIZE);
    vd_wire_destroy (&wire);
    CHECK (wire == NULL);

    //  bad input: each refused with its reason
    s_refused ("NOPE", "{}", NULL, 0, "unknown command");
    s_refused ("", "{}", NULL, 0, "bad command frame");
    s_refused ("DATAXXXXXXXXXXXXXXXX", "{}", NULL, 0, "bad command frame");
    s_refused ("DATA", "[1]", NULL, 0, "header is not a JSON object");
    s_refused ("DATA", "{\"a\":1,\"a\":2}", NULL, 0, "header is not a JSON object");
    s_refused ("DATA", "{bad", NULL, 0, "header is not a JSON object");
    s_refused ("DATA", "{}", expected, 27, "payload is not a whole number of samples");
    s_refused ("DA\0A", "{}", NULL, 0, "unknown command");
    zmsg_t *two = zmsg_new ();
    zmsg_addstr (two, "PING");
    zmsg_addstr (two, "{}");
    wire = vd_wire_decode (&two, &error);
    CHECK (!wire && streq (error, "expected three frames"));
    char *big = malloc (VD_WIRE_MAX_HEADER + 2);
    memset (big, ' ', VD_WIRE_MAX_HEADER + 1);
    big [0] = '{';
    big [VD_WIRE_MAX_HEADER] = '}';
    big [VD_WIRE_MAX_HEADER + 1] = 0;
    s_refused ("PING", big, NULL, 0, "header too large");
    free (big);
    CHECK (vd_wire_command_known ("ACK") && !vd_wire_command_known ("ack"));
    TESTS_DONE ();
}
