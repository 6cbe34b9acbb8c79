/*  vd_chunk: compressed per-series sample runs (see vd_chunk.h).

    Format 2, after the header (a byte: the quantum's exponent, and bit 7 set
    when no sample has flags; a byte: the value mode; the first timestamp as
    a zigzag varint), per sample, most significant bit first:

    timestamp (not for the first): delta of deltas, in quanta
        0                       0
        10   + 2 bits           -2, -1, +1, +2
        110  + 7 bits           -64 .. 63
        1110 + 13 bits          -4096 .. 4095
        11110 + 24 bits         -2^23 .. 2^23 - 1
        11111 + 64 bits         anything
    value, decimal mode (value = n * 10^scale; z = zigzag (n - n'), n' = 0
    before the first): a Rice code of z with a parameter k that follows the
    mean of the recent z (as LOCO-I's: the least k with N * 2^k >= A, A the
    sum of the last N, at most 16, halved when N reaches 16; the first
    sample, a level and not a delta, is not counted)
        q ones, 0, k bits       z = q * 2^k + the k bits, q < 16
        16 ones + 6 bits w, w < 63: z in w + 1 bits
        16 ones + 111111 + 64 bits  an exception: the double whole, n unchanged
    value, XOR mode (Gorilla: x = bits xor the previous bits)
        0                       same bits
        10   + S bits           x inside the previous window (lead, S)
        11   + 6 bits lead + 6 bits S - 1 + S bits
    flags (none when the header says no sample has any)
        0                       same as the previous (0 before the first)
        1    + 32 bits

    The stream is padded with one bits to a whole byte: a sample read past
    the last finds a prefix of ones and no bits after it, so a count too
    large is caught.                     */
#include "vedette.h"

#define XOR_MODE        INT_MIN     //  iter->scale when values are XOR-coded
#define SCALE_BIAS      32          //  header value mode: scale + bias, 0 = XOR
#define SCALE_MIN       (-15)
#define SCALE_MAX       18
#define EXACT_LIMIT     9007199254740992.0      //  2^53
#define WIDTH_EXCEPTION 63
#define RICE_ESCAPE     16          //  ones that start a whole-width delta
#define RICE_RESET      16          //  deltas the Rice parameter follows
#define NO_FLAGS        0x80        //  header: no sample has flags

static const double s_pow10 [16] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
};
static const int64_t s_ipow10 [19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL
};

static uint64_t s_zigzag (int64_t v) { return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63); }
static int64_t s_unzigzag (uint64_t v) { return (int64_t) (v >> 1) ^ -(int64_t) (v & 1); }

static uint64_t
s_bits_of (double value)
{
    uint64_t bits;
    memcpy (&bits, &value, 8);
    return bits;
}

static double
s_double_of (uint64_t bits)
{
    double value;
    memcpy (&value, &bits, 8);
    return value;
}

//  --------------------------------------------------------------------------
//  Writing

typedef struct {
    byte *data;
    size_t size, capacity;
    uint64_t acc;               //  bits not yet in data
    int fill;                   //  how many
} writer_t;

static void
s_byte (writer_t *w, byte value)
{
    if (w->size == w->capacity) {
        w->capacity = w->capacity? w->capacity * 2: 256;
        w->data = (byte *) realloc (w->data, w->capacity);
        assert (w->data);
    }
    w->data [w->size++] = value;
}

static void
s_varint (writer_t *w, uint64_t value)
{
    while (value >= 0x80) {
        s_byte (w, (byte) (value | 0x80));
        value >>= 7;
    }
    s_byte (w, (byte) value);
}

//  Writes the n (1..64) low bits of value
static void
s_put (writer_t *w, uint64_t value, int n)
{
    if (n > 32) {
        s_put (w, value >> 32, n - 32);
        n = 32;
    }
    value &= (1ULL << n) - 1;
    w->acc = (w->acc << n) | value;
    w->fill += n;
    while (w->fill >= 8) {
        w->fill -= 8;
        s_byte (w, (byte) (w->acc >> w->fill));
    }
    w->acc &= (1ULL << w->fill) - 1;
}

