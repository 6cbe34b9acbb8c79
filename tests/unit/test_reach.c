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
    CHECK (reach_loss (core, 0, 2) && core->reach == REACH_UP);
    CHECK (!reach_loss (core, 100, 2) && core->reach == REACH_UP);
    CHECK (reach_loss (core, 100, 2) && core->reach == REACH_DOWN);
    CHECK (!reach_loss (core, 100, 2));
    CHECK (reach_loss (core, 50, 2) && core->reach == REACH_UP && core->bad == 0);
    CHECK (!reach_loss (core, 99.9, 2));

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
