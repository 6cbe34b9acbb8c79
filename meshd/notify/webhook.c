/*  meshd/notify/webhook.c: a webhook channel: the notification as JSON,
    POSTed with libcurl to the channel's URL; a 2xx answer is delivered.  */
#include "channel.h"

static size_t
s_discard (char *buffer, size_t size, size_t items, void *arg)
{
    (void) buffer;
    (void) arg;
    return size * items;
}

int
webhook_prepare (job_t *job, json_t *params, json_t *payload)
{
    CURL *curl = job->curl;
    const char *url = json_string_value (json_object_get (params, "url"));
    if (!url) {
        snprintf (job->error, sizeof job->error, "the channel has no url");
        return -1;
    }
    job->payload = json_dumps (payload, JSON_COMPACT);
    job->payload_size = strlen (job->payload);
    job->headers = curl_slist_append (job->headers, "Content-Type: application/json");
    job->headers = curl_slist_append (job->headers, "User-Agent: vedette-meshd/" VD_VERSION);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, job->headers);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, job->payload);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) job->payload_size);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_discard);
    return 0;
}
