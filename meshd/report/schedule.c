/*  meshd/report/schedule.c: scheduled reports. Once a day, week (from
    Monday) or month is over (UTC), five minutes later, the report of that
    period is run as the user who scheduled it and sent through the
    schedule's channel: by email, a short summary with the rows attached as
    CSV; by webhook, the report as JSON. A run that cannot send is tried
    again five minutes later; each outcome is an event (report.sent,
    report.failed). Missed periods (meshd was down) are sent one by one.   */
#include "report/report.h"
#include "notify/channel.h"
#include <time.h>

#define SCHEDULE_DELAY_US   (300 * US)     //  after the period ends
#define SCHEDULE_RETRY_US   (300 * US)

//  Midnight (UTC) of the day of t, days days on
static int64_t
s_midnight (int64_t t, int days)
{
    return ((t / US) / 86400 + days) * DAY_US;
}

void
schedule_period (const char *every, int64_t at, int64_t *from, int64_t *to)
{
    if (streq (every, "day")) {
        *to = s_midnight (at, 0);
        *from = *to - DAY_US;
    }
    else
    if (streq (every, "week")) {
        //  1970-01-01 was a Thursday: days since the epoch + 3, mod 7, is
        //  days since Monday
        int64_t days = (at / US) / 86400;
        *to = (days - (days + 3) % 7) * DAY_US;
        *from = *to - 7 * DAY_US;
    }
    else {
        time_t seconds = (time_t) (at / US);
        struct tm utc;
        gmtime_r (&seconds, &utc);
        struct tm first = { .tm_year = utc.tm_year, .tm_mon = utc.tm_mon, .tm_mday = 1 };
        struct tm before = { .tm_year = utc.tm_year - (utc.tm_mon == 0), .tm_mon = (utc.tm_mon + 11) % 12,
                             .tm_mday = 1 };
        *to = (int64_t) timegm (&first) * US;
        *from = (int64_t) timegm (&before) * US;
    }
}

int64_t
schedule_next (const char *every, int64_t at)
{
    //  the end of the period at is in, which is the start of the period
    //  after the one that ends next: found by asking a period later
    int64_t from, to, ahead = streq (every, "day")? DAY_US: streq (every, "week")? 7 * DAY_US: 31 * DAY_US;
    schedule_period (every, at - SCHEDULE_DELAY_US + ahead, &from, &to);
    return to + SCHEDULE_DELAY_US;
}

//  The rows as CSV: a header of the first row's keys, numbers as they are,
//  text quoted when it must be
char *
report_csv (json_t *rows)
{
    json_t *first = json_array_get (rows, 0);
    if (!first)
        return strdup ("");
    char *buffer = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&buffer, &size);
    if (!out)
        return NULL;
    const char *key;
    json_t *value;
    int column = 0;
    json_object_foreach (first, key, value)
        fprintf (out, "%s%s", column++? ",": "", key);
    fprintf (out, "\r\n");
    size_t index;
    json_t *row;
    json_array_foreach (rows, index, row) {
        column = 0;
        json_object_foreach (first, key, value) {
            json_t *cell = json_object_get (row, key);
            fputs (column++? ",": "", out);
            if (json_is_string (cell)) {
                const char *text = json_string_value (cell);
                if (strpbrk (text, ",\"\r\n")) {
                    fputc ('"', out);
                    for (const char *c = text; *c; c++)
                        fprintf (out, *c == '"'? "\"\"": "%c", *c);
                    fputc ('"', out);
                }
                else
                    fputs (text, out);
            }
            else
            if (json_is_number (cell) || json_is_boolean (cell)) {
                char *text = json_dumps (cell, JSON_ENCODE_ANY);
                fputs (text? text: "", out);
                free (text);
            }
        }
        fprintf (out, "\r\n");
    }
    fclose (out);
    return buffer;
}

