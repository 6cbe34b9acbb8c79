/*  vd_chunk: compressed per-series sample runs.  */
#include "vedette.h"

static void
s_reserve (vd_chunk_t *self, size_t more)
{
    if (self->size + more > self->limit) {
        size_t limit = self->limit? self->limit * 2: 256;
        while (limit < self->size + more)
            limit *= 2;
        self->data = realloc (self->data, limit);
        assert (self->data);
        self->limit = limit;
    }
}

static void
s_put_varint (vd_chunk_t *self, uint64_t value)
{
    s_reserve (self, 10);
    while (value >= 0x80) {
        self->data [self->size++] = (byte) (value | 0x80);
        value >>= 7;
    }
    self->data [self->size++] = (byte) value;
}

static int
s_get_varint (vd_chunk_iter_t *iter, uint64_t *value)
{
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (iter->cursor >= iter->end)
            return -1;
        byte b = *iter->cursor++;
        result |= (uint64_t) (b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *value = result;
            return 0;
        }
    }
    return -1;
}

static uint64_t s_zigzag (int64_t v) { return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63); }
static int64_t s_unzigzag (uint64_t v) { return (int64_t) (v >> 1) ^ -(int64_t) (v & 1); }

vd_chunk_t *
vd_chunk_new (void)
{
    return (vd_chunk_t *) zmalloc (sizeof (vd_chunk_t));
}

void
vd_chunk_destroy (vd_chunk_t **self_p)
{
    if (self_p && *self_p) {
        free ((*self_p)->data);
        free (*self_p);
        *self_p = NULL;
    }
}

void
vd_chunk_append (vd_chunk_t *self, int64_t ts_us, double value, uint32_t flags)
{
    //  wrapping arithmetic: any int64 timestamps encode, and decode back
    int64_t delta = (int64_t) ((uint64_t) ts_us - (uint64_t) self->last_ts);
    s_put_varint (self, s_zigzag (self->count? (int64_t) ((uint64_t) delta - (uint64_t) self->last_delta)
                                             : ts_us));
    if (self->count)
        self->last_delta = delta;
    self->last_ts = ts_us;

    uint64_t bits;
    memcpy (&bits, &value, 8);
    uint64_t xor = bits ^ self->last_bits;
    self->last_bits = bits;
    s_reserve (self, 9);
    if (xor == 0)
        self->data [self->size++] = 0;
    else {
        int trail = __builtin_ctzll (xor) / 8;
        int lead = __builtin_clzll (xor) / 8;
        int n = 8 - lead - trail;
        self->data [self->size++] = (byte) (0x80 | (trail << 4) | n);
        uint64_t middle = xor >> (8 * trail);
        for (int i = 0; i < n; i++)
            self->data [self->size++] = (byte) (middle >> (8 * i));
    }
    s_put_varint (self, flags);
    if (self->count == 0 || ts_us < self->t0)
        self->t0 = ts_us;
    if (self->count == 0 || ts_us > self->t1)
        self->t1 = ts_us;
    self->count++;
}

void
vd_chunk_iter_init (vd_chunk_iter_t *iter, const byte *data, size_t size, uint32_t count)
{
    memset (iter, 0, sizeof *iter);
    iter->cursor = data;
    iter->end = data + size;
    iter->left = count;
}

int
vd_chunk_iter_next (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags)
{
    if (iter->left == 0)
        return iter->cursor == iter->end? 0: -1;
    uint64_t raw;
    if (s_get_varint (iter, &raw))
        return -1;
    int64_t dod = s_unzigzag (raw);
    if (iter->index == 0)
        iter->last_ts = dod;            //  the first sample carries its time whole
    else {
        //  wrapping: corrupt bytes give wrong numbers, never undefined behaviour
        int64_t delta = (int64_t) ((uint64_t) dod + (uint64_t) iter->last_delta);
        iter->last_delta = delta;
        iter->last_ts = (int64_t) ((uint64_t) iter->last_ts + (uint64_t) delta);
    }
    if (iter->cursor >= iter->end)
        return -1;
    byte head = *iter->cursor++;
    uint64_t xor = 0;
    if (head) {
        int trail = (head >> 4) & 0x07;
        int n = head & 0x0F;
        if (!(head & 0x80) || n == 0 || n + trail > 8 || iter->end - iter->cursor < n)
            return -1;
        uint64_t middle = 0;
        for (int i = 0; i < n; i++)
            middle |= (uint64_t) *iter->cursor++ << (8 * i);
        xor = middle << (8 * trail);
    }
    iter->last_bits ^= xor;
    uint64_t flag_bits;
    if (s_get_varint (iter, &flag_bits) || flag_bits > UINT32_MAX)
        return -1;
    *ts_us = iter->last_ts;
    memcpy (value, &iter->last_bits, 8);
    *flags = (uint32_t) flag_bits;
    iter->index++;
    iter->left--;
    return 1;
}

int
vd_chunk_load (vd_chunk_t *self, const byte *data, size_t size, uint32_t count)
{
    vd_chunk_iter_t iter;
    vd_chunk_iter_init (&iter, data, size, count);
    int64_t ts, t0 = 0, t1 = 0;
    double value;
    uint32_t flags;
    int rc;
    while ((rc = vd_chunk_iter_next (&iter, &ts, &value, &flags)) == 1) {
        if (iter.index == 1 || ts < t0)
            t0 = ts;
        if (iter.index == 1 || ts > t1)
            t1 = ts;
    }
    if (rc < 0)
        return -1;
    self->size = 0;
    s_reserve (self, size);
    memcpy (self->data, data, size);
    self->size = size;
    self->count = count;
    self->t0 = t0;
    self->t1 = t1;
    self->last_ts = iter.last_ts;
    self->last_delta = iter.last_delta;
    self->last_bits = iter.last_bits;
    return 0;
}
