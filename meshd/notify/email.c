/*  meshd/notify/email.c: an email channel: a plain-text mail with the
    alarm's facts (or a mail made by its caller: a scheduled report), over
    SMTP with libcurl (STARTTLS when the server offers it), to each address
    of the channel's list.                                                 */
#include "channel.h"
#include <time.h>

static size_t
s_read_payload (char *buffer, size_t size, size_t items, void *arg)
{
    job_t *job = (job_t *) arg;
    size_t room = size * items;
    size_t left = job->payload_size - job->payload_sent;
    size_t n = left < room? left: room;
    memcpy (buffer, job->payload + job->payload_sent, n);
    job->payload_sent += n;
    return n;
}

//  The subject line: "[vedette] MAJOR core1/icmp.rtt: icmp.rtt 63 ms above 50 ms"
static char *
s_subject (const char *kind, json_t *alarm)
{
    const char *severity = json_string_value (json_object_get (alarm, "severity"));
    char upper [16] = "";
    for (int i = 0; severity && severity [i] && i < 15; i++)
        upper [i] = (char) toupper ((unsigned char) severity [i]);
    const char *what = streq (kind, "recovery")? "RECOVERED"
                     : streq (kind, "flapping")? "FLAPPING"
                     : streq (kind, "escalation")? "ESCALATED"
                     : streq (kind, "repeat")? "REMINDER": upper;
    return zsys_sprintf ("[vedette] %s%s%s %s: %s", what,
        streq (what, upper)? "": " ", streq (what, upper)? "": upper,
        json_string_value (json_object_get (alarm, "object")),
        json_string_value (json_object_get (alarm, "message")));
}

static char *
s_mail (job_t *job, json_t *params, json_t *alarm, const char *default_from)
{
    char *subject = s_subject (job->kind, alarm);
    char date [64];
    time_t now = time (NULL);
    struct tm utc;
    gmtime_r (&now, &utc);
    strftime (date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);
    const char *from = json_string_value (json_object_get (params, "from"));
    char first [64], last [64];
    time_t first_s = (time_t) (json_integer_value (json_object_get (alarm, "first_us")) / 1000000);
    time_t last_s = (time_t) (json_integer_value (json_object_get (alarm, "last_us")) / 1000000);
    strftime (first, sizeof first, "%Y-%m-%d %H:%M:%S %Z", localtime_r (&first_s, &utc));
    strftime (last, sizeof last, "%Y-%m-%d %H:%M:%S %Z", localtime_r (&last_s, &utc));
    const char *to = json_string_value (json_object_get (params, "to"));
    const char *device = json_string_value (json_object_get (alarm, "device"));
    const char *site = json_string_value (json_object_get (alarm, "site"));
    char *mail = zsys_sprintf (
        "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
        "Message-ID: <vedette.%lld.%lld@%s>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "%s\r\n\r\n"
        "Alarm:     %lld (%s)\r\nRule:      %s\r\nSeverity:  %s\r\nObject:    %s\r\n"
        "Device:    %s\r\nSite:      %s\r\nFirst:     %s\r\nLast:      %s\r\nCount:     %lld\r\n"
        "\r\nvedette alarm show %lld\r\n",
        date, from? from: default_from, to, subject,
        (long long) job->id, (long long) job->attempts, "vedette",
        json_string_value (json_object_get (alarm, "message")),
        (long long) json_integer_value (json_object_get (alarm, "id")),
        json_string_value (json_object_get (alarm, "state")),
        json_string_value (json_object_get (alarm, "rule")),
        json_string_value (json_object_get (alarm, "severity")),
        json_string_value (json_object_get (alarm, "object")),
        device? device: "-", site? site: "-", first, last,
        (long long) json_integer_value (json_object_get (alarm, "count")),
        (long long) json_integer_value (json_object_get (alarm, "id")));
    free (subject);
    return mail;
}

int
email_prepare (job_t *job, json_t *params, json_t *payload, const char *default_from)
{
    CURL *curl = job->curl;
    json_t *alarm = json_object_get (payload, "alarm");
    const char *from = json_string_value (json_object_get (params, "from"));
    const char *to = json_string_value (json_object_get (params, "to"));
    const char *smtp = json_string_value (json_object_get (params, "smtp"));
    if (!to || !smtp) {
        snprintf (job->error, sizeof job->error, "the channel has no smtp or to");
        return -1;
    }
    char *sender = zsys_sprintf ("<%s>", from? from: default_from);
    const char *mail = json_string_value (json_object_get (payload, "mail"));
    job->payload = mail? strdup (mail): s_mail (job, params, alarm, default_from);
    job->payload_size = strlen (job->payload);
    char *list = strdup (to);
    for (char *save = NULL, *one = strtok_r (list, ", ", &save); one;
         one = strtok_r (NULL, ", ", &save)) {
        char *address = zsys_sprintf ("<%s>", one);
        job->recipients = curl_slist_append (job->recipients, address);
        free (address);
    }
    free (list);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt (curl, CURLOPT_URL, smtp);
    curl_easy_setopt (curl, CURLOPT_MAIL_FROM, sender);
    curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, job->recipients);
    curl_easy_setopt (curl, CURLOPT_USE_SSL, (long) CURLUSESSL_TRY);
    curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt (curl, CURLOPT_READFUNCTION, s_read_payload);
    curl_easy_setopt (curl, CURLOPT_READDATA, job);
    curl_easy_setopt (curl, CURLOPT_INFILESIZE, (long) job->payload_size);
    free (sender);
    return 0;
}