//  The mail of a report: a summary, and the CSV attached (base64)
static char *
s_mail (const char *name, const char *report, const char *from, const char *to, int64_t period_from,
        int64_t period_to, json_t *result, const char *csv)
{
    char date [64], begins [32], ends [32], file [96];
    time_t now = time (NULL), f = (time_t) (period_from / US), t = (time_t) (period_to / US);
    struct tm tm;
    strftime (date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", gmtime_r (&now, &tm));
    strftime (begins, sizeof begins, "%Y-%m-%d", gmtime_r (&f, &tm));
    strftime (ends, sizeof ends, "%Y-%m-%d", gmtime_r (&t, &tm));
    snprintf (file, sizeof file, "vedette-%s-%s.csv", report, begins);
    char total [96] = "";
    json_t *availability = json_object_get (json_object_get (result, "total"), "availability_pct");
    if (json_is_number (availability))
        snprintf (total, sizeof total, "Availability over all: %.3f%%\r\n", json_number_value (availability));
    size_t length = strlen (csv);
    size_t encoded_size = sodium_base64_encoded_len (length, sodium_base64_VARIANT_ORIGINAL);
    char *encoded = (char *) malloc (encoded_size);
    sodium_bin2base64 (encoded, encoded_size, (const unsigned char *) csv, length,
                       sodium_base64_VARIANT_ORIGINAL);
    //  base64 in lines of 76
    size_t lines = strlen (encoded) / 76 + 1;
    char *wrapped = (char *) malloc (strlen (encoded) + lines * 2 + 1), *w = wrapped;
    for (size_t i = 0, n = strlen (encoded); i < n; i += 76) {
        size_t chunk = n - i < 76? n - i: 76;
        memcpy (w, encoded + i, chunk);
        w += chunk;
        *w++ = '\r';
        *w++ = '\n';
    }
    *w = 0;
    free (encoded);
    uint32_t mark = randombytes_random ();
    char *mail = zsys_sprintf (
        "Date: %s\r\nFrom: %s\r\nTo: %s\r\n"
        "Subject: [vedette] %s report %s, %s to %s\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"vedette-%08x\"\r\n\r\n"
        "--vedette-%08x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "The %s report %s from %s 00:00 to %s 00:00 UTC: %zu rows, attached as CSV.\r\n%s"
        "\r\nvedette report %s --from %sT00:00:00Z --to %sT00:00:00Z\r\n\r\n"
        "--vedette-%08x\r\nContent-Type: text/csv; charset=utf-8; name=\"%s\"\r\n"
        "Content-Disposition: attachment; filename=\"%s\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n%s"
        "--vedette-%08x--\r\n",
        date, from, to, report, name, begins, ends, mark, mark,
        report, name, begins, ends, json_array_size (json_object_get (result, "rows")), total,
        report, begins, ends, mark, file, file, wrapped, mark);
    free (wrapped);
    return mail;
}

int
schedule_send (api_t *api, int64_t id, int64_t at, const char *from, int64_t timeout_ms, char **error,
               int64_t *from_us, int64_t *to_us)
{
    *error = NULL;
    *from_us = *to_us = 0;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.name, s.report, s.args, s.every, s.created_by, c.kind, c.params "
        "FROM report_schedule s JOIN channel c ON c.id = s.channel_id WHERE s.id = ?");
    if (!stmt || sqlite3_bind_int64 (stmt, 1, id) || sqlite3_step (stmt) != SQLITE_ROW) {
        sqlite3_finalize (stmt);
        *error = strdup ("no such schedule");
        return -1;
    }
    char *name = strdup ((const char *) sqlite3_column_text (stmt, 0));
    char *report = strdup ((const char *) sqlite3_column_text (stmt, 1));
    json_t *args = json_loads ((const char *) sqlite3_column_text (stmt, 2), 0, NULL);
    char *every = strdup ((const char *) sqlite3_column_text (stmt, 3));
    char *user = strdup ((const char *) sqlite3_column_text (stmt, 4));
    char *kind = strdup ((const char *) sqlite3_column_text (stmt, 5));
    json_t *params = json_loads ((const char *) sqlite3_column_text (stmt, 6), 0, NULL);
    sqlite3_finalize (stmt);
    if (!args)
        args = json_object ();
    int64_t period_from, period_to;
    schedule_period (every, at, &period_from, &period_to);
    *from_us = period_from;
    *to_us = period_to;
    json_object_set_new (args, "from", json_integer (period_from));
    json_object_set_new (args, "to", json_integer (period_to));
    char op [32];
    snprintf (op, sizeof op, "report.%s", report);
    json_t *result = api_run_as (api, user, op, args, error);
    int rc = -1;
    if (result) {
        json_t *payload = NULL;
        if (streq (kind, "email")) {
            char *csv = report_csv (json_object_get (result, "rows"));
            const char *sender = json_string_value (json_object_get (params, "from"));
            char *mail = csv? s_mail (name, report, sender? sender: from,
                                      json_string_value (json_object_get (params, "to")),
                                      period_from, period_to, result, csv): NULL;
            payload = json_pack ("{s:s}", "mail", mail? mail: "");
            free (mail);
            free (csv);
        }
        else
            payload = json_pack ("{s:s, s:s, s:s, s:I, s:I, s:O}", "kind", "report", "schedule", name,
                                 "report", report, "from_us", (json_int_t) period_from,
                                 "to_us", (json_int_t) period_to, "result", result);
        char failure [CURL_ERROR_SIZE + 64];
        rc = channel_send_now (kind, params, payload, from, timeout_ms, failure);
        if (rc)
            *error = strdup (failure);
        json_decref (payload);
        json_decref (result);
    }
    json_decref (args);
    json_decref (params);
    free (name);
    free (report);
    free (every);
    free (user);
    free (kind);
    return rc;
}

