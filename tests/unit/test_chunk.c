/*  vd_chunk: exact round trips, byte-exact small encodings, corruption.  */
#include "testing.h"

static int
s_roundtrip (int count, int64_t step, bool noisy)
{
    vd_chunk_t *chunk = vd_chunk_new ();
    int64_t ts = 1763683200000000LL;
    double value = 0.25;
    int64_t tss [2000];
    double values [2000];
    for (int i = 0; i < count; i++) {
        ts += step + (noisy? (int64_t) randombytes_uniform (2000): 0);
        value = noisy? randombytes_uniform (100000) / 1000.0: value;
        tss [i] = ts;
        values [i] = value;
        vd_chunk_append (chunk, ts, value, i % 7 == 0? VD_SAMPLE_LOST: 0);
    }
    vd_chunk_iter_t iter;
    vd_chunk_iter_init (&iter, chunk->data, chunk->size, chunk->count);
    int64_t t;
    double v;
    uint32_t flags;
    int good = 0;
    for (int i = 0; vd_chunk_iter_next (&iter, &t, &v, &flags) == 1; i++)
        if (t == tss [i] && v == values [i] && flags == (i % 7 == 0? VD_SAMPLE_LOST: 0u))
            good++;
    //  continue a loaded chunk: same bytes as appending in one go
    vd_chunk_t *loaded = vd_chunk_new ();
    int loaded_ok = vd_chunk_load (loaded, chunk->data, chunk->size, chunk->count) == 0
                 && loaded->t0 == chunk->t0 && loaded->t1 == chunk->t1;
    vd_chunk_append (loaded, ts + 1000, 1.0, 0);
    vd_chunk_append (chunk, ts + 1000, 1.0, 0);
    loaded_ok = loaded_ok && loaded->size == chunk->size && !memcmp (loaded->data, chunk->data, chunk->size);
    vd_chunk_destroy (&chunk);
    vd_chunk_destroy (&loaded);
    return good == count && loaded_ok? 0: -1;
}

int
main (void)
{
    CHECK (sodium_init () >= 0);
    CHECK (s_roundtrip (1, 10000000, false) == 0);
    CHECK (s_roundtrip (2, 10000000, false) == 0);
    CHECK (s_roundtrip (1000, 10000000, false) == 0);
    CHECK (s_roundtrip (1000, 1000000, true) == 0);
    CHECK (s_roundtrip (2000, -5, true) == 0);

    //  byte-exact: ts 100 then 110, 120 (dod 0); the same value thrice
    vd_chunk_t *chunk = vd_chunk_new ();
    vd_chunk_append (chunk, 100, 2.0, 0);
    vd_chunk_append (chunk, 110, 2.0, 0);
    vd_chunk_append (chunk, 120, 2.0, 1);
    const byte expected [] = {
        0xC8, 0x01,             //  zigzag (100) = 200, varint
        0xF1, 0x40,             //  2.0 xor 0 = 0x4000000000000000: 7 zero bytes dropped, 1 kept
        0x00,                   //  flags 0
        0x14,                   //  zigzag (10) = 20
        0x00, 0x00,             //  same value, flags 0
        0x00, 0x00, 0x01        //  dod 0, same value, flags 1
    };
    CHECK (chunk->size == sizeof expected);
    CHECK (memcmp (chunk->data, expected, sizeof expected) == 0);
    CHECK (chunk->count == 3 && chunk->t0 == 100 && chunk->t1 == 120);

    //  a steady series is small: a 10 s ICMP series over an hour
    vd_chunk_t *steady = vd_chunk_new ();
    for (int i = 0; i < 360; i++)
        vd_chunk_append (steady, 1763683200000000LL + i * 10000000LL, 0.0, 0);
    CHECK (steady->size <= 360 * 3 + 16);     //  3 bytes a sample
    vd_chunk_destroy (&steady);

    //  corrupt or truncated bytes are refused, never read past the end
    vd_chunk_iter_t iter;
    int64_t t;
    double v;
    uint32_t f;
    vd_chunk_iter_init (&iter, chunk->data, chunk->size - 1, 3);
    int rc;
    while ((rc = vd_chunk_iter_next (&iter, &t, &v, &f)) == 1)
        ;
    CHECK (rc == -1);
    const byte bad [] = { 0x02, 0x8F, 0x01 };      //  claims 15 bytes of value
    vd_chunk_iter_init (&iter, bad, sizeof bad, 1);
    CHECK (vd_chunk_iter_next (&iter, &t, &v, &f) == -1);
    vd_chunk_iter_init (&iter, expected, sizeof expected, 2);   //  bytes left over
    vd_chunk_iter_next (&iter, &t, &v, &f);
    vd_chunk_iter_next (&iter, &t, &v, &f);
    CHECK (vd_chunk_iter_next (&iter, &t, &v, &f) == -1);
    vd_chunk_t *other = vd_chunk_new ();
    CHECK (vd_chunk_load (other, bad, sizeof bad, 1) == -1);
    vd_chunk_destroy (&other);
    vd_chunk_destroy (&chunk);
    TESTS_DONE ();
}
