/*  vd_chunk: exact round trips, byte-exact small encodings, the old format
    still read, corruption refused.                                          */
#include "testing.h"
#include <float.h>

#define MAX_POINTS 4096

//  Encodes the points, decodes them, and checks every bit came back; loads
//  the bytes into a new chunk and checks it encodes to the same bytes
static int
s_roundtrip (const vd_point_t *points, int count, size_t *size)
{
    vd_chunk_t *chunk = vd_chunk_new ();
    for (int i = 0; i < count; i++)
        vd_chunk_append (chunk, points [i].ts_us, points [i].value, points [i].flags);
    vd_chunk_encode (chunk);
    vd_chunk_iter_t iter;
    vd_chunk_iter_init (&iter, VD_CHUNK_FORMAT, chunk->data, chunk->size, chunk->count);
    int64_t t;
    double v;
    uint32_t flags;
    int good = 0, rc, i = 0;
    while ((rc = vd_chunk_iter_next (&iter, &t, &v, &flags)) == 1) {
        uint64_t a, b;
        memcpy (&a, &v, 8);
        memcpy (&b, &points [i].value, 8);
        if (i < count && t == points [i].ts_us && a == b && flags == points [i].flags)
            good++;
        i++;
    }
    vd_chunk_t *loaded = vd_chunk_new ();
    int loaded_ok = vd_chunk_load (loaded, VD_CHUNK_FORMAT, chunk->data, chunk->size, chunk->count) == 0
                 && loaded->count == chunk->count
                 && (count == 0 || (loaded->t0 == chunk->t0 && loaded->t1 == chunk->t1));
    vd_chunk_encode (loaded);
    loaded_ok = loaded_ok && loaded->size == chunk->size && !memcmp (loaded->data, chunk->data, chunk->size);
    if (size)
        *size = chunk->size;
    vd_chunk_destroy (&chunk);
    vd_chunk_destroy (&loaded);
    return rc == 0 && good == count && loaded_ok? 0: -1;
}

static vd_point_t s_points [MAX_POINTS];

static bool s_lossy = true;      //  every seventh sample flagged lost

//  A series: step µs apart plus up to jitter µs, values from make
static int
s_series (int count, int64_t step, int64_t jitter, double (*make) (int), size_t *size)
{
    int64_t ts = 1763683200000000LL;
    for (int i = 0; i < count; i++) {
        ts += step + (jitter? (int64_t) randombytes_uniform ((uint32_t) jitter): 0);
        s_points [i] = (vd_point_t) { ts, make (i), s_lossy && i % 7 == 3? VD_SAMPLE_LOST: 0 };
    }
    return s_roundtrip (s_points, count, size);
}

static double s_constant (int i) { (void) i; return 0.25; }
static double s_rtt_us (int i) { (void) i; return (20000 + (int) randombytes_uniform (2000)) / 1000.0; }
static double s_noise (int i) { (void) i; return randombytes_uniform (1u << 31) / 7.0; }
static double s_bits (int i) { (void) i; uint64_t b; randombytes_buf (&b, 8); double v; memcpy (&v, &b, 8); return v; }
static double s_big (int i) { return 1e6 * (i % 50) + (i % 3? 1e300: -1e-300); }
static double s_special (int i)
{
    const double set [] = { NAN, -NAN, INFINITY, -INFINITY, -0.0, 0.0, 1.5, -2.25, 1e-310, DBL_MAX };
    return set [i % 10];
}

