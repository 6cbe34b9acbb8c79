/*  meshd/alarm/reach.h: devices' reachability and their dependencies, as
    the rules actor works them out.

    A device's own samples say whether it answers: icmp.loss at 100% for
    rules/down_after rounds in a row is down, any answer is up, silence for
    long is unknown; each change is timed by the measurements (the first of
    the lost rounds, the first answer, one interval after the last result).
    Its state then takes its parents into account (device
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
    int64_t last_ts;            //  the latest time a loss sample was measured
    int64_t bad_us;             //  when the rounds with 100% loss began
    int64_t reach_us;           //  when its reach became what it is
    dev_state_t state;          //  as stored
    int64_t state_us;           //  since when, as stored or put in its history
    dev_state_t logged;         //  the last state put in its history,
    int64_t logged_under;       //  and the device down above it then
    int64_t down_under;         //  the down device above it, when unreachable
} rdev_t;

//  The device of that id in devices ("id" -> rdev_t), or NULL
rdev_t *reach_device (zhashx_t *devices, int64_t id);

//  One round's loss (%), measured at ts: true if the device's reach
//  changed. Its reach_us is then when it changed by the measurements: the
//  first of the lost rounds, the first answered one.
bool reach_loss (rdev_t *device, double loss, int64_t ts, int down_after);

//  Nobody measures it any more: its reach is unknown from one interval
//  after its last measurement (or now, if there was none)
void reach_unknown (rdev_t *device, int64_t now);

//  A result measured at ts after a gap in its results (more than two
//  intervals and REACH_GAP_MS: rounds without an answer take their timeout
//  too): nobody measured it in between, so it was unknown from one interval
//  after the last result. True if that made its reach unknown.
#define REACH_GAP_MS    2000
bool reach_gap (rdev_t *device, int64_t ts);

//  When a device's new state began: when its own reach changed or that of
//  the devices above it it was (was_under) or is (under) down under; never
//  before its stored state's time, never after now
int64_t reach_since (zhashx_t *devices, rdev_t *device, int64_t under, int64_t was_under,
                     int64_t now);

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