int
schedule_due (api_t *api, const char *from, int64_t timeout_ms)
{
    sqlite3 *db = api_db (api);
    int64_t now = vd_now_us ();
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT id, name, every, next_us, (SELECT s.id FROM site s WHERE s.name = json_extract (args, '$.site')) "
        "FROM report_schedule WHERE next_us <= ? ORDER BY next_us LIMIT 16");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, now);
    typedef struct { int64_t id, next, site; char name [64], every [8]; } due_t;
    due_t due [16];
    int count = 0;
    while (count < 16 && sqlite3_step (stmt) == SQLITE_ROW) {
        due [count].id = sqlite3_column_int64 (stmt, 0);
        snprintf (due [count].name, sizeof due [count].name, "%s", sqlite3_column_text (stmt, 1));
        snprintf (due [count].every, sizeof due [count].every, "%s", sqlite3_column_text (stmt, 2));
        due [count].next = sqlite3_column_int64 (stmt, 3);
        due [count++].site = sqlite3_column_int64 (stmt, 4);
    }
    sqlite3_finalize (stmt);
    for (int i = 0; i < count; i++) {
        char *error;
        int64_t period_from, period_to;
        int rc = schedule_send (api, due [i].id, due [i].next, from, timeout_ms, &error,
                                &period_from, &period_to);
        //  sent: the next period; failed: again in five minutes, while the
        //  period it reports stays the same
        int64_t next = rc == 0? schedule_next (due [i].every, due [i].next)
                     : now + SCHEDULE_RETRY_US < schedule_next (due [i].every, due [i].next)
                     ? now + SCHEDULE_RETRY_US: schedule_next (due [i].every, due [i].next);
        vd_db_run (db, "UPDATE report_schedule SET next_us = ?, last_us = ?, last_result = ? WHERE id = ?",
                   "iisi", next, now, rc == 0? "sent": error, due [i].id);
        json_t *detail = json_pack ("{s:s, s:I, s:I, s:s}", "schedule", due [i].name,
                                    "from_us", (json_int_t) period_from, "to_us", (json_int_t) period_to,
                                    "text", rc == 0? "sent": error);
        char *text = json_dumps (detail, JSON_COMPACT);
        meshd_event (db, rc == 0? "report.sent": "report.failed", due [i].site, text);
        if (rc)
            zsys_warning ("schedule: report %s not sent: %s", due [i].name, error);
        json_decref (detail);
        free (text);
        free (error);
    }
    return count;
}