int
main (void)
{
    CHECK (sodium_init () >= 0);
    size_t size;

    //  empty, one, two samples
    CHECK (s_roundtrip (s_points, 0, NULL) == 0);
    CHECK (s_series (1, 10000000, 0, s_constant, NULL) == 0);
    CHECK (s_series (2, 10000000, 0, s_constant, NULL) == 0);
    //  regular, jittered, equal, backwards and extreme timestamps
    s_lossy = false;
    CHECK (s_series (1000, 10000000, 0, s_constant, &size) == 0);
    CHECK (size <= 1000 * 3 / 8 + 16);          //  a steady series: 3 bits a sample
    s_lossy = true;
    CHECK (s_series (1000, 1000000, 2000, s_rtt_us, NULL) == 0);
    CHECK (s_series (2000, 0, 0, s_rtt_us, NULL) == 0);
    CHECK (s_series (2000, -5, 3, s_noise, NULL) == 0);
    CHECK (s_series (MAX_POINTS, 1000, 100000000, s_bits, NULL) == 0);
    vd_point_t extremes [] = {
        { INT64_MIN, 1, 0 }, { INT64_MAX, 2, 0 }, { 0, 3, UINT32_MAX }, { INT64_MIN + 1, 4, 1 },
        { -1, 5, 0 }, { INT64_MAX, 6, 0 }
    };
    CHECK (s_roundtrip (extremes, 6, NULL) == 0);
    //  NaN (both signs), infinities, negative zero, denormals, DBL_MAX; big
    //  and tiny values beside decimal ones
    CHECK (s_series (100, 1000, 0, s_special, NULL) == 0);
    CHECK (s_series (500, 30000000, 5000, s_big, NULL) == 0);

    //  an RTT to the microsecond, uniform in 20 to 22 ms, 1 s apart: decimal
    //  mode, 14 bits for the value, 1 for the time, 1 for the flags
    s_lossy = false;
    CHECK (s_series (1000, 1000000, 0, s_rtt_us, &size) == 0);
    CHECK (size <= 1000 * 16 / 8 + 32);

    //  byte-exact, decimal: 1, 2, 3 s; 2.0, 2.1, 2.2 (scale -1: n 20, 21, 22);
    //  flags 0, 0, 1
    vd_chunk_t *chunk = vd_chunk_new ();
    vd_chunk_append (chunk, 1000000, 2.0, 0);
    vd_chunk_append (chunk, 2000000, 2.1, 0);
    vd_chunk_append (chunk, 3000000, 2.2, 1);
    vd_chunk_encode (chunk);
    const byte decimal [] = {
        0x06, 0x1F, 0x02,       //  quantum 10^6 µs, flags present; scale -1 (+32); zigzag (1)
        0xFF, 0xFF,             //  16 ones: a whole-width delta (k is 0 at first),
        0x16, 0x85,             //  000101: 6 bits, 101000: zigzag (20); 0: flags 0;
        0x63,                   //  1010: dod +1; 110: z 2 (Rice, k 0); 0: flags 0;
        0x40, 0x00, 0x00, 0x00, //  0: dod 0; 110: z 2 (k 0); 1 + 32 bits: flags 1;
        0x7F                    //  padding (ones)
    };
    CHECK (chunk->size == sizeof decimal);
    CHECK (memcmp (chunk->data, decimal, sizeof decimal) == 0);
    CHECK (chunk->count == 3 && chunk->t0 == 1000000 && chunk->t1 == 3000000);
    vd_chunk_destroy (&chunk);

    //  byte-exact, XOR: 10, 20 µs; 1/3 twice
    chunk = vd_chunk_new ();
    vd_chunk_append (chunk, 10, 1 / 3.0, 0);
    vd_chunk_append (chunk, 20, 1 / 3.0, 0);
    vd_chunk_encode (chunk);
    const byte xor [] = {
        0x81, 0x00, 0x02,       //  quantum 10 µs, no flags; XOR; zigzag (1)
        0xC2, 0xF7,             //  11 000010 111101: lead 2, 62 bits
        0xFD, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x5A,
        0x7F                    //  ...; 1010: dod +1; 0: same bits; padding (ones)
    };
    CHECK (chunk->size == sizeof xor);
    CHECK (memcmp (chunk->data, xor, sizeof xor) == 0);
    vd_chunk_destroy (&chunk);

    //  format 1, written before migration 0016, is still read
    const byte v1 [] = {
        0xC8, 0x01, 0xF1, 0x40, 0x00,   //  100 µs, 2.0, flags 0
        0x14, 0x00, 0x00,               //  110 µs, same, flags 0
        0x00, 0x00, 0x01                //  120 µs, same, flags 1
    };
    vd_chunk_iter_t iter;
    int64_t t;
    double v;
    uint32_t f;
    vd_chunk_iter_init (&iter, 1, v1, sizeof v1, 3);
    int rc, n = 0;
    while ((rc = vd_chunk_iter_next (&iter, &t, &v, &f)) == 1)
        n += t == 100 + 10 * n && v == 2.0 && f == (n == 2? 1u: 0u);
    CHECK (rc == 0 && n == 3);
    chunk = vd_chunk_new ();
    CHECK (vd_chunk_load (chunk, 1, v1, sizeof v1, 3) == 0 && chunk->count == 3);
    vd_chunk_append (chunk, 130, 2.0, 0);       //  extended, it is written anew
    vd_chunk_encode (chunk);
    CHECK (s_roundtrip (chunk->points, 4, NULL) == 0);
    vd_chunk_destroy (&chunk);

    //  corrupt or truncated bytes are refused, never read past the end
    const struct { int format; const byte *data; size_t size; uint32_t count; } bad [] = {
        { 2, decimal, sizeof decimal - 1, 3 },          //  truncated
        { 2, decimal, sizeof decimal, 4 },              //  one sample more than there is
        { 2, decimal, sizeof decimal, 2 },              //  bits left over
        { 2, (const byte *) "\x07\x1F\x02\x00", 4, 1 }, //  quantum 10^7
        { 2, (const byte *) "\x06\x40\x02\x00", 4, 1 }, //  scale out of range
        { 2, (const byte *) "\x06\x1F\x02\xFF\xFF\xFF", 6, 1 }, //  an exception cut short
        { 2, (const byte *) "\x06\x00\x02\x80", 4, 1 }, //  XOR inside no window
        { 2, (const byte *) "\x06\x00\x02\xFF\xFF", 5, 1 },  //  lead 63 + 64 bits
        { 2, (const byte *) "\x06\x1F", 2, 0 },         //  no first timestamp
        { 1, v1, sizeof v1 - 1, 3 },
        { 1, (const byte *) "\x02\x8F\x01", 3, 1 },     //  claims 15 bytes of value
        { 3, v1, sizeof v1, 3 },                        //  no such format
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        vd_chunk_iter_init (&iter, bad [i].format, bad [i].data, bad [i].size, bad [i].count);
        while ((rc = vd_chunk_iter_next (&iter, &t, &v, &f)) == 1)
            ;
        CHECK (rc == -1);
        chunk = vd_chunk_new ();
        CHECK (vd_chunk_load (chunk, bad [i].format, bad [i].data, bad [i].size, bad [i].count) == -1
               && chunk->count == 0);
        vd_chunk_destroy (&chunk);
    }
    TESTS_DONE ();
}