static void
s_put_dod (writer_t *w, int64_t dod)
{
    if (dod == 0)
        s_put (w, 0, 1);
    else
    if (dod >= -2 && dod <= 2)
        s_put (w, (0x2 << 2) | (uint64_t) (dod < 0? dod + 2: dod + 1), 4);
    else
    if (dod >= -64 && dod <= 63)
        s_put (w, (0x6ULL << 7) | ((uint64_t) dod & 0x7F), 10);
    else
    if (dod >= -4096 && dod <= 4095)
        s_put (w, (0xEULL << 13) | ((uint64_t) dod & 0x1FFF), 17);
    else
    if (dod >= -(1LL << 23) && dod < (1LL << 23))
        s_put (w, (0x1EULL << 24) | ((uint64_t) dod & 0xFFFFFF), 29);
    else {
        s_put (w, 0x1F, 5);
        s_put (w, (uint64_t) dod, 64);
    }
}

//  The value as n * 10^scale, if exactly that (|n| < 2^53); -0, NaN and
//  the infinities never are
static bool
s_decimal (double value, int scale, int64_t *n)
{
    if (!isfinite (value) || (value == 0 && signbit (value)))
        return false;
    if (scale < 0) {
        double x = value * s_pow10 [-scale];
        if (!(fabs (x) < EXACT_LIMIT))
            return false;
        *n = llround (x);
        return (double) *n / s_pow10 [-scale] == value;
    }
    if (!(fabs (value) < EXACT_LIMIT) || value != trunc (value))
        return false;
    int64_t whole = (int64_t) value;
    if (whole % s_ipow10 [scale])
        return false;
    *n = whole / s_ipow10 [scale];
    return true;
}

//  Lowers *scale to the coarsest scale at which the value is decimal, if
//  it needs a finer one; false if it is decimal at none (zero fits any
//  scale and leaves *scale alone)
static bool
s_finest_scale (double value, int *scale)
{
    int64_t n;
    if (value == 0 && !signbit (value))
        return true;
    if (s_decimal (value, 0, &n)) {
        int zeros = 0;
        while (zeros < SCALE_MAX && n % 10 == 0) {
            n /= 10;
            zeros++;
        }
        if (zeros < *scale)
            *scale = zeros;
        return true;
    }
    for (int e = 1; e <= -SCALE_MIN; e++)
        if (s_decimal (value, -e, &n)) {
            if (-e < *scale)
                *scale = -e;
            return true;
        }
    return false;
}

//  The Rice parameter for the next delta, and the delta counted
static int
s_rice_k (const vd_chunk_iter_t *state)
{
    int k = 0;
    while (((uint64_t) state->rice_n << k) < state->rice_sum && k < 57)
        k++;
    return k;
}

static void
s_rice_count (vd_chunk_iter_t *state, uint64_t z)
{
    if (state->index == 0)
        return;                         //  the first value is a level
    state->rice_sum += z;
    if (++state->rice_n == RICE_RESET) {
        state->rice_sum >>= 1;
        state->rice_n >>= 1;
    }
}

static void
s_put_value (writer_t *w, vd_chunk_iter_t *state, double value)
{
    if (state->scale == XOR_MODE) {
        uint64_t bits = s_bits_of (value);
        uint64_t x = bits ^ state->last_bits;
        state->last_bits = bits;
        if (x == 0) {
            s_put (w, 0, 1);
            return;
        }
        int lead = __builtin_clzll (x), trail = __builtin_ctzll (x);
        if (state->sig && lead >= state->lead && trail >= 64 - state->lead - state->sig) {
            s_put (w, 0x2, 2);
            s_put (w, x >> (64 - state->lead - state->sig), state->sig);
            return;
        }
        state->lead = lead;
        state->sig = 64 - lead - trail;
        s_put (w, (0x3ULL << 12) | ((uint64_t) lead << 6) | (uint64_t) (state->sig - 1), 14);
        s_put (w, x >> trail, state->sig);
        return;
    }
    int64_t n;
    if (!s_decimal (value, state->scale, &n)) {
        s_put (w, (1u << RICE_ESCAPE) - 1, RICE_ESCAPE);
        s_put (w, WIDTH_EXCEPTION, 6);
        s_put (w, s_bits_of (value), 64);
        return;
    }
    uint64_t z = s_zigzag ((int64_t) ((uint64_t) n - (uint64_t) state->last_n));
    state->last_n = n;
    int k = s_rice_k (state);
    uint64_t q = z >> k;
    if (q < RICE_ESCAPE) {
        s_put (w, ((1ULL << q) - 1) << 1, (int) q + 1);
        if (k)
            s_put (w, z, k);
    }
    else {
        int width = 64 - __builtin_clzll (z);
        s_put (w, (1u << RICE_ESCAPE) - 1, RICE_ESCAPE);
        s_put (w, (uint64_t) (width - 1), 6);
        s_put (w, z, width);
    }
    s_rice_count (state, z);
}

