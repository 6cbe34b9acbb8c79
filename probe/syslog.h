/*  probe/syslog.h: parsing one syslog message, RFC 5424 or RFC 3164 (the
    BSD format most network gear still sends), from untrusted bytes.        */
#ifndef PROBE_SYSLOG_H_INCLUDED
#define PROBE_SYSLOG_H_INCLUDED

#include "vedette.h"
#include <stdbool.h>

#define SYSLOG_MAX_MESSAGE  8192    //  longer messages are cut (and say so)

typedef struct {
    int facility;               //  0..23
    int severity;               //  0 (emerg) .. 7 (debug)
    int version;                //  1 for RFC 5424, 0 for RFC 3164
    int64_t ts_us;              //  the sender's time, 0 if none or unreadable
    char host [256];            //  "" if none
    char app [49];              //  APP-NAME or TAG
    char procid [129];
    char msgid [33];
    char *message;              //  valid UTF-8 (bad bytes become U+FFFD); caller frees
    bool truncated;             //  the message was longer than SYSLOG_MAX_MESSAGE
} syslog_msg_t;

//  Parses a message (no trailing newline needed). now_us gives the year of
//  an RFC 3164 timestamp. Returns 0, or -1 if it is not syslog at all (no
//  valid <PRI>, or empty). Fills msg; syslog_msg_free releases it.
int syslog_parse (const char *data, size_t size, int64_t now_us, syslog_msg_t *msg);
void syslog_msg_free (syslog_msg_t *msg);
//  Severity names: "emerg" .. "debug".
const char *syslog_severity_name (int severity);

#endif
