/*  libFuzzer target: the quantile sketch decoder (rollup rows of a damaged
    database). What decodes must encode to bytes that decode to the same
    quantiles.                                                              */
#include "vedette.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    vd_sketch_t *sketch = vd_sketch_new ();
    if (vd_sketch_merge_bytes (sketch, data, size) == 0) {
        size_t again_size;
        byte *again = vd_sketch_encode (sketch, &again_size);
        vd_sketch_t *copy = vd_sketch_new ();
        assert (vd_sketch_merge_bytes (copy, again, again_size) == 0);
        assert (vd_sketch_count (copy) == vd_sketch_count (sketch));
        for (int q = 0; q <= 10; q++) {
            double a = vd_sketch_quantile (sketch, q / 10.0), b = vd_sketch_quantile (copy, q / 10.0);
            assert (a == b || (isnan (a) && isnan (b)));
        }
        vd_sketch_destroy (&copy);
        free (again);
    }
    else
        assert (vd_sketch_count (sketch) == 0);
    vd_sketch_destroy (&sketch);
    return 0;
}
