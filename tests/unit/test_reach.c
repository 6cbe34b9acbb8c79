/*  meshd/alarm/reach.c: reachability and dependencies. Down after
    down_after rounds of total loss, up at the first answer; a device down
    under a down parent is unreachable under the nearest one; the holds
    follow the slowest parent; a loop of parents ends.                    */
#include "testing.h"
#include "../../meshd/alarm/reach.h"

static rdev_t *
s_add (zhashx_t *devices, int64_t id, int64_t parent, int64_t interval_ms)
{
    rdev_t *device = (rdev_t *) zmalloc (sizeof (rdev_t));
    device->id = id;
    device->parent_id = parent;
    device->interval_ms = interval_ms;
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) id);
    zhashx_insert (devices, key, device);
    return device;
}

int
main (void)
{
    zhashx_t *devices = zhashx_new ();
    zhashx_set_destructor (devices, (zhashx_destructor_fn *) zstr_free);
    //  core (1) <- dist (2) <- edge (3); lone (4)
    rdev_t *core = s_add (devices, 1, 0, 1000);
    rdev_t *dist = s_add (devices, 2, 1, 5000);
    rdev_t *edge = s_add (devices, 3, 2, 1000);
    rdev_t *lone = s_add (devices, 4, 0, 1000);
    CHECK (reach_device (devices, 3) == edge && reach_device (devices, 9) == NULL);

    //  down after two rounds of 100% loss, not one; up at the first answer
    //  (the times by the measurements: down from the first lost round)
    CHECK (reach_loss (core, 0, 1000, 2) && core->reach == REACH_UP && core->reach_us == 1000);
    CHECK (!reach_loss (core, 100, 2000, 2) && core->reach == REACH_UP);
    CHECK (reach_loss (core, 100, 3000, 2) && core->reach == REACH_DOWN && core->reach_us == 2000);
    CHECK (!reach_loss (core, 100, 4000, 2) && core->reach_us == 2000);
    CHECK (reach_loss (core, 50, 5000, 2) && core->reach == REACH_UP && core->bad == 0
           && core->reach_us == 5000);
    CHECK (!reach_loss (core, 99.9, 6000, 2) && core->reach_us == 5000);
    //  unknown one interval (1 s) after the last measurement, not later than now
    reach_unknown (core, 9000000);
    CHECK (core->reach == REACH_UNKNOWN && core->reach_us == 1006000);
    reach_unknown (core, 1000);
    CHECK (core->reach_us == 1000);
    //  a gap of more than two intervals and 2 s in its results: unknown
    //  from an interval after the last (1 s intervals: 4 s is no gap)
    CHECK (reach_loss (core, 0, 10000000, 2) && core->reach == REACH_UP);
    CHECK (!reach_gap (core, 14000000) && core->reach == REACH_UP);
    CHECK (reach_gap (core, 14000001) && core->reach == REACH_UNKNOWN && core->reach_us == 11000000);
    CHECK (!reach_gap (core, 99000000));

    int64_t under;
    //  everything up
    edge->reach = dist->reach = REACH_UP;
    CHECK (reach_state (devices, edge, &under) == STATE_UP && under == 0);
    //  edge down alone: down
    edge->reach = REACH_DOWN;
    CHECK (reach_state (devices, edge, &under) == STATE_DOWN && under == 0);
    //  core down too: edge is unreachable under core (dist still answers)
    core->reach = REACH_DOWN;
    CHECK (reach_state (devices, edge, &under) == STATE_UNREACHABLE && under == 1);
    //  dist down: the nearest down parent
    dist->reach = REACH_DOWN;
    CHECK (reach_state (devices, edge, &under) == STATE_UNREACHABLE && under == 2);
    CHECK (reach_state (devices, dist, &under) == STATE_UNREACHABLE && under == 1);
    CHECK (reach_state (devices, core, &under) == STATE_DOWN && under == 0);
    //  since: the latest of its own change and the devices above it
    //  (was or is under), not before its stored state, not after now
    edge->reach_us = 100; dist->reach_us = 300; core->reach_us = 200; edge->state_us = 0;
    CHECK (reach_since (devices, edge, 2, 0, 1000) == 300);
    CHECK (reach_since (devices, edge, 0, 1, 1000) == 200);
    CHECK (reach_since (devices, edge, 0, 0, 1000) == 100);
    CHECK (reach_since (devices, edge, 2, 0, 250) == 250);
    edge->state_us = 500;
    CHECK (reach_since (devices, edge, 2, 1, 1000) == 500);
    //  unknown stays unknown, whatever is above
    lone->reach = REACH_UNKNOWN;
    CHECK (reach_state (devices, lone, &under) == STATE_UNKNOWN);
    CHECK (streq (reach_states [STATE_UNREACHABLE], "unreachable"));

    //  holds: the slowest parent's detection, (down_after + 1) rounds,
    //  and the transport time
    CHECK (reach_hold (devices, edge, 2, 2000000) == 3 * 5000 * 1000 + 2000000);
    CHECK (reach_hold (devices, dist, 2, 2000000) == 3 * 1000 * 1000 + 2000000);
    CHECK (reach_hold (devices, core, 2, 2000000) == 0);
    CHECK (reach_hold (devices, NULL, 2, 2000000) == 0);

    //  a loop of parents (refused by the API, but never trusted here) ends
    rdev_t *a = s_add (devices, 10, 11, 1000);
    rdev_t *b = s_add (devices, 11, 10, 1000);
    a->reach = b->reach = REACH_UP;
    CHECK (reach_down_above (devices, a) == 0);
    CHECK (reach_hold (devices, a, 2, 0) == 3000000);
    zhashx_destroy (&devices);
    TESTS_DONE ();
}
