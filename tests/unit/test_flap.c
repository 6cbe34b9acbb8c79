/*  meshd/alarm/flap.c: flap damping. Changes inside the window make an
    object flapping at the count, not before; changes spread wider never
    do; a flapping object settles once, after a quiet window; the ring of
    changes keeps working past FLAP_MAX.                                  */
#include "testing.h"
#include "../../meshd/alarm/flap.h"

#define S   1000000LL               //  a second, in microseconds

int
main (void)
{
    //  four changes within 8 s, count 4: flapping at the fourth
    flap_t flap = { 0 };
    CHECK (!flap_change (&flap, true, 0 * S, 4, 8 * S));
    CHECK (!flap_change (&flap, false, 2 * S, 4, 8 * S));
    CHECK (!flap_change (&flap, true, 4 * S, 4, 8 * S));
    CHECK (flap_change (&flap, false, 6 * S, 4, 8 * S));
    CHECK (flap.condition == false);
    flap.flapping = true;               //  as the rules actor marks it
    //  not settled while changes go on, nor before a quiet window
    CHECK (flap_change (&flap, true, 7 * S, 4, 8 * S));
    CHECK (!flap_settled (&flap, 14 * S, 8 * S));
    //  settled 8 s after the last change, and only once
    CHECK (flap_settled (&flap, 15 * S, 8 * S));
    CHECK (!flap.flapping);
    CHECK (!flap_settled (&flap, 16 * S, 8 * S));

    //  the same four changes spread over 30 s: never flapping
    flap_t slow = { 0 };
    bool ever = false;
    for (int i = 0; i < 4; i++)
        ever = flap_change (&slow, i % 2 == 0, i * 10 * S, 4, 8 * S) || ever;
    CHECK (!ever);
    CHECK (!flap_settled (&slow, 100 * S, 8 * S));  //  never flapping: nothing to settle

    //  past FLAP_MAX changes the ring wraps: a burst much later still counts
    flap_t many = { 0 };
    for (int i = 0; i < FLAP_MAX * 3; i++)
        flap_change (&many, i % 2 == 0, i * 60 * S, 4, 8 * S);
    CHECK (many.count == FLAP_MAX);
    int64_t later = 100000 * S;
    CHECK (!flap_change (&many, true, later, 4, 8 * S));
    CHECK (!flap_change (&many, false, later + 1 * S, 4, 8 * S));
    CHECK (!flap_change (&many, true, later + 2 * S, 4, 8 * S));
    CHECK (flap_change (&many, false, later + 3 * S, 4, 8 * S));
    //  a count of FLAP_MAX can be reached
    flap_t most = { 0 };
    bool reached = false;
    for (int i = 0; i < FLAP_MAX; i++)
        reached = flap_change (&most, i % 2 == 0, i * S, FLAP_MAX, 3600 * S);
    CHECK (reached);
    TESTS_DONE ();
}
