/*  meshd/alarm/reach.h: devices' reachability and their dependencies, as
    the rules actor works them out.

    A device's own samples say whether it answers: icmp.loss at 100% for
    rules/down_after rounds in a row is down, any answer is up, silence for
    long is unknown. Its state then takes its parents into account (device
    set --parent): a device that is down under a parent that is down is
    unreachable, and its alarms are suppressed under that parent; its
    notifications wait long enough for a parent's outage, seen at the same
    time, to be known first. Pure: devices are kept by the caller, by id. */
#ifndef MESHD_ALARM_REACH_H_INCLUDED
#define MESHD_ALARM_REACH_H_INCLUDED

#include "meshd.h"

typedef enum { REACH_UNKNOWN, REACH_UP, REACH_DOWN } reach_t;
typedef enum { STATE_UNKNOWN, STATE_UP, STATE_DOWN, STATE_UNREACHABLE } dev_state_t;

//  The states' names, by dev_state_t
extern const char *reach_states [];

//  A device as the rules see it
typedef struct {
    int64_t id;
    char *name;
    int64_t site_id, parent_id, probe_id;
    int64_t interval_ms;
    reach_t reach;              //  from its own samples
    int bad;                    //  rounds in a row with 100% loss
    int64_t last_loss_us;       //  wall time the latest loss sample was read
    dev_state_t state;          //  as stored
    int64_t down_under;         //  the down device above it, when unreachable
} rdev_t;

//  The device of that id in devices ("id" -> rdev_t), or NULL
rdev_t *reach_device (zhashx_t *devices, int64_t id);

//  One round's loss (%): true if the device's reach changed
bool reach_loss (rdev_t *device, double loss, int down_after);

//  The device down above this one (0: none); parent chains are followed
//  64 deep at most
int64_t reach_down_above (zhashx_t *devices, rdev_t *device);

//  Its state from its reach and its parents'; *under: the device down
//  above it (0: none)
dev_state_t reach_state (zhashx_t *devices, rdev_t *device, int64_t *under);

//  How long (us) its notifications wait so that a parent's outage seen at
//  the same time is known first: the slowest parent's detection time, and
//  transport_us for its results to arrive
int64_t reach_hold (zhashx_t *devices, rdev_t *device, int down_after, int64_t transport_us);

#endif
