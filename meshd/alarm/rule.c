/*  meshd/alarm/rule.c: a rule's definition and the threshold state machine.

    A metric rule raises when `count` samples in a row breach the threshold
    (value above `above`, or below `below`) and the breach has lasted at
    least `duration`; it clears when a sample is past the clear value (which
    defaults to the threshold itself: a separate clear value is hysteresis).
    Samples of a lost echo carry no value and move nothing.                  */
#include "alarm/rule.h"
#include <fnmatch.h>

static char *
s_text (sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text (stmt, column);
    return text? strdup ((const char *) text): NULL;
}

int
rule_load (rule_t *self, sqlite3_stmt *stmt)
{
    memset (self, 0, sizeof *self);
    self->id = sqlite3_column_int64 (stmt, 0);
    snprintf (self->name, sizeof self->name, "%s", sqlite3_column_text (stmt, 1));
    const char *kind = (const char *) sqlite3_column_text (stmt, 2);
    self->kind = streq (kind, "metric")? RULE_METRIC: streq (kind, "event")? RULE_EVENT: RULE_STATE;
    snprintf (self->severity, sizeof self->severity, "%s", sqlite3_column_text (stmt, 3));
    self->metric = s_text (stmt, 4);
    self->has_above = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
    self->above = sqlite3_column_double (stmt, 5);
    self->has_below = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
    self->below = sqlite3_column_double (stmt, 6);
    self->has_clear = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
    self->clear = sqlite3_column_double (stmt, 7);
    self->count = sqlite3_column_int (stmt, 8);
    if (self->count < 1)
        self->count = 1;
    self->duration_us = sqlite3_column_int64 (stmt, 9) * 1000;
    self->match = s_text (stmt, 10);
    self->oid = s_text (stmt, 11);
    self->clear_on = s_text (stmt, 12);
    self->clear_after_us = sqlite3_column_int64 (stmt, 13) * 1000;
    self->state = s_text (stmt, 14);
    self->site_id = sqlite3_column_int64 (stmt, 15);
    self->device_id = sqlite3_column_int64 (stmt, 16);
    if (self->match) {
        if (regcomp (&self->regex, self->match, REG_EXTENDED | REG_NOSUB) != 0)
            return -1;
        self->has_regex = true;
    }
    return 0;
}

void
rule_free (rule_t *self)
{
    free (self->metric);
    free (self->match);
    free (self->oid);
    free (self->clear_on);
    free (self->state);
    if (self->has_regex)
        regfree (&self->regex);
    memset (self, 0, sizeof *self);
}

bool
rule_applies (const rule_t *self, const char *metric, int64_t site_id, int64_t device_id)
{
    return self->kind == RULE_METRIC && self->metric
        && (self->site_id == 0 || self->site_id == site_id)
        && (self->device_id == 0 || self->device_id == device_id)
        && fnmatch (self->metric, metric, 0) == 0;
}

static bool
s_breach (const rule_t *self, double value)
{
    return (self->has_above && value > self->above)
        || (self->has_below && value < self->below);
}

static bool
s_clears (const rule_t *self, double value)
{
    if (self->has_above)
        return value < (self->has_clear? self->clear: self->above)
            || (!self->has_clear && value == self->above);
    return value > (self->has_clear? self->clear: self->below)
        || (!self->has_clear && value == self->below);
}

rule_step_t
rule_step (const rule_t *self, rule_state_t *state, int64_t ts_us, double value, uint32_t flags)
{
    if (flags & VD_SAMPLE_LOST)
        return RULE_NONE;
    if (s_breach (self, value)) {
        if (state->breaches++ == 0)
            state->breach_since = ts_us;
        if (state->raised)
            return RULE_HOLD;
        if (state->breaches >= self->count && ts_us - state->breach_since >= self->duration_us) {
            state->raised = true;
            return RULE_RAISE;
        }
        return RULE_NONE;
    }
    state->breaches = 0;
    if (state->raised && s_clears (self, value)) {
        state->raised = false;
        return RULE_CLEAR;
    }
    return RULE_NONE;
}

int
rule_threshold_parse (const char *text, const char *unit, double *value)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double number = strtod (text, &end);
    if (end == text || errno || !isfinite (number))
        return -1;
    const char *suffix = end;
    if (streq (unit, "%"))
        return vd_percent_parse (text, value);
    if (!*suffix) {
        *value = number;
        return 0;
    }
    if (streq (unit, "ms")) {
        int64_t ms;
        if (streq (suffix, "us")) {
            *value = number / 1000;
            return 0;
        }
        if (strchr (text, '.') && streq (suffix, "ms")) {
            *value = number;
            return 0;
        }
        if (vd_duration_parse (text, &ms))
            return -1;
        *value = (double) ms;
        return 0;
    }
    //  rates and sizes: k, M, G, T (powers of 1000), an optional unit after
    static const struct { char prefix; double factor; } prefixes [] = {
        { 'k', 1e3 }, { 'K', 1e3 }, { 'M', 1e6 }, { 'G', 1e9 }, { 'T', 1e12 }, { 0, 0 }
    };
    double factor = 1;
    for (int i = 0; prefixes [i].prefix; i++)
        if (*suffix == prefixes [i].prefix) {
            factor = prefixes [i].factor;
            suffix++;
            break;
        }
    if (*suffix && !streq (suffix, unit))
        return -1;
    *value = number * factor;
    return 0;
}

void
rule_describe (const rule_t *self, double value, const char *unit, char *buf, size_t size)
{
    const char *space = streq (unit, "%") || !*unit? "": " ";
    double limit = self->has_above? self->above: self->below;
    int n = snprintf (buf, size, "%s %.4g%s%s %s %.4g%s%s", self->metric, value, space, unit,
                      self->has_above? "above": "below", limit, space, unit);
    if (n > 0 && (size_t) n < size && self->count > 1)
        n += snprintf (buf + n, size - (size_t) n, " for %d samples", self->count);
    if (n > 0 && (size_t) n < size && self->duration_us > 0) {
        char duration [32];
        snprintf (buf + n, size - (size_t) n, " for %s",
                  vd_duration_format (self->duration_us / 1000, duration, sizeof duration));
    }
}
