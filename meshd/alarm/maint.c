/*  meshd/alarm/maint.c: is a device in maintenance now, and until when.  */
#include "alarm/maint.h"
#include <time.h>

const char *maint_days [] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

int
maint_clock_parse (const char *text, int *minutes)
{
    int hours, mins;
    char end;
    if (!text || sscanf (text, "%d:%d%c", &hours, &mins, &end) != 2
    ||  hours < 0 || hours > 23 || mins < 0 || mins > 59 || strlen (text) > 5)
        return -1;
    *minutes = hours * 60 + mins;
    return 0;
}

//  The time (µs) of a minute of the day `days` days after the day of now
static int64_t
s_at (const struct tm *now, int days, int minute)
{
    struct tm at = *now;
    at.tm_mday += days;
    at.tm_hour = minute / 60;
    at.tm_min = minute % 60;
    at.tm_sec = 0;
    at.tm_isdst = -1;
    return (int64_t) mktime (&at) * 1000000;
}

bool
maint_recurring_open (const char *every, int start_min, int end_min, int64_t now, int64_t *until)
{
    time_t seconds = (time_t) (now / 1000000);
    struct tm local;
    localtime_r (&seconds, &local);
    int minute = local.tm_hour * 60 + local.tm_min;
    int day = -1;               //  -1: every day
    for (int i = 0; maint_days [i]; i++)
        if (streq (every, maint_days [i]))
            day = i;
    bool crosses = end_min <= start_min;
    bool today = day < 0 || local.tm_wday == day;
    bool yesterday = day < 0 || (local.tm_wday + 6) % 7 == day;
    if (today && minute >= start_min && (crosses || minute < end_min)) {
        *until = s_at (&local, crosses? 1: 0, end_min);
        return true;
    }
    if (crosses && yesterday && minute < end_min) {
        *until = s_at (&local, 0, end_min);
        return true;
    }
    return false;
}

bool
maint_active (sqlite3 *db, int64_t device_id, int64_t site_id, int64_t now, int64_t *until)
{
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT from_us, to_us, every, start_min, end_min FROM maintenance "
        "WHERE (device_id = ?1 OR site_id = ?2) AND removed_us IS NULL "
        "  AND (every IS NOT NULL OR (from_us <= ?3 AND to_us > ?3))");
    if (!stmt)
        return false;
    sqlite3_bind_int64 (stmt, 1, device_id);
    sqlite3_bind_int64 (stmt, 2, site_id);
    sqlite3_bind_int64 (stmt, 3, now);
    bool active = false;
    *until = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t end = 0;
        if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
            end = sqlite3_column_int64 (stmt, 1);
        else
        if (!maint_recurring_open ((const char *) sqlite3_column_text (stmt, 2),
                                   sqlite3_column_int (stmt, 3), sqlite3_column_int (stmt, 4),
                                   now, &end))
            continue;
        active = true;
        if (end > *until)
            *until = end;
    }
    sqlite3_finalize (stmt);
    return active;
}

typedef struct {
    maint_span_t *spans;
    int count, size;
    int64_t from, to;           //  what they are clipped to
} spans_t;

static void
s_span (spans_t *self, int64_t from, int64_t to)
{
    from = from > self->from? from: self->from;
    to = to < self->to? to: self->to;
    if (from >= to)
        return;
    if (self->count == self->size) {
        self->size = self->size? self->size * 2: 16;
        self->spans = (maint_span_t *) realloc (self->spans, self->size * sizeof (maint_span_t));
    }
    self->spans [self->count++] = (maint_span_t) { from, to };
}

static int
s_span_compare (const void *a, const void *b)
{
    int64_t x = ((const maint_span_t *) a)->from, y = ((const maint_span_t *) b)->from;
    return x < y? -1: x > y;
}

//  A recurring window's openings over [from, to): day by day (local
//  time), from the day before, as a window may cross midnight
static void
s_recurring (spans_t *self, const char *every, int start_min, int end_min, int64_t from, int64_t to)
{
    time_t seconds = (time_t) (from / 1000000);
    struct tm base;
    localtime_r (&seconds, &base);
    int weekday = -1;           //  -1: every day
    for (int i = 0; maint_days [i]; i++)
        if (streq (every, maint_days [i]))
            weekday = i;
    bool crosses = end_min <= start_min;
    for (int days = -1; ; days++) {
        int64_t opens = s_at (&base, days, start_min);
        if (opens >= to)
            break;
        time_t day = (time_t) (opens / 1000000);
        struct tm local;
        localtime_r (&day, &local);
        if (weekday < 0 || local.tm_wday == weekday) {
            int64_t closes = s_at (&base, crosses? days + 1: days, end_min);
            s_span (self, opens > from? opens: from, closes < to? closes: to);
        }
    }
}

int
maint_spans (sqlite3 *db, int64_t device_id, int64_t site_id, int64_t from, int64_t to,
             maint_span_t **spans)
{
    *spans = NULL;
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT from_us, min (to_us, coalesce (removed_us, to_us)), every, start_min, end_min, "
        "  max (created_us, ?3), min (coalesce (removed_us, ?4), ?4) FROM maintenance "
        "WHERE (device_id = ?1 OR site_id = ?2) AND coalesce (removed_us, ?4) > ?3 "
        "  AND (every IS NOT NULL OR (from_us < ?4 AND to_us > ?3))");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, device_id);
    sqlite3_bind_int64 (stmt, 2, site_id);
    sqlite3_bind_int64 (stmt, 3, from);
    sqlite3_bind_int64 (stmt, 4, to);
    spans_t self = { .from = from, .to = to };
    int rc;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
        if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
            s_span (&self, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1));
        else
            s_recurring (&self, (const char *) sqlite3_column_text (stmt, 2),
                         sqlite3_column_int (stmt, 3), sqlite3_column_int (stmt, 4),
                         sqlite3_column_int64 (stmt, 5), sqlite3_column_int64 (stmt, 6));
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE) {
        free (self.spans);
        return -1;
    }
    //  in order, overlaps merged
    if (self.count > 1)
        qsort (self.spans, self.count, sizeof (maint_span_t), s_span_compare);
    int merged = 0;
    for (int i = 0; i < self.count; i++) {
        if (merged && self.spans [i].from <= self.spans [merged - 1].to) {
            if (self.spans [i].to > self.spans [merged - 1].to)
                self.spans [merged - 1].to = self.spans [i].to;
        }
        else
            self.spans [merged++] = self.spans [i];
    }
    *spans = self.spans;
    return merged;
}