//  Encodes every sample with the value coding of scale (or XOR_MODE)
static void
s_encode (const vd_chunk_t *self, int ts_exp, int scale, writer_t *w)
{
    w->size = 0;
    w->acc = 0;
    w->fill = 0;
    int64_t quantum = s_ipow10 [ts_exp];
    bool flags = false;
    for (uint32_t i = 0; i < self->count && !flags; i++)
        flags = self->points [i].flags != 0;
    s_byte (w, (byte) (ts_exp | (flags? 0: NO_FLAGS)));
    s_byte (w, (byte) (scale == XOR_MODE? 0: scale + SCALE_BIAS));
    vd_chunk_iter_t encoder = { .scale = scale, .rice_n = 1 }, *state = &encoder;
    for (uint32_t i = 0; i < self->count; i++) {
        const vd_point_t *point = &self->points [i];
        int64_t t = point->ts_us / quantum;
        if (i == 0)
            s_varint (w, s_zigzag (t));
        else {
            int64_t delta = (int64_t) ((uint64_t) t - (uint64_t) state->last_ts);
            s_put_dod (w, (int64_t) ((uint64_t) delta - (uint64_t) state->last_delta));
            state->last_delta = delta;
        }
        state->last_ts = t;
        s_put_value (w, state, point->value);
        state->index++;
        if (!flags)
            continue;
        if (point->flags == state->last_flags)
            s_put (w, 0, 1);
        else {
            s_put (w, 1, 1);
            s_put (w, point->flags, 32);
            state->last_flags = point->flags;
        }
    }
    if (self->count == 0)
        s_varint (w, 0);
    if (w->fill)
        s_put (w, 0xFF, 8 - w->fill);
}

void
vd_chunk_encode (vd_chunk_t *self)
{
    //  timestamps in the largest quantum that keeps them exact
    int ts_exp = 6;
    for (uint32_t i = 0; i < self->count && ts_exp > 0; i++)
        while (ts_exp > 0 && self->points [i].ts_us % s_ipow10 [ts_exp])
            ts_exp--;
    //  values: XOR, or decimal at the finest scale any value needs, if not
    //  larger (a spiky series, zeros and a few big values, is smaller XOR-ed)
    int scale = SCALE_MAX;
    bool decimal = false;
    for (uint32_t i = 0; i < self->count; i++)
        decimal |= s_finest_scale (self->points [i].value, &scale);
    writer_t w = { self->data, 0, self->capacity, 0, 0 };
    s_encode (self, ts_exp, XOR_MODE, &w);
    if (decimal) {
        writer_t other = { NULL, 0, 0, 0, 0 };
        s_encode (self, ts_exp, scale, &other);
        if (other.size <= w.size) {
            free (w.data);
            w = other;
        }
        else
            free (other.data);
    }
    self->data = w.data;
    self->size = w.size;
    self->capacity = w.capacity;
}

//  --------------------------------------------------------------------------
//  Reading

static int
s_get_varint (vd_chunk_iter_t *iter, uint64_t *value)
{
    const byte *cursor = iter->data + iter->pos;
    int rc = vd_varint_get (&cursor, iter->data + iter->size, value);
    iter->pos = (size_t) (cursor - iter->data);
    return rc;
}

//  Reads n (1..64) bits; -1 past the end
static int
s_get (vd_chunk_iter_t *iter, int n, uint64_t *value)
{
    if (iter->pos + (size_t) n > iter->size * 8)
        return -1;
    uint64_t result = 0;
    while (n > 0) {
        int offset = (int) (iter->pos & 7);
        int take = 8 - offset < n? 8 - offset: n;
        byte b = iter->data [iter->pos >> 3];
        result = (result << take) | ((uint64_t) (b >> (8 - offset - take)) & ((1u << take) - 1));
        iter->pos += (size_t) take;
        n -= take;
    }
    *value = result;
    return 0;
}

