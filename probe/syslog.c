/*  probe/syslog.c: one syslog message from untrusted bytes. Every field is
    bounded; the message is made valid UTF-8 (bad bytes become U+FFFD,
    control characters a space), so nothing downstream sees raw binary.

    RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG
    RFC 3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG, leniently: gear that
    leaves out the host or writes its own time keeps the rest as message.  */
#include "syslog.h"
#include <time.h>

static const char *s_severities [] = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

const char *
syslog_severity_name (int severity)
{
    return severity >= 0 && severity < 8? s_severities [severity]: "?";
}

//  The next space-separated token of at most max-1 bytes into buf; "-" is
//  the RFC 5424 nil value. Returns false if there is none.
static bool
s_token (const char **p, const char *end, char *buf, size_t max)
{
    const char *start = *p;
    while (*p < end && **p != ' ')
        (*p)++;
    size_t length = (size_t) (*p - start);
    if (length == 0)
        return false;
    if (*p < end)
        (*p)++;                 //  the space
    if (length == 1 && *start == '-')
        length = 0;
    if (length >= max)
        length = max - 1;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char) start [i];
        buf [i] = c > 0x20 && c < 0x7F? (char) c: '?';      //  PRINTUSASCII only
    }
    buf [length] = 0;
    return true;
}

static int
s_digits (const char *p, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (!isdigit ((unsigned char) p [i]))
            return -1;
        value = value * 10 + p [i] - '0';
    }
    return value;
}

//  RFC 3339: 2026-11-21T10:00:00[.123456](Z|+hh:mm)
static int64_t
s_rfc3339 (const char *text)
{
    size_t length = strlen (text);
    if (length < 20 || text [4] != '-' || text [7] != '-' || text [10] != 'T'
    ||  text [13] != ':' || text [16] != ':')
        return 0;
    struct tm tm = { 0 };
    tm.tm_year = s_digits (text, 4) - 1900;
    tm.tm_mon = s_digits (text + 5, 2) - 1;
    tm.tm_mday = s_digits (text + 8, 2);
    tm.tm_hour = s_digits (text + 11, 2);
    tm.tm_min = s_digits (text + 14, 2);
    tm.tm_sec = s_digits (text + 17, 2);
    if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31
    ||  tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59
    ||  tm.tm_sec < 0 || tm.tm_sec > 60)
        return 0;
    const char *p = text + 19;
    int64_t fraction = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; isdigit ((unsigned char) *p); p++, digits++)
            if (digits < 6)
                fraction = fraction * 10 + (*p - '0');
        if (digits == 0)
            return 0;
        for (; digits < 6; digits++)
            fraction *= 10;
    }
    int offset = 0;
    if ((*p == '+' || *p == '-') && strlen (p) == 6) {
        int hours = s_digits (p + 1, 2), minutes = s_digits (p + 4, 2);
        if (p [3] != ':' || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || p [6])
            return 0;
        offset = (hours * 60 + minutes) * 60 * (*p == '+'? 1: -1);
    }
    else
    if (!(p [0] == 'Z' && p [1] == 0))
        return 0;
    return ((int64_t) timegm (&tm) - offset) * 1000000 + fraction;
}

//  RFC 3164: "Mmm dd hh:mm:ss" (day space-padded); the year is guessed from
//  now: a date more than a month ahead is last year's
static int64_t
s_rfc3164 (const char *p, const char *end, int64_t now_us)
{
    static const char *months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (end - p < 15 || p [3] != ' ' || p [6] != ' ' || p [9] != ':' || p [12] != ':')
        return 0;
    const char *month = NULL;
    for (int i = 0; i < 12; i++)
        if (memcmp (p, months + i * 3, 3) == 0)
            month = months + i * 3;
    if (!month)
        return 0;
    struct tm tm = { 0 };
    tm.tm_mon = (int) (month - months) / 3;
    tm.tm_mday = p [4] == ' '? s_digits (p + 5, 1): s_digits (p + 4, 2);
    tm.tm_hour = s_digits (p + 7, 2);
    tm.tm_min = s_digits (p + 10, 2);
    tm.tm_sec = s_digits (p + 13, 2);
    if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23
    ||  tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
        return 0;
    time_t now = (time_t) (now_us / 1000000);
    struct tm today;
    gmtime_r (&now, &today);
    tm.tm_year = today.tm_year;
    int64_t when = (int64_t) timegm (&tm);
    if (when > (int64_t) now + 31 * 86400) {
        tm.tm_year--;
        when = (int64_t) timegm (&tm);
    }
    return when * 1000000;
}

