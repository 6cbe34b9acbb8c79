/*  vd_heap: order under random inserts, moves and removals, against a
    plain scan of the same keys.  */
#include "testing.h"

#define SLOTS 2000

int
main (void)
{
    vd_heap_t *heap = vd_heap_new ();
    int64_t keys [SLOTS];
    bool in [SLOTS] = { false };
    int64_t key;
    CHECK (vd_heap_top (heap, &key) == -1);
    int wrong = 0;
    for (int round = 0; round < 20000; round++) {
        int slot = (int) randombytes_uniform (SLOTS);
        if (randombytes_uniform (4) == 0) {
            vd_heap_remove (heap, slot);
            in [slot] = false;
        }
        else {
            keys [slot] = (int64_t) randombytes_uniform (1000000) - 500000;
            vd_heap_set (heap, slot, keys [slot]);
            in [slot] = true;
        }
        //  the top has the smallest key of those in
        int64_t least = INT64_MAX;
        int count = 0;
        for (int i = 0; i < SLOTS; i++)
            if (in [i]) {
                count++;
                if (keys [i] < least)
                    least = keys [i];
            }
        int top = vd_heap_top (heap, &key);
        if (count != vd_heap_size (heap) || (count && (top < 0 || key != least || keys [top] != least || !in [top])))
            wrong++;
        if (vd_heap_has (heap, slot) != in [slot])
            wrong++;
    }
    CHECK (wrong == 0);
    //  draining gives keys in order
    int64_t previous = INT64_MIN;
    int out_of_order = 0, drained = 0;
    while (vd_heap_top (heap, &key) >= 0) {
        if (key < previous)
            out_of_order++;
        previous = key;
        vd_heap_remove (heap, vd_heap_top (heap, NULL));
        drained++;
    }
    CHECK (out_of_order == 0);
    CHECK (drained > 0);
    CHECK (vd_heap_size (heap) == 0);
    vd_heap_set (heap, 5, 10);
    vd_heap_set (heap, 7, 3);
    vd_heap_clear (heap);
    CHECK (vd_heap_size (heap) == 0 && !vd_heap_has (heap, 5) && !vd_heap_has (heap, 7));
    vd_heap_destroy (&heap);
    vd_heap_destroy (&heap);
    TESTS_DONE ();
}
