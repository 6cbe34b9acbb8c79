/*  vd_chunk: a compressed run of one series' samples, Gorilla-class.

    Format 2 (written): a two-byte header, the first timestamp, then a bit
    stream. Timestamps are delta-of-deltas in the chunk's quantum (the
    largest power of ten of microseconds that divides them all: 1 ms for
    stored samples), in prefix codes of 1 to 69 bits. Values are, per chunk,
    whichever is smaller of two lossless codings: decimal (each value is an
    integer times a power of ten, as an RTT to the microsecond is; deltas of
    those integers in adaptive Rice codes, any other double kept whole as an
    exception) or Gorilla's XOR of the IEEE bits. Flags cost one bit when
    unchanged, none in a chunk without any. Every double round-trips bit for
    bit: NaN, the infinities and negative zero included.

    Format 1 (read only, chunks written before migration 0016): zigzag
    varints of the delta of deltas (µs), the XOR of values in whole bytes,
    flags as a varint.

    A chunk holds its samples decoded while it is built or extended;
    vd_chunk_encode makes the bytes from them.                               */
#ifndef VD_CHUNK_H_INCLUDED
#define VD_CHUNK_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>

#define VD_CHUNK_FORMAT     2       //  what vd_chunk_encode writes

typedef struct {
    int64_t ts_us;
    double value;
    uint32_t flags;
} vd_point_t;

typedef struct {
    vd_point_t *points;         //  samples, in append order
    uint32_t count;             //  samples held
    uint32_t limit;             //  samples allocated
    int64_t t0, t1;             //  first and last timestamp (µs)
    byte *data;                 //  bytes of the last vd_chunk_encode
    size_t size;                //  bytes used
    size_t capacity;            //  bytes allocated
} vd_chunk_t;

typedef struct {
    int format;
    const byte *data;
    size_t size;
    size_t pos;                 //  format 1: next byte; format 2: next bit
    uint32_t left;              //  samples still to read
    uint32_t index;             //  samples read so far
    int64_t last_ts, last_delta;
    uint64_t last_bits;         //  previous value's bits (format 1, XOR mode)
    uint32_t last_flags;
    int64_t quantum;            //  format 2: µs per timestamp unit
    int scale;                  //  format 2: decimal exponent, or VD_CHUNK_XOR
    int64_t last_n;             //  decimal mode: previous integer
    uint64_t rice_sum;          //  decimal mode: recent deltas, summed
    uint32_t rice_n;            //  and counted
    bool flags;                 //  format 2: samples have flag bits
    int lead, sig;              //  XOR mode: the window of the last XOR
} vd_chunk_iter_t;

//  Makes an empty chunk.
vd_chunk_t *vd_chunk_new (void);
//  Destroys; accepts NULL.
void vd_chunk_destroy (vd_chunk_t **self_p);
//  Replaces the samples with count samples decoded from data in format; 0,
//  or -1 if the bytes are not a valid chunk (the chunk is then empty).
int vd_chunk_load (vd_chunk_t *self, int format, const byte *data, size_t size, uint32_t count);
//  Appends one sample.
void vd_chunk_append (vd_chunk_t *self, int64_t ts_us, double value, uint32_t flags);
//  Encodes the samples in VD_CHUNK_FORMAT into self->data, self->size.
void vd_chunk_encode (vd_chunk_t *self);
//  Starts reading count samples of format from encoded bytes.
void vd_chunk_iter_init (vd_chunk_iter_t *iter, int format, const byte *data, size_t size,
                         uint32_t count);
//  Next sample: 1 read, 0 at end, -1 corrupt.
int vd_chunk_iter_next (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags);

#endif
