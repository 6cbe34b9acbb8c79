/*  libFuzzer target: the mesh wire decoder and the sample records, on
    bytes from the network. The input is split into frames at each 0xFF
    0x00 pair. (Chunks have their own target, fuzz_chunk.)                 */
#include "vedette.h"

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
            vd_sample_t sample;
            vd_sample_decode (zframe_data (wire->payload) + i * VD_SAMPLE_SIZE, &sample);
        }
        vd_wire_int (wire, "seq", 0);
        vd_wire_str (wire, "name");
        vd_wire_destroy (&wire);
    }
    return 0;
}
