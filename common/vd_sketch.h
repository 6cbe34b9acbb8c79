/*  vd_sketch: a mergeable quantile sketch with a relative error bound
    (DDSketch: Masson, Rim and Lee, VLDB 2019).

    Values fall in logarithmic buckets, each gamma = (1 + a) / (1 - a) times
    the one below it, a = 1%: any quantile read back is within 1% of a value
    the true quantile lies beside, whatever the distribution, and two
    sketches merge by adding their buckets, so the p99 of a day of 5-minute
    rollups is the p99 of the day's samples, within 1%. Zero and negative
    values have buckets of their own; NaN and the infinities are not
    counted. At most VD_SKETCH_BUCKETS buckets a sign: past that the lowest
    collapse into one, which only the lowest quantiles feel.

    Encoded: a version byte (1), the count of zeros, then for the negative
    and the positive side the number of buckets and, per bucket, the zigzag
    varint of its key's difference from the previous key and its count.
    Rollups of a latency series keep a sketch in some tens of bytes.       */
#ifndef VD_SKETCH_H_INCLUDED
#define VD_SKETCH_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>

#define VD_SKETCH_ALPHA     0.01
#define VD_SKETCH_BUCKETS   2048

typedef struct _vd_sketch_t vd_sketch_t;

//  Makes an empty sketch.
vd_sketch_t *vd_sketch_new (void);
//  Destroys; accepts NULL.
void vd_sketch_destroy (vd_sketch_t **self_p);
//  Counts one value.
void vd_sketch_add (vd_sketch_t *self, double value);
//  Adds another sketch's buckets to this one.
void vd_sketch_merge (vd_sketch_t *self, const vd_sketch_t *other);
//  Values counted.
uint64_t vd_sketch_count (const vd_sketch_t *self);
//  The q-quantile (0 to 1), within VD_SKETCH_ALPHA; NaN when empty.
double vd_sketch_quantile (const vd_sketch_t *self, double q);
//  Encodes into a new buffer the caller frees.
byte *vd_sketch_encode (const vd_sketch_t *self, size_t *size);
//  Adds the buckets of an encoded sketch: 0, or -1 if the bytes are not one
//  (the sketch is then unchanged).
int vd_sketch_merge_bytes (vd_sketch_t *self, const byte *data, size_t size);

#endif
