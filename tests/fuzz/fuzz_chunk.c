/*  libFuzzer target: the chunk decoder (format 1 and 2), on bytes a damaged
    database could hold. Input: a byte whose low bit picks the format, two
    bytes of sample count, the chunk. What decodes must encode again and
    decode to the same bits.                                                */
#include "vedette.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int format = data [0] & 1? 2: 1;
    uint32_t count = (uint32_t) data [1] | (uint32_t) data [2] << 8;
    vd_chunk_t *chunk = vd_chunk_new ();
    if (vd_chunk_load (chunk, format, data + 3, size - 3, count) == 0) {
        assert (chunk->count == count);
        vd_chunk_encode (chunk);
        vd_chunk_t *again = vd_chunk_new ();
        assert (vd_chunk_load (again, VD_CHUNK_FORMAT, chunk->data, chunk->size, count) == 0);
        assert (again->count == count);
        for (uint32_t i = 0; i < count; i++)
            assert (again->points [i].ts_us == chunk->points [i].ts_us
                &&  !memcmp (&again->points [i].value, &chunk->points [i].value, 8)
                &&  again->points [i].flags == chunk->points [i].flags);
        vd_chunk_destroy (&again);
    }
    else
        assert (chunk->count == 0);
    vd_chunk_destroy (&chunk);
    return 0;
}
