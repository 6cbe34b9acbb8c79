/*  console/table.c: aligned tables for people, CSV for spreadsheets. Columns
    fit the terminal (the widest is cut with "…" first); colour only when
    stdout is a terminal and NO_COLOR is unset.                            */
#include "console.h"
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

char *
table_age (int64_t us, char *buf, size_t size)
{
    int64_t ms = (vd_now_us () - us) / 1000;
    char span [32];
    if (ms >= 0) {
        vd_duration_format (ms, span, sizeof span);
        snprintf (buf, size, "%s ago", span);
    }
    else {
        vd_duration_format (-ms, span, sizeof span);
        snprintf (buf, size, "in %s", span);
    }
    return buf;
}

char *
table_micros (int64_t us, bool sign, char *buf, size_t size)
{
    const char *prefix = !sign? "": us < 0? "-": "+";
    double magnitude = us < 0? -(double) us: (double) us;
    if (magnitude >= 1e6)
        snprintf (buf, size, "%s%.*fs", prefix, magnitude >= 1e8? 0: magnitude >= 1e7? 1: 2,
                  magnitude / 1e6);
    else
        snprintf (buf, size, "%s%.*fms", prefix, magnitude >= 1e5? 0: magnitude >= 1e4? 1: 3,
                  magnitude / 1e3);
    return buf;
}

char *
table_cell (json_t *object, const column_t *column)
{
    json_t *value = json_object_get (object, column->key);
    char buf [128];
    if (!value || json_is_null (value))
        return strdup (column->kind == COL_TEXT? "": "-");
    switch (column->kind) {
        case COL_INT:
            snprintf (buf, sizeof buf, "%lld", (long long) json_integer_value (value));
            break;
        case COL_MS:
            snprintf (buf, sizeof buf, "%.3f", json_number_value (value));
            break;
        case COL_PERCENT:
            snprintf (buf, sizeof buf, "%.0f%%", json_number_value (value));
            break;
        case COL_AVAIL:
            snprintf (buf, sizeof buf, "%.3f%%", json_number_value (value));
            break;
        case COL_BPS: {
            double bps = json_number_value (value);
            const char *units [] = { "", "k", "M", "G", "T", "P" };
            int unit = 0;
            while (bps >= 1000 && unit < 5) {
                bps /= 1000;
                unit++;
            }
            snprintf (buf, sizeof buf, unit && bps < 10? "%.1f%s": "%.0f%s", bps, units [unit]);
            break;
        }
        case COL_RATE:
            snprintf (buf, sizeof buf, "%.2f", json_number_value (value));
            break;
        case COL_SPAN: {
            int64_t seconds = (int64_t) json_number_value (value);
            if (seconds >= 86400)
                snprintf (buf, sizeof buf, "%lldd%lldh", (long long) (seconds / 86400),
                          (long long) (seconds % 86400 / 3600));
            else
            if (seconds >= 3600)
                snprintf (buf, sizeof buf, "%lldh%lldm", (long long) (seconds / 3600),
                          (long long) (seconds % 3600 / 60));
            else
                snprintf (buf, sizeof buf, "%lldm%llds", (long long) (seconds / 60),
                          (long long) (seconds % 60));
            break;
        }
        case COL_MICROS:
        case COL_OFFSET:
            table_micros (json_integer_value (value), column->kind == COL_OFFSET, buf, sizeof buf);
            break;
        case COL_AGE:
            table_age (json_integer_value (value), buf, sizeof buf);
            break;
        case COL_TIME: {
            time_t seconds = (time_t) (json_integer_value (value) / 1000000);
            struct tm tm;
            gmtime_r (&seconds, &tm);
            int64_t ms = json_integer_value (value) / 1000 % 1000;
            size_t used = strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
            snprintf (buf + used, sizeof buf - used, ".%03dZ", (int) ms);
            break;
        }
        default:
            if (json_is_string (value))
                return strdup (json_string_value (value));
            if (json_is_boolean (value))
                return strdup (json_is_true (value)? "yes": "no");
            if (json_is_integer (value))
                snprintf (buf, sizeof buf, "%lld", (long long) json_integer_value (value));
            else
            if (json_is_real (value))
                snprintf (buf, sizeof buf, "%g", json_real_value (value));
            else
            if (json_is_array (value)) {
                //  a list of names: "hq,branch"
                buf [0] = 0;
                size_t index;
                json_t *item;
                json_array_foreach (value, index, item) {
                    size_t used = strlen (buf);
                    snprintf (buf + used, sizeof buf - used, "%s%s", index? ",": "",
                              json_is_string (item)? json_string_value (item): "?");
                }
            }
            else
                return json_dumps (value, JSON_COMPACT | JSON_SORT_KEYS);
    }
    return strdup (buf);
}

//  Display width of UTF-8 text: count of code points (good enough here)
static int
s_width (const char *text)
{
    int width = 0;
    for (; *text; text++)
        if (((unsigned char) *text & 0xC0) != 0x80)
            width++;
    return width;
}