int
syslog_parse (const char *data, size_t size, int64_t now_us, syslog_msg_t *msg)
{
    memset (msg, 0, sizeof *msg);
    const char *p = data, *end = data + size;
    //  framing left over: trailing newlines and NULs
    while (end > p && (end [-1] == '\n' || end [-1] == '\r' || end [-1] == 0))
        end--;
    if (end - p < 3 || *p != '<')
        return -1;
    int pri = 0, digits = 0;
    for (p++; p < end && isdigit ((unsigned char) *p) && digits < 4; p++, digits++)
        pri = pri * 10 + (*p - '0');
    if (digits == 0 || digits > 3 || p >= end || *p != '>' || pri > 191
    ||  (digits > 1 && data [1] == '0'))
        return -1;
    p++;
    msg->facility = pri / 8;
    msg->severity = pri % 8;
    if (end - p >= 2 && p [0] == '1' && p [1] == ' ') {
        //  RFC 5424
        msg->version = 1;
        p += 2;
        char timestamp [64];
        if (s_token (&p, end, timestamp, sizeof timestamp) && *timestamp)
            msg->ts_us = s_rfc3339 (timestamp);
        s_token (&p, end, msg->host, sizeof msg->host);
        s_token (&p, end, msg->app, sizeof msg->app);
        s_token (&p, end, msg->procid, sizeof msg->procid);
        s_token (&p, end, msg->msgid, sizeof msg->msgid);
        //  structured data: "-" or [elements], skipped with their escapes
        if (p < end && *p == '-')
            p++;
        else
        while (p < end && *p == '[') {
            for (p++; p < end && *p != ']'; p++)
                if (*p == '\\' && p + 1 < end)
                    p++;
                else
                if (*p == '"') {
                    for (p++; p < end && *p != '"'; p++)
                        if (*p == '\\' && p + 1 < end)
                            p++;
                    if (p == end)
                        break;  //  an unterminated value: the rest is lost
                }
            if (p < end)
                p++;            //  the ]
        }
        if (p < end && *p == ' ')
            p++;
        if (end - p >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;             //  the BOM
    }
    else {
        //  RFC 3164
        msg->ts_us = s_rfc3164 (p, end, now_us);
        if (msg->ts_us) {
            p += 15;
            if (p < end && *p == ' ')
                p++;
            //  a host is a token followed by a space that is not a tag
            const char *space = p < end? (const char *) memchr (p, ' ', (size_t) (end - p)): NULL;
            if (space && space > p && space [-1] != ':' && space [-1] != ']'
            &&  space - p < (ptrdiff_t) sizeof msg->host)
                s_token (&p, end, msg->host, sizeof msg->host);
        }
        //  TAG[PID]: up to 48 tag characters
        const char *q = p;
        while (q < end && q - p < 48 && (isalnum ((unsigned char) *q) || strchr ("-_./%", *q)))
            q++;
        const char *tag_end = q;
        const char *pid = NULL, *pid_end = NULL;
        if (q < end && *q == '[') {
            pid = q + 1;
            for (q++; q < end && q - pid < 128 && isdigit ((unsigned char) *q); q++)
                ;
            pid_end = q;
            if (q < end && *q == ']')
                q++;
            else
                pid = NULL;
        }
        if (q > p && tag_end > p && q < end && *q == ':') {
            snprintf (msg->app, sizeof msg->app, "%.*s", (int) (tag_end - p), p);
            if (pid)
                snprintf (msg->procid, sizeof msg->procid, "%.*s", (int) (pid_end - pid), pid);
            p = q + 1;
            if (p < end && *p == ' ')
                p++;
        }
    }
    msg->message = vd_utf8_clean (p, (size_t) (end - p), SYSLOG_MAX_MESSAGE, &msg->truncated);
    return 0;
}

void
syslog_msg_free (syslog_msg_t *msg)
{
    free (msg->message);
    msg->message = NULL;
}
