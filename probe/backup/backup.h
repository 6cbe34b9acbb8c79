/*  probe/backup: configuration backups. The actor (actor.c) keeps each
    device's schedule and runs at most backup/workers fetches at once, each
    in a thread of its own (fetch.c: libssh, blocking with deadlines). A
    shell-mode fetch is driven by the prompt and pager state machine
    (expect.c); what it collected is cleaned (clean.c) before it leaves
    the probe, so secrets and noise never reach meshd.                    */
#ifndef PROBE_BACKUP_H_INCLUDED
#define PROBE_BACKUP_H_INCLUDED

#include "probe.h"
#include "vd_backup_model.h"

//  -- clean.c: what the device printed, as the configuration to keep

//  One line as a terminal shows it: what is written after a backspace,
//  a carriage return or a cursor move to the left overwrites what was
//  there (how pagers erase themselves: "\b\b\b   \b\b\b", "\r     \r",
//  ESC [ K), other ANSI escape sequences removed, trailing white space
//  dropped. In place; returns the new length.
size_t backup_line_clean (char *line, size_t length);
//  The configuration from what the fetch commands printed: each line
//  cleaned, the model's drop lines left out, its secrets hidden, blank
//  lines at either end removed. NULL with *reason if it is binary (NUL or
//  other control bytes, invalid UTF-8). Caller frees.
char *backup_clean (const vd_backup_model_t *model, const char *raw, size_t size, const char **reason);

//  -- expect.c: logging in and fetching over an interactive shell

typedef enum {
    EXPECT_WAIT,                //  read more (or tell it the device went quiet)
    EXPECT_SEND,                //  send expect_text ()
    EXPECT_SEND_SECRET,         //  send the enable secret and a newline
    EXPECT_DONE,                //  expect_output () is the fetch commands' output;
                                //  send expect_text () (the exit command) if not empty
    EXPECT_FAIL                 //  expect_reason (), expect_error ()
} expect_step_t;

typedef struct _expect_t expect_t;

//  A session for the model; output beyond max bytes fails as too_large.
expect_t *expect_new (const vd_backup_model_t *model, size_t max);
void expect_destroy (expect_t **self_p);
//  Takes what the device sent; size 0 says it has been quiet a while (a
//  prompt that only the pattern recognises is taken when quiet, so a line
//  ending in # inside a configuration is not mistaken for one).
expect_step_t expect_feed (expect_t *self, const char *data, size_t size);
const char *expect_text (expect_t *self);
//  On EXPECT_FAIL: the reason (enable, command, too_large) and what was seen.
const char *expect_reason (expect_t *self);
const char *expect_error (expect_t *self);
//  On EXPECT_DONE: what the fetch commands printed, echo and prompts removed.
const char *expect_output (expect_t *self, size_t *size);
//  What it waits for now, for a "no prompt" message: "login", "enable",
//  "setup", "fetch".
const char *expect_stage (expect_t *self);

//  -- fetch.c: one backup over SSH, in a thread of its own

//  The actor's fetch thread; args is the job's JSON text (holds secrets:
//  the thread wipes and frees it). Sends the result's JSON on its pipe.
void backup_fetch_actor (zsock_t *pipe, void *args);

#endif
