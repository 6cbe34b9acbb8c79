/*  meshd/alarm/flap.h: flap damping. A (rule, object) whose condition
    changes rules/flap_count times within rules/flap_window is flapping:
    the rules actor keeps it as one open alarm, notified once, instead of
    a storm of raises and clears; once it has been quiet for a window it
    settles, and clears if its condition is gone. Pure: the times are
    given.                                                                */
#ifndef MESHD_ALARM_FLAP_H_INCLUDED
#define MESHD_ALARM_FLAP_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define FLAP_MAX    32          //  changes remembered: flap_count is at most this

typedef struct {
    int64_t flips [FLAP_MAX];   //  times of the latest changes (a ring)
    int count, head;
    bool flapping;
    bool condition;             //  the rule's condition now
    int64_t alarm_id;           //  the alarm kept open while flapping
} flap_t;

//  Records a change of the condition at now; true when count changes fall
//  within window_us (the object is flapping, or goes on flapping)
bool flap_change (flap_t *self, bool condition, int64_t now, int count, int64_t window_us);

//  True, once, when a flapping object has had no change for window_us: it
//  is flapping no more
bool flap_settled (flap_t *self, int64_t now, int64_t window_us);

#endif
