/*  meshd/notify/send.c: a channel's transfer set up (shared with notify.c),
    and one message sent now, waiting for it: what a scheduled report
    does, outside the notification outbox.                                  */
#include "notify/channel.h"
#include <unistd.h>

int
channel_curl (job_t *job, const char *kind, json_t *params, json_t *payload, const char *from,
              int64_t timeout_ms)
{
    job->curl = curl_easy_init ();
    if (!job->curl) {
        snprintf (job->error, sizeof job->error, "cannot make a transfer");
        return -1;
    }
    CURL *curl = job->curl;
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, job->error);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    if (streq (kind, "email"))
        return email_prepare (job, params, payload, from);
    if (streq (kind, "webhook"))
        return webhook_prepare (job, params, payload);
    snprintf (job->error, sizeof job->error, "a %s channel cannot take this", kind);
    return -1;
}

int
channel_send_now (const char *kind, json_t *params, json_t *payload, const char *from,
                  int64_t timeout_ms, char *error)
{
    job_t job;
    memset (&job, 0, sizeof job);
    int rc = channel_curl (&job, kind, params, payload, from, timeout_ms);
    if (rc == 0) {
        CURLcode code = curl_easy_perform (job.curl);
        long status = 0;
        curl_easy_getinfo (job.curl, CURLINFO_RESPONSE_CODE, &status);
        if (code != CURLE_OK) {
            snprintf (error, CURL_ERROR_SIZE + 64, "%s", *job.error? job.error: curl_easy_strerror (code));
            rc = -1;
        }
        else
        if (job.headers && (status < 200 || status > 299)) {
            snprintf (error, CURL_ERROR_SIZE + 64, "HTTP %ld", status);
            rc = -1;
        }
    }
    else
        snprintf (error, CURL_ERROR_SIZE + 64, "%s", job.error);
    if (job.curl)
        curl_easy_cleanup (job.curl);
    curl_slist_free_all (job.headers);
    curl_slist_free_all (job.recipients);
    free (job.payload);
    return rc;
}

char *
channel_from (meshd_t *meshd)
{
    const char *from = vd_config_str (meshd->config, "notify/from");
    char host [256] = "localhost";
    gethostname (host, sizeof host - 1);
    return *from? strdup (from): zsys_sprintf ("vedette@%s", host);
}
