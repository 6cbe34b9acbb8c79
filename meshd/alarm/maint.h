/*  meshd/alarm/maint.h: maintenance windows. One-off (from, to) or recurring
    every day or every week on a weekday, between two times of day (local
    time; a window may cross midnight). A device is in maintenance when a
    window of its own or of its site is open. A window removed once it has
    opened is kept, ended (removed_us), for the reports of its time.         */
#ifndef MESHD_MAINT_H_INCLUDED
#define MESHD_MAINT_H_INCLUDED

#include "meshd.h"

//  Weekday names as stored in maintenance.every (after "day").
extern const char *maint_days [];
//  True if the device (or its site) is in maintenance at now (µs); *until
//  is set to when the window closes. device_id or site_id may be 0.
bool maint_active (sqlite3 *db, int64_t device_id, int64_t site_id, int64_t now, int64_t *until);
//  A time a device was in maintenance, µs, [from, to)
typedef struct {
    int64_t from, to;
} maint_span_t;

//  The times within [from, to) the device's windows and its site's were
//  open, merged and in order: their number, *spans allocated (free it), or
//  -1 on a database error
int maint_spans (sqlite3 *db, int64_t device_id, int64_t site_id, int64_t from, int64_t to,
                 maint_span_t **spans);
//  Parses "22:00" into minutes of the day. 0, or -1.
int maint_clock_parse (const char *text, int *minutes);
//  True if a recurring window (every: "day" or a weekday) is open at now;
//  *until is when it closes.
bool maint_recurring_open (const char *every, int start_min, int end_min, int64_t now,
                           int64_t *until);

#endif
