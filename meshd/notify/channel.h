/*  meshd/notify/channel.h: a delivery in flight, and the kinds of
    channel that deliver it, a file each:
        email.c     SMTP with libcurl, STARTTLS when the server offers it
        webhook.c   a JSON POST with libcurl
        exec.c      a command (no shell), the alarm in its environment and
                    as JSON on its standard input
    notify.c starts them, runs them all at once, and finishes them.        */
#ifndef MESHD_NOTIFY_CHANNEL_H_INCLUDED
#define MESHD_NOTIFY_CHANNEL_H_INCLUDED

#include "meshd.h"
#include <curl/curl.h>
#include <sys/types.h>

typedef struct {
    int64_t id;                 //  notification
    int64_t alarm_id;
    int64_t route_id;
    int attempts;               //  before this one
    char kind [16];
    char channel [64];
    int64_t started_us;
    int64_t deadline_ms;        //  monotonic
    CURL *curl;
    struct curl_slist *headers;
    struct curl_slist *recipients;
    char *payload;
    size_t payload_size, payload_sent;
    char error [CURL_ERROR_SIZE];
    pid_t pid;                  //  exec
} job_t;

//  Sets up job->curl (made, common options set) for the channel; 0, or -1
//  with job->error set. payload: {kind, notification, channel, attempt,
//  alarm}; from: the sender when the channel names none.
int email_prepare (job_t *job, json_t *params, json_t *payload, const char *from);
int webhook_prepare (job_t *job, json_t *params, json_t *payload);
//  Starts the command of an exec channel (job->pid); 0, or -1 with
//  job->error set
int exec_start (job_t *job, json_t *params, json_t *payload);

#endif
