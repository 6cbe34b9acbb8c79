/*  libFuzzer target: the mesh wire decoder and the sample records, on
    bytes from the network. The input is split into frames at each 0xFF
    0x00 pair. (Chunks have their own target, fuzz_chunk.) What decodes
    must round-trip: encoded again and decoded, the same command, header
    and payload; each sample record encoded again, the same 28 bytes.      */
#include "vedette.h"

static void
s_round_trip (vd_wire_t *wire)
{
    zmsg_t *again = vd_wire_encode (wire->command, wire->header, zframe_data (wire->payload),
                                    zframe_size (wire->payload));
    const char *error;
    vd_wire_t *copy = vd_wire_decode (&again, &error);
    assert (copy);
    assert (streq (copy->command, wire->command));
    assert (json_equal (copy->header, wire->header));
    assert (zframe_eq (copy->payload, wire->payload));
    vd_wire_destroy (&copy);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    size_t start = 0;
    for (size_t i = 0; i + 1 < size; i++)
        if (data [i] == 0xFF && data [i + 1] == 0x00) {
            zmsg_addmem (msg, data + start, i - start);
            start = i + 2;
            i++;
        }
    zmsg_addmem (msg, data + start, size - start);
    const char *error;
    vd_wire_t *wire = vd_wire_decode (&msg, &error);
    if (wire) {
        int count = vd_samples_count (zframe_size (wire->payload));
        for (int i = 0; i < count; i++) {
            const byte *record = zframe_data (wire->payload) + i * VD_SAMPLE_SIZE;
            vd_sample_t sample;
            vd_sample_decode (record, &sample);
            byte again [VD_SAMPLE_SIZE];
            vd_sample_encode (&sample, again);
            assert (memcmp (again, record, VD_SAMPLE_SIZE) == 0);
        }
        vd_wire_int (wire, "seq", 0);
        vd_wire_str (wire, "name");
        vd_frame_i64 (wire->payload);
        s_round_trip (wire);
        vd_wire_destroy (&wire);
    }
    return 0;
}
