/*  meshd/report/period.c: the period of a report and the shape of its
    reply (report.h).                                                        */
#include "report/report.h"

bool
report_period (api_call_t *call, period_t *period)
{
    bool ok;
    int64_t now = vd_now_us ();
    period->from = api_time (call, "from", now - 30 * DAY_US, &ok);
    period->to = ok? api_time (call, "to", now, &ok): 0;
    if (!ok)
        return false;
    const char *month = api_str (call, "month");
    if (month) {
        int year, mon;
        char tail;
        if (api_str (call, "from") || api_str (call, "to")) {
            api_fail (call, "invalid", "give a month or from and to, not both");
            return false;
        }
        if (sscanf (month, "%4d-%2d%c", &year, &mon, &tail) != 2 || year < 1970 || mon < 1 || mon > 12) {
            api_fail (call, "invalid", "a month is YYYY-MM, such as 2026-11");
            return false;
        }
        struct tm first = { .tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = 1 };
        struct tm next = { .tm_year = year - 1900 + (mon == 12), .tm_mon = mon % 12, .tm_mday = 1 };
        period->from = (int64_t) timegm (&first) * US;
        period->to = (int64_t) timegm (&next) * US;
    }
    if (period->to <= period->from) {
        api_fail (call, "invalid", "the period must end after it begins");
        return false;
    }
    period->site = api_str (call, "site");
    period->device = api_str (call, "device");
    return true;
}

json_t *
report_result (const period_t *period, int64_t step, json_t *rows)
{
    return json_pack ("{s:I, s:I, s:I, s:o}", "from_us", (json_int_t) period->from,
                      "to_us", (json_int_t) period->to, "resolution_us", (json_int_t) (step * US),
                      "rows", rows);
}