status_class_t
status_class (const char *status)
{
    static const char *ok [] = { "up", "ok", "connected", "online", "cleared", "done", "active", NULL };
    static const char *bad [] = { "down", "failed", "critical", "major", "lost", "error", "revoked",
                                  "flapping", "timeout", "refused", "lowerLayerDown", "overdue", NULL };
    static const char *warn [] = { "unreachable", "minor", "warning", "late", "acked", "running",
                                   "pending", "suppressed", "loss", "stale", "enrolling", "no_model", NULL };
    if (!status)
        return STATUS_NONE;
    if (vd_word_in (status, ok))
        return STATUS_OK;
    if (vd_word_in (status, bad))
        return STATUS_BAD;
    if (vd_word_in (status, warn))
        return STATUS_WARN;
    return streq (status, "info")? STATUS_INFO: STATUS_NONE;
}

//  A status word's colour in a table on a terminal
static const char *
s_colour (const char *status)
{
    static const char *colours [] = { NULL, "\033[32m", "\033[33m", "\033[31m", "\033[36m" };
    return colours [status_class (status)];
}

static void
s_csv_field (const char *text)
{
    if (strpbrk (text, ",\"\n")) {
        putchar ('"');
        for (const char *c = text; *c; c++) {
            if (*c == '"')
                putchar ('"');
            putchar (*c);
        }
        putchar ('"');
    }
    else
        fputs (text, stdout);
}

void
table_print (json_t *list, const column_t *columns, bool csv)
{
    int ncols = 0;
    while (columns [ncols].key)
        ncols++;
    size_t nrows = json_array_size (list);
    char **cells = calloc ((nrows + 1) * (size_t) ncols, sizeof (char *));
    int *widths = calloc ((size_t) ncols, sizeof (int));
    for (int c = 0; c < ncols; c++) {
        cells [c] = strdup (columns [c].header);
        widths [c] = s_width (cells [c]);
    }
    for (size_t r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            char *cell = table_cell (json_array_get (list, r), &columns [c]);
            cells [(r + 1) * (size_t) ncols + (size_t) c] = cell;
            if (s_width (cell) > widths [c])
                widths [c] = s_width (cell);
        }
    if (csv) {
        //  numbers as they are (a spreadsheet adds up 2858000, not 2.86M)
        for (size_t r = 0; r <= nrows; r++) {
            for (int c = 0; c < ncols; c++) {
                if (c)
                    putchar (',');
                json_t *value = r? json_object_get (json_array_get (list, r - 1), columns [c].key): NULL;
                char number [32];
                if (json_is_integer (value) && columns [c].kind != COL_TIME)
                    snprintf (number, sizeof number, "%lld", (long long) json_integer_value (value));
                else
                if (json_is_real (value))
                    snprintf (number, sizeof number, "%.15g", json_real_value (value));
                s_csv_field (r == 0? columns [c].key
                           : json_is_number (value) && !(json_is_integer (value) && columns [c].kind == COL_TIME)
                           ? number: cells [r * (size_t) ncols + (size_t) c]);
            }
            putchar ('\n');
        }
    }
    else {
        bool tty = isatty (STDOUT_FILENO);
        bool colour = tty && !getenv ("NO_COLOR");
        int limit = 0;
        struct winsize size;
        if (tty && ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
            limit = size.ws_col;
        //  shrink the widest column until the table fits
        while (limit) {
            int total = 0, widest = 0;
            for (int c = 0; c < ncols; c++) {
                total += widths [c] + (c? 2: 0);
                if (widths [c] > widths [widest])
                    widest = c;
            }
            if (total <= limit || widths [widest] <= 6)
                break;
            widths [widest]--;
        }
        for (size_t r = 0; r <= nrows; r++) {
            for (int c = 0; c < ncols; c++) {
                const char *cell = cells [r * (size_t) ncols + (size_t) c];
                int width = s_width (cell);
                const char *tint = r && colour && columns [c].kind == COL_STATUS? s_colour (cell): NULL;
                if (r == 0 && colour)
                    fputs ("\033[1m", stdout);
                if (tint)
                    fputs (tint, stdout);
                if (width > widths [c]) {
                    //  cut, counting code points, and mark it
                    int shown = 0;
                    const char *p = cell;
                    for (; *p && shown < widths [c] - 1; p++)
                        if (((unsigned char) p [1] & 0xC0) != 0x80)
                            shown++;
                    fwrite (cell, 1, (size_t) (p - cell), stdout);
                    fputs ("…", stdout);
                    width = widths [c];
                }
                else
                    fputs (cell, stdout);
                if (tint || (r == 0 && colour))
                    fputs ("\033[0m", stdout);
                if (c < ncols - 1)
                    printf ("%*s", widths [c] - width + 2, "");
            }
            putchar ('\n');
        }
    }
    for (size_t i = 0; i < (nrows + 1) * (size_t) ncols; i++)
        free (cells [i]);
    free (cells);
    free (widths);
}
