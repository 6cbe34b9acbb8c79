/*  probe/backup/expect.c: logging in and fetching over an interactive
    shell, as a state machine fed with what the device sends.

        login   --(prompt)-->                 setup (or fetch)
        login   --(unprivileged prompt)-->    enable  (sends login/enable)
        enable  --(password prompt)-->        secret  (sends the enable secret)
        enable, secret --(prompt)-->          setup
        enable, secret --(unprivileged)-->    failed: enable
        setup   --(prompt)--> next setup command, then fetch
        fetch   --(prompt)--> next fetch command, then done
        any     --(pager)-->  sends login/more_key, drops the pager's line

    The prompt is the last line, the one not yet ended. The first one seen
    (when the device has gone quiet, so a banner's line that is cut short
    is not taken for it) is learned; after that the exact same line ends a
    command at once. A prompt that only matches the pattern (the mode
    changed) ends it when the device is quiet.                          */
#include "backup/backup.h"

#define LINE_MAX_PROMPT     256

typedef enum { STAGE_LOGIN, STAGE_ENABLE, STAGE_SECRET, STAGE_SETUP, STAGE_FETCH, STAGE_DONE } stage_t;
static const char *s_stage_names [] = { "login", "enable", "enable", "setup", "fetch", "done" };

struct _expect_t {
    const vd_backup_model_t *model;
    size_t max;
    stage_t stage;
    int next;                   //  the next setup or fetch command
    const char *command;        //  the command running, for its echo
    char prompt [LINE_MAX_PROMPT];
    zchunk_t *pending;          //  received since the last command was sent
    zchunk_t *output;           //  the fetch commands' output
    char *text;                 //  what to send
    const char *reason;
    char error [256];
};

expect_t *
expect_new (const vd_backup_model_t *model, size_t max)
{
    expect_t *self = (expect_t *) zmalloc (sizeof (expect_t));
    self->model = model;
    self->max = max;
    self->pending = zchunk_new (NULL, 4096);
    self->output = zchunk_new (NULL, 65536);
    return self;
}

void
expect_destroy (expect_t **self_p)
{
    expect_t *self = *self_p;
    if (!self)
        return;
    zchunk_destroy (&self->pending);
    zchunk_destroy (&self->output);
    free (self->text);
    free (self);
    *self_p = NULL;
}

static expect_step_t
s_fail (expect_t *self, const char *reason, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    self->reason = reason;
    return EXPECT_FAIL;
}

static expect_step_t
s_send (expect_t *self, const char *command, bool newline)
{
    free (self->text);
    self->text = zsys_sprintf ("%s%s", command, newline? "\n": "");
    zchunk_set (self->pending, NULL, 0);
    return EXPECT_SEND;
}

//  Where the last line begins in the pending text
static size_t
s_last_line (expect_t *self)
{
    const char *data = (const char *) zchunk_data (self->pending);
    size_t size = zchunk_size (self->pending);
    size_t at = size;
    while (at && data [at - 1] != '\n')
        at--;
    return at;
}

//  The next command: setup ones, then fetch ones, then done
static expect_step_t
s_next (expect_t *self)
{
    const vd_backup_model_t *model = self->model;
    if (self->stage < STAGE_SETUP)
        self->stage = STAGE_SETUP, self->next = 0;
    if (self->stage == STAGE_SETUP && self->next >= model->setup_count)
        self->stage = STAGE_FETCH, self->next = 0;
    if (self->stage == STAGE_SETUP)
        return s_send (self, self->command = model->setup [self->next++], true);
    if (self->next < model->command_count)
        return s_send (self, self->command = model->commands [self->next++], true);
    self->stage = STAGE_DONE;
    free (self->text);
    self->text = zsys_sprintf ("%s%s", model->exit? model->exit: "", model->exit? "\n": "");
    return EXPECT_DONE;
}

//  A copy of length bytes, NUL bytes and all, with a NUL after them
static char *
s_copy (const char *data, size_t length)
{
    char *copy = (char *) malloc (length + 1);
    memcpy (copy, data, length);
    copy [length] = 0;
    return copy;
}