//  Counts leading one bits, at most max, consuming them and the zero after
//  any fewer than max
static int
s_get_prefix (vd_chunk_iter_t *iter, int max, int *ones)
{
    uint64_t bit;
    for (*ones = 0; *ones < max; (*ones)++) {
        if (s_get (iter, 1, &bit))
            return -1;
        if (!bit)
            break;
    }
    return 0;
}

static int64_t
s_signed (uint64_t bits, int n)
{
    return n < 64 && (bits >> (n - 1)) & 1? (int64_t) (bits | ~((1ULL << n) - 1)): (int64_t) bits;
}

static int
s_get_dod (vd_chunk_iter_t *iter, int64_t *dod)
{
    static const int widths [6] = { 0, 2, 7, 13, 24, 64 };
    int ones;
    uint64_t bits;
    if (s_get_prefix (iter, 5, &ones))
        return -1;
    if (ones == 0) {
        *dod = 0;
        return 0;
    }
    if (s_get (iter, widths [ones], &bits))
        return -1;
    if (ones == 1)
        *dod = bits < 2? (int64_t) bits - 2: (int64_t) bits - 1;
    else
        *dod = s_signed (bits, widths [ones]);
    return 0;
}

static int
s_get_value (vd_chunk_iter_t *iter, double *value)
{
    int ones;
    uint64_t bits;
    if (iter->scale == XOR_MODE) {
        if (s_get_prefix (iter, 2, &ones))
            return -1;
        if (ones == 1 && !iter->sig)
            return -1;
        if (ones == 2) {
            if (s_get (iter, 12, &bits))
                return -1;
            iter->lead = (int) (bits >> 6);
            iter->sig = (int) (bits & 0x3F) + 1;
            if (iter->lead + iter->sig > 64)
                return -1;
        }
        if (ones) {
            if (s_get (iter, iter->sig, &bits))
                return -1;
            iter->last_bits ^= bits << (64 - iter->lead - iter->sig);
        }
        *value = s_double_of (iter->last_bits);
        return 0;
    }
    int k = s_rice_k (iter);
    if (s_get_prefix (iter, RICE_ESCAPE, &ones))
        return -1;
    uint64_t z;
    if (ones < RICE_ESCAPE) {
        if (k && s_get (iter, k, &bits))
            return -1;
        z = ((uint64_t) ones << k) | (k? bits: 0);
    }
    else {
        if (s_get (iter, 6, &bits))
            return -1;
        if (bits == WIDTH_EXCEPTION) {
            if (s_get (iter, 64, &bits))
                return -1;
            *value = s_double_of (bits);
            return 0;
        }
        if (s_get (iter, (int) bits + 1, &z))
            return -1;
    }
    s_rice_count (iter, z);
    iter->last_n = (int64_t) ((uint64_t) iter->last_n + (uint64_t) s_unzigzag (z));
    if (iter->scale < 0)
        *value = (double) iter->last_n / s_pow10 [-iter->scale];
    else
        *value = (double) (int64_t) ((uint64_t) iter->last_n * (uint64_t) s_ipow10 [iter->scale]);
    return 0;
}

static int
s_next_v2 (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags)
{
    if (iter->index > 0) {
        int64_t dod;
        if (s_get_dod (iter, &dod))
            return -1;
        iter->last_delta = (int64_t) ((uint64_t) iter->last_delta + (uint64_t) dod);
        iter->last_ts = (int64_t) ((uint64_t) iter->last_ts + (uint64_t) iter->last_delta);
    }
    if (s_get_value (iter, value))
        return -1;
    uint64_t bit = 0, bits;
    if (iter->flags && s_get (iter, 1, &bit))
        return -1;
    if (bit) {
        if (s_get (iter, 32, &bits))
            return -1;
        iter->last_flags = (uint32_t) bits;
    }
    *ts_us = (int64_t) ((uint64_t) iter->last_ts * (uint64_t) iter->quantum);
    *flags = iter->last_flags;
    return 1;
}

