/*  meshd/report/report.h: what the reports share. A period is from/to or a
    month (YYYY-MM, UTC), by default the last 30 days; site and device
    narrow it.                                                               */
#ifndef MESHD_REPORT_H_INCLUDED
#define MESHD_REPORT_H_INCLUDED

#include "api/api.h"

#define US          1000000LL
#define DAY_US      (86400 * US)

//  The arguments every report takes
#define PERIOD_ARGS "site:n device:n from:t to:t month:s"

typedef struct {
    int64_t from, to;           //  µs, [from, to)
    const char *site, *device;
} period_t;

//  The period a call asks for; false after api_fail
bool report_period (api_call_t *call, period_t *period);

//  A report's reply: the period, the resolution it was read at (step in
//  seconds, 0: exact), and its rows
json_t *report_result (const period_t *period, int64_t step, json_t *rows);

//  The rows of a report as CSV (caller frees): a header of the first
//  row's keys, numbers as they are
char *report_csv (json_t *rows);

//  Scheduled reports (schedule.c). The period a run at `at` reports: the
//  last whole day, week (from Monday) or month before it, UTC.
void schedule_period (const char *every, int64_t at, int64_t *from, int64_t *to);
//  When a schedule runs next after at: five minutes after the period at is
//  in ends
int64_t schedule_next (const char *every, int64_t at);
//  Sends schedule id's report of the period before at through its channel,
//  now: 0, or -1 and *error (caller frees); the period into from_us, to_us
int schedule_send (api_t *api, int64_t id, int64_t at, const char *from, int64_t timeout_ms, char **error,
                   int64_t *from_us, int64_t *to_us);
//  Sends the schedules that are due and moves them on, each with its event
//  (report.sent, report.failed): how many, or -1
int schedule_due (api_t *api, const char *from, int64_t timeout_ms);

#endif
