/*  meshd/notify/channel.h: a delivery in flight, and the kinds of
    channel that deliver it, a file each:
        email.c     SMTP with libcurl, STARTTLS when the server offers it
        webhook.c   a JSON POST with libcurl
        exec.c      a command (no shell), the alarm in its environment and
                    as JSON on its standard input
    notify.c starts them, runs them all at once, and finishes them; send.c
    sends one message now (scheduled reports).                             */
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

//  Makes job->curl for a channel of kind email or webhook, with the common
//  options (error buffer, timeouts) and the channel's (below); 0, or -1
//  with job->error set
int channel_curl (job_t *job, const char *kind, json_t *params, json_t *payload, const char *from,
                  int64_t timeout_ms);
//  Sends one message now by an email or webhook channel, waiting up to
//  timeout_ms: payload as for the prepare functions. 0, or -1 with error
//  (CURL_ERROR_SIZE + 64 bytes) set.
int channel_send_now (const char *kind, json_t *params, json_t *payload, const char *from,
                      int64_t timeout_ms, char *error);
//  The sender of mails: notify/from, or vedette@HOSTNAME (caller frees)
char *channel_from (meshd_t *meshd);

//  Sets up job->curl (made, common options set) for the channel; 0, or -1
//  with job->error set. payload: {kind, notification, channel, attempt,
//  alarm}, or {mail}: a whole message (RFC 5322) to send as it is; from:
//  the sender when the channel names none.
int email_prepare (job_t *job, json_t *params, json_t *payload, const char *from);
int webhook_prepare (job_t *job, json_t *params, json_t *payload);
//  Starts the command of an exec channel (job->pid); 0, or -1 with
//  job->error set
int exec_start (job_t *job, json_t *params, json_t *payload);

#endif
