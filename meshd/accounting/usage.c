/*  meshd/accounting/usage.c: a subscriber's octets per month (ppp usage),
    as billing counts them. Each record of a session carries its totals
    (gigawords included); what grew since the session's previous record
    is put in the months between the two records, split in proportion to
    the time spent in each (UTC months), so a session that spans a month
    boundary bills each month its share. Counters that went back (a NAS's
    bug) add nothing.                                                      */
#include "accounting/accounting.h"

int64_t
accounting_month (int64_t t, int64_t *next)
{
    time_t seconds = (time_t) (t / 1000000);
    struct tm tm;
    gmtime_r (&seconds, &tm);
    struct tm first = { .tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = 1 };
    struct tm after = { .tm_year = tm.tm_year + (tm.tm_mon == 11), .tm_mon = (tm.tm_mon + 1) % 12, .tm_mday = 1 };
    *next = (int64_t) timegm (&after) * 1000000;
    return (int64_t) timegm (&first) * 1000000;
}

static int
s_put (sqlite3 *db, int64_t session, int64_t month, int64_t in, int64_t out)
{
    if (in == 0 && out == 0)
        return 0;
    return vd_db_run (db,
        "INSERT INTO ppp_usage (session_id, month_us, input_octets, output_octets) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (session_id, month_us) DO UPDATE SET input_octets = input_octets + ?3, "
        "  output_octets = output_octets + ?4", "iiii", session, month, in, out);
}

int
accounting_usage_add (sqlite3 *db, int64_t session, int64_t from, int64_t to, int64_t in, int64_t out)
{
    if (in < 0)
        in = 0;
    if (out < 0)
        out = 0;
    if (to < from)
        to = from;
    int64_t next;
    int64_t month = accounting_month (to, &next);
    if (month <= from || to == from)       //  within one month
        return s_put (db, session, month, in, out);
    //  spread over the months from..to, by the time in each; the last
    //  month takes what rounding leaves
    double span = (double) (to - from);
    int64_t left_in = in, left_out = out;
    for (int64_t start = accounting_month (from, &next); start < month; start = accounting_month (next, &next)) {
        int64_t a = from > start? from: start;
        double share = (double) (next - a) / span;
        int64_t part_in = (int64_t) ((double) in * share), part_out = (int64_t) ((double) out * share);
        if (s_put (db, session, start, part_in, part_out))
            return -1;
        left_in -= part_in;
        left_out -= part_out;
    }
    return s_put (db, session, month, left_in, left_out);
}