//  A fetch command's output (pending up to its prompt): the echo of the
//  command left out; a line the model calls an error fails the backup
static expect_step_t
s_collect (expect_t *self, size_t prompt_at)
{
    char *data = (char *) zchunk_data (self->pending);
    size_t start = 0;
    const char *newline = memchr (data, '\n', prompt_at);
    if (newline) {
        size_t length = (size_t) (newline - data);
        char *first = s_copy (data, length);
        backup_line_clean (first, length);
        const char *echo = strstr (first, self->command);
        if (echo && strlen (echo) == strlen (self->command))
            start = length + 1;
        free (first);
    }
    for (size_t at = start; at < prompt_at; ) {
        const char *end = memchr (data + at, '\n', prompt_at - at);
        size_t length = end? (size_t) (end - data - at): prompt_at - at;
        char *line = s_copy (data + at, length);
        backup_line_clean (line, length);
        bool error = vd_patterns_match (&self->model->error, line, NULL, 0);
        if (error)
            s_fail (self, "command", "%s: %s", self->command, line);
        free (line);
        if (error)
            return EXPECT_FAIL;
        at += length + 1;
    }
    zchunk_extend (self->output, data + start, prompt_at - start);
    return EXPECT_WAIT;
}

expect_step_t
expect_feed (expect_t *self, const char *data, size_t size)
{
    const vd_backup_model_t *model = self->model;
    if (self->stage == STAGE_DONE)
        return EXPECT_DONE;
    if (size) {
        if (zchunk_size (self->pending) + zchunk_size (self->output) + size > self->max)
            return s_fail (self, "too_large", "more than %zu bytes", self->max);
        zchunk_extend (self->pending, data, size);
    }
    size_t at = s_last_line (self);
    size_t length = zchunk_size (self->pending) - at;
    if (length >= LINE_MAX_PROMPT)
        return EXPECT_WAIT;         //  no prompt is this long
    char last [LINE_MAX_PROMPT];
    memcpy (last, zchunk_data (self->pending) + at, length);
    last [length] = 0;
    length = backup_line_clean (last, length);
    if (!length)
        return EXPECT_WAIT;
    bool quiet = size == 0;
    if (vd_patterns_match (&model->more, last, NULL, 0)) {
        //  the pager's line is not output; the text before it is kept
        zchunk_t *kept = zchunk_new (zchunk_data (self->pending), at);
        zchunk_destroy (&self->pending);
        self->pending = kept;
        free (self->text);
        self->text = strdup (model->more_key? model->more_key: " ");
        return EXPECT_SEND;
    }
    bool exact = *self->prompt && streq (last, self->prompt);
    bool prompt = exact || (quiet && vd_patterns_match (&model->prompt, last, NULL, 0));
    bool unprivileged = quiet && vd_patterns_match (&model->unprivileged, last, NULL, 0);
    switch (self->stage) {
        case STAGE_LOGIN:
            if (prompt) {
                snprintf (self->prompt, sizeof self->prompt, "%s", last);
                return s_next (self);
            }
            if (unprivileged) {
                self->stage = STAGE_ENABLE;
                return s_send (self, model->enable, true);
            }
            return EXPECT_WAIT;
        case STAGE_ENABLE:
        case STAGE_SECRET:
            if (vd_patterns_match (&model->password, last, NULL, 0)) {
                if (self->stage == STAGE_SECRET)
                    return s_fail (self, "enable", "the enable secret was refused");
                self->stage = STAGE_SECRET;
                zchunk_set (self->pending, NULL, 0);
                return EXPECT_SEND_SECRET;
            }
            if (prompt && !unprivileged) {
                snprintf (self->prompt, sizeof self->prompt, "%s", last);
                return s_next (self);
            }
            if (unprivileged && self->stage == STAGE_SECRET)
                return s_fail (self, "enable", "the enable secret was refused");
            if (unprivileged)
                return s_fail (self, "enable", "still unprivileged after %s (%s)", model->enable, last);
            return EXPECT_WAIT;
        case STAGE_SETUP:
        case STAGE_FETCH:
            if (!prompt)
                return EXPECT_WAIT;
            if (!exact)             //  the mode changed: this is the prompt now
                snprintf (self->prompt, sizeof self->prompt, "%s", last);
            if (self->stage == STAGE_FETCH && s_collect (self, at) == EXPECT_FAIL)
                return EXPECT_FAIL;
            return s_next (self);
        case STAGE_DONE:
            break;
    }
    return EXPECT_DONE;
}

const char *
expect_text (expect_t *self)
{
    return self->text? self->text: "";
}

const char *
expect_reason (expect_t *self)
{
    return self->reason? self->reason: "";
}

const char *
expect_error (expect_t *self)
{
    return self->error;
}

const char *
expect_output (expect_t *self, size_t *size)
{
    *size = zchunk_size (self->output);
    return (const char *) zchunk_data (self->output);
}

const char *
expect_stage (expect_t *self)
{
    return s_stage_names [self->stage];
}