static int
s_next_v1 (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags)
{
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
    if (iter->pos >= iter->size)
        return -1;
    byte head = iter->data [iter->pos++];
    uint64_t xor = 0;
    if (head) {
        int trail = (head >> 4) & 0x07;
        int n = head & 0x0F;
        if (!(head & 0x80) || n == 0 || n + trail > 8 || iter->size - iter->pos < (size_t) n)
            return -1;
        uint64_t middle = 0;
        for (int i = 0; i < n; i++)
            middle |= (uint64_t) iter->data [iter->pos++] << (8 * i);
        xor = middle << (8 * trail);
    }
    iter->last_bits ^= xor;
    uint64_t flag_bits;
    if (s_get_varint (iter, &flag_bits) || flag_bits > UINT32_MAX)
        return -1;
    *ts_us = iter->last_ts;
    *value = s_double_of (iter->last_bits);
    *flags = (uint32_t) flag_bits;
    return 1;
}

void
vd_chunk_iter_init (vd_chunk_iter_t *iter, int format, const byte *data, size_t size,
                    uint32_t count)
{
    memset (iter, 0, sizeof *iter);
    iter->format = format;
    iter->data = data;
    iter->size = size;
    iter->left = count;
    if (format != 2)
        return;
    //  the header; a bad one leaves format 0, which reads as corrupt
    iter->format = 0;
    uint64_t t0;
    if (size < 3)
        return;
    int ts_exp = data [0] & ~NO_FLAGS;
    if (ts_exp > 6 || data [1] > SCALE_MAX + SCALE_BIAS
    ||  (data [1] && data [1] < SCALE_MIN + SCALE_BIAS))
        return;
    iter->quantum = s_ipow10 [ts_exp];
    iter->flags = !(data [0] & NO_FLAGS);
    iter->rice_n = 1;
    iter->scale = data [1]? data [1] - SCALE_BIAS: XOR_MODE;
    iter->pos = 2;
    if (s_get_varint (iter, &t0))
        return;
    iter->last_ts = s_unzigzag (t0);
    iter->pos *= 8;
    iter->format = 2;
}

int
vd_chunk_iter_next (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags)
{
    if (iter->format != 1 && iter->format != 2)
        return -1;
    if (iter->left == 0) {
        if (iter->format == 1)
            return iter->pos == iter->size? 0: -1;
        //  format 2: only the padding of the last byte may be left
        uint64_t pad;
        int bits = (int) (iter->size * 8 - iter->pos);
        return bits < 8 && (bits == 0 || (s_get (iter, bits, &pad) == 0
                                          && pad == (1u << bits) - 1))? 0: -1;
    }
    int rc = iter->format == 1? s_next_v1 (iter, ts_us, value, flags)
                              : s_next_v2 (iter, ts_us, value, flags);
    if (rc == 1) {
        iter->index++;
        iter->left--;
    }
    return rc;
}

//  --------------------------------------------------------------------------
//  The chunk

vd_chunk_t *
vd_chunk_new (void)
{
    return (vd_chunk_t *) zmalloc (sizeof (vd_chunk_t));
}

void
vd_chunk_destroy (vd_chunk_t **self_p)
{
    if (self_p && *self_p) {
        free ((*self_p)->points);
        free ((*self_p)->data);
        free (*self_p);
        *self_p = NULL;
    }
}

void
vd_chunk_append (vd_chunk_t *self, int64_t ts_us, double value, uint32_t flags)
{
    if (self->count == self->limit) {
        self->limit = self->limit? self->limit * 2: 64;
        self->points = (vd_point_t *) realloc (self->points, self->limit * sizeof (vd_point_t));
        assert (self->points);
    }
    self->points [self->count++] = (vd_point_t) { ts_us, value, flags };
    if (self->count == 1 || ts_us < self->t0)
        self->t0 = ts_us;
    if (self->count == 1 || ts_us > self->t1)
        self->t1 = ts_us;
}

int
vd_chunk_load (vd_chunk_t *self, int format, const byte *data, size_t size, uint32_t count)
{
    self->count = 0;
    self->size = 0;
    vd_chunk_iter_t iter;
    vd_chunk_iter_init (&iter, format, data, size, count);
    int64_t ts;
    double value;
    uint32_t flags;
    int rc;
    while ((rc = vd_chunk_iter_next (&iter, &ts, &value, &flags)) == 1)
        vd_chunk_append (self, ts, value, flags);
    if (rc < 0)
        self->count = 0;
    return rc < 0? -1: 0;
}
