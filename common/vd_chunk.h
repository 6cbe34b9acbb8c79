/*  vd_chunk: a compressed run of one series' samples.

    Timestamps as zigzag varints of the delta of deltas (µs), values as the
    XOR with the previous value stored in only its meaningful bytes, flags as
    a varint. A chunk of an hour of a 10-second series is a few kilobytes and
    is read in one row.                                                      */
#ifndef VD_CHUNK_H_INCLUDED
#define VD_CHUNK_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>

typedef struct {
    byte *data;                 //  encoded bytes
    size_t size;                //  bytes used
    size_t limit;               //  bytes allocated
    uint32_t count;             //  samples held
    int64_t t0, t1;             //  first and last timestamp (µs)
    int64_t last_ts;            //  encoder state
    int64_t last_delta;
    uint64_t last_bits;
} vd_chunk_t;

typedef struct {
    const byte *cursor, *end;
    uint32_t left;              //  samples still to read
    uint32_t index;             //  samples read so far
    int64_t last_ts, last_delta;
    uint64_t last_bits;
} vd_chunk_iter_t;

//  Makes an empty chunk.
vd_chunk_t *vd_chunk_new (void);
//  Destroys; accepts NULL.
void vd_chunk_destroy (vd_chunk_t **self_p);
//  Loads an encoded chunk of count samples so more can be appended; 0, or
//  -1 if the bytes are not a valid chunk.
int vd_chunk_load (vd_chunk_t *self, const byte *data, size_t size, uint32_t count);
//  Appends one sample.
void vd_chunk_append (vd_chunk_t *self, int64_t ts_us, double value, uint32_t flags);
//  Starts reading count samples from encoded bytes.
void vd_chunk_iter_init (vd_chunk_iter_t *iter, const byte *data, size_t size, uint32_t count);
//  Next sample: 1 read, 0 at end, -1 corrupt.
int vd_chunk_iter_next (vd_chunk_iter_t *iter, int64_t *ts_us, double *value, uint32_t *flags);

#endif
