/*  meshd/alarm/reach.c: reachability and dependencies (see reach.h).    */
#include "alarm/reach.h"

#define REACH_DEPTH     64          //  parents followed at most

const char *reach_states [] = { "unknown", "up", "down", "unreachable" };

rdev_t *
reach_device (zhashx_t *devices, int64_t id)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) id);
    return (rdev_t *) zhashx_lookup (devices, key);
}

bool
reach_loss (rdev_t *device, double loss, int down_after)
{
    reach_t was = device->reach;
    if (loss >= 100) {
        if (device->bad < down_after)
            device->bad++;
        if (device->bad >= down_after)
            device->reach = REACH_DOWN;
    }
    else {
        device->bad = 0;
        device->reach = REACH_UP;
    }
    return device->reach != was;
}

int64_t
reach_down_above (zhashx_t *devices, rdev_t *device)
{
    int64_t parent = device->parent_id;
    for (int depth = 0; parent && depth < REACH_DEPTH; depth++) {
        rdev_t *above = reach_device (devices, parent);
        if (!above)
            break;
        if (above->reach == REACH_DOWN)
            return above->id;
        parent = above->parent_id;
    }
    return 0;
}

dev_state_t
reach_state (zhashx_t *devices, rdev_t *device, int64_t *under)
{
    *under = device->reach == REACH_DOWN? reach_down_above (devices, device): 0;
    return device->reach == REACH_UP? STATE_UP
         : device->reach == REACH_UNKNOWN? STATE_UNKNOWN
         : *under? STATE_UNREACHABLE: STATE_DOWN;
}

int64_t
reach_hold (zhashx_t *devices, rdev_t *device, int down_after, int64_t transport_us)
{
    int64_t hold = 0, parent = device? device->parent_id: 0;
    for (int depth = 0; parent && depth < REACH_DEPTH; depth++) {
        rdev_t *above = reach_device (devices, parent);
        if (!above)
            break;
        int64_t detect = (down_after + 1) * above->interval_ms * 1000 + transport_us;
        if (detect > hold)
            hold = detect;
        parent = above->parent_id;
    }
    return hold;
}
