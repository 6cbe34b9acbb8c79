/*  vd_sketch: mergeable quantiles with a relative error (see vd_sketch.h).  */
#include "vedette.h"

#define SMALLEST    1e-9            //  smaller magnitudes count as zero
#define KEY_LIMIT   100000          //  |key| of any finite double is below

//  One side's buckets: counts of keys first .. first + size - 1
typedef struct {
    int32_t first;
    uint32_t size;
    uint64_t *counts;
} store_t;

struct _vd_sketch_t {
    store_t positive, negative;
    uint64_t zeros;
    uint64_t count;
};

static double
s_ln_gamma (void)
{
    return log ((1 + VD_SKETCH_ALPHA) / (1 - VD_SKETCH_ALPHA));
}

static int32_t
s_key (double magnitude)
{
    return (int32_t) ceil (log (magnitude) / s_ln_gamma ());
}

//  The value that stands for a bucket: within alpha of all it holds
static double
s_value (int32_t key)
{
    double gamma = (1 + VD_SKETCH_ALPHA) / (1 - VD_SKETCH_ALPHA);
    return 2 * exp (key * s_ln_gamma ()) / (gamma + 1);
}

//  Makes room for key, collapsing the lowest buckets past the limit
static void
s_store_add (store_t *store, int32_t key, uint64_t count)
{
    if (store->size == 0) {
        store->counts = (uint64_t *) zmalloc (sizeof (uint64_t));
        store->first = key;
        store->size = 1;
    }
    int32_t last = store->first + (int32_t) store->size - 1;
    if (key < store->first || key > last) {
        int32_t first = key < store->first? key: store->first;
        int32_t end = key > last? key: last;
        if (end - first + 1 > VD_SKETCH_BUCKETS)
            first = end - VD_SKETCH_BUCKETS + 1;
        uint32_t size = (uint32_t) (end - first + 1);
        uint64_t *counts = (uint64_t *) zmalloc (size * sizeof (uint64_t));
        for (uint32_t i = 0; i < store->size; i++) {
            int32_t at = store->first + (int32_t) i;
            counts [(at < first? first: at) - first] += store->counts [i];
        }
        free (store->counts);
        store->counts = counts;
        store->first = first;
        store->size = size;
    }
    if (key < store->first)
        key = store->first;             //  collapsed into the lowest
    store->counts [key - store->first] += count;
}

vd_sketch_t *
vd_sketch_new (void)
{
    return (vd_sketch_t *) zmalloc (sizeof (vd_sketch_t));
}

void
vd_sketch_destroy (vd_sketch_t **self_p)
{
    if (self_p && *self_p) {
        free ((*self_p)->positive.counts);
        free ((*self_p)->negative.counts);
        free (*self_p);
        *self_p = NULL;
    }
}

void
vd_sketch_add (vd_sketch_t *self, double value)
{
    if (!isfinite (value))
        return;
    if (fabs (value) < SMALLEST)
        self->zeros++;
    else
        s_store_add (value > 0? &self->positive: &self->negative, s_key (fabs (value)), 1);
    self->count++;
}

static void
s_store_merge (store_t *store, const store_t *other)
{
    for (uint32_t i = 0; i < other->size; i++)
        if (other->counts [i])
            s_store_add (store, other->first + (int32_t) i, other->counts [i]);
}

void
vd_sketch_merge (vd_sketch_t *self, const vd_sketch_t *other)
{
    s_store_merge (&self->positive, &other->positive);
    s_store_merge (&self->negative, &other->negative);
    self->zeros += other->zeros;
    self->count += other->count;
}

uint64_t
vd_sketch_count (const vd_sketch_t *self)
{
    return self->count;
}

double
vd_sketch_quantile (const vd_sketch_t *self, double q)
{
    if (self->count == 0 || !(q >= 0 && q <= 1))
        return NAN;
    double at = q * (double) (self->count - 1);
    uint64_t rank = at < 18446744073709551615.0? (uint64_t) at: self->count - 1;
    uint64_t seen = 0;
    //  the most negative first
    for (uint32_t i = self->negative.size; i-- > 0; ) {
        seen += self->negative.counts [i];
        if (seen > rank)
            return -s_value (self->negative.first + (int32_t) i);
    }
    seen += self->zeros;
    if (seen > rank)
        return 0;
    for (uint32_t i = 0; i < self->positive.size; i++) {
        seen += self->positive.counts [i];
        if (seen > rank)
            return s_value (self->positive.first + (int32_t) i);
    }
    return NAN;                         //  not reached
}

static void
s_store_encode (const store_t *store, zchunk_t *out)
{
    uint64_t buckets = 0;
    for (uint32_t i = 0; i < store->size; i++)
        buckets += store->counts [i] != 0;
    vd_varint_put (out, buckets);
    int64_t previous = 0;
    for (uint32_t i = 0; i < store->size; i++)
        if (store->counts [i]) {
            int64_t key = store->first + (int64_t) i;
            int64_t delta = key - previous;
            vd_varint_put (out, ((uint64_t) delta << 1) ^ (uint64_t) (delta >> 63));
            vd_varint_put (out, store->counts [i]);
            previous = key;
        }
}

byte *
vd_sketch_encode (const vd_sketch_t *self, size_t *size)
{
    zchunk_t *out = zchunk_new (NULL, 64);
    byte version = 1;
    zchunk_extend (out, &version, 1);
    vd_varint_put (out, self->zeros);
    s_store_encode (&self->negative, out);
    s_store_encode (&self->positive, out);
    *size = zchunk_size (out);
    byte *data = (byte *) malloc (*size);
    assert (data);
    memcpy (data, zchunk_data (out), *size);
    zchunk_destroy (&out);
    return data;
}

//  Reads one side into a scratch store; keys must rise and stay in range
static int
s_store_decode (const byte **cursor, const byte *end, store_t *store, uint64_t *count)
{
    uint64_t buckets, raw, n;
    if (vd_varint_get (cursor, end, &buckets) || buckets > (uint64_t) (end - *cursor))
        return -1;
    int64_t key = 0;
    for (uint64_t i = 0; i < buckets; i++) {
        if (vd_varint_get (cursor, end, &raw) || vd_varint_get (cursor, end, &n) || n == 0)
            return -1;
        int64_t delta = (int64_t) (raw >> 1) ^ -(int64_t) (raw & 1);
        if ((i > 0 && delta <= 0) || delta > 2 * KEY_LIMIT || delta < -2 * KEY_LIMIT)
            return -1;
        key += delta;
        if (key > KEY_LIMIT || key < -KEY_LIMIT || *count + n < *count)
            return -1;
        s_store_add (store, (int32_t) key, n);
        *count += n;
    }
    return 0;
}

int
vd_sketch_merge_bytes (vd_sketch_t *self, const byte *data, size_t size)
{
    const byte *cursor = data, *end = data + size;
    vd_sketch_t *decoded = vd_sketch_new ();
    uint64_t zeros;
    int rc = -1;
    if (size >= 1 && *cursor++ == 1 && vd_varint_get (&cursor, end, &zeros) == 0) {
        decoded->zeros = zeros;
        decoded->count = zeros;
        if (s_store_decode (&cursor, end, &decoded->negative, &decoded->count) == 0
        &&  s_store_decode (&cursor, end, &decoded->positive, &decoded->count) == 0
        &&  cursor == end && decoded->count >= zeros) {
            vd_sketch_merge (self, decoded);
            rc = 0;
        }
    }
    vd_sketch_destroy (&decoded);
    return rc;
}
