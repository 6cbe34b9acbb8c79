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
reach_loss (rdev_t *device, double loss, int64_t ts, int down_after)
{
    reach_t was = device->reach;
    if (ts > device->last_ts)
        device->last_ts = ts;       //  results may come out of order
    if (loss >= 100) {
        if (device->bad == 0)
            device->bad_us = ts;
        if (device->bad < down_after)
            device->bad++;
        if (device->bad >= down_after)
            device->reach = REACH_DOWN;
    }
    else {
        device->bad = 0;
        device->reach = REACH_UP;
    }
    if (device->reach == was)
        return false;
    device->reach_us = device->reach == REACH_DOWN? device->bad_us: ts;
    return true;
}

void
reach_unknown (rdev_t *device, int64_t now)
{
    int64_t after = device->last_ts? device->last_ts + device->interval_ms * 1000: now;
    device->reach = REACH_UNKNOWN;
    device->bad = 0;
    device->reach_us = after < now? after: now;
}

bool
reach_gap (rdev_t *device, int64_t ts)
{
    if (device->reach == REACH_UNKNOWN || !device->last_ts
    ||  ts - device->last_ts <= (2 * device->interval_ms + REACH_GAP_MS) * 1000)
        return false;
    reach_unknown (device, ts);
    return true;
}

int64_t
reach_since (zhashx_t *devices, rdev_t *device, int64_t under, int64_t was_under, int64_t now)
{
    int64_t since = device->reach_us;
    rdev_t *above [2] = { under? reach_device (devices, under): NULL,
                          was_under? reach_device (devices, was_under): NULL };
    for (int i = 0; i < 2; i++)
        if (above [i] && above [i]->reach_us > since)
            since = above [i]->reach_us;
    if (since > now)
        since = now;
    return since > device->state_us? since: device->state_us;
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
