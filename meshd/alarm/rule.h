/*  meshd/alarm/rule.h: what a rule is and how one sample moves it, shared by the
    rules actor (on the live stream) and rule.test (on stored data), so both
    always agree.                                                            */
#ifndef MESHD_RULE_H_INCLUDED
#define MESHD_RULE_H_INCLUDED

#include "meshd.h"
#include <regex.h>

typedef enum { RULE_METRIC, RULE_EVENT, RULE_STATE } rule_kind_t;

typedef struct {
    int64_t id;
    char name [64];
    rule_kind_t kind;
    char severity [16];
    char *metric;               //  metric (a glob: if.*.in_bps) or event topic
    bool has_above, has_below;
    double above, below;
    bool has_clear;
    double clear;               //  the clear value (hysteresis)
    int count;                  //  consecutive samples
    int64_t duration_us;        //  and for at least this long
    char *match;                //  regular expression on an event's text
    regex_t regex;
    bool has_regex;
    char *oid;                  //  trap OID
    char *clear_on;             //  trap OID or event topic that clears
    int64_t clear_after_us;     //  event alarms clear by themselves (0: never)
    char *state;                //  down, unreachable, unknown; lost (probes)
    int64_t site_id;            //  0: every site
    int64_t device_id;          //  0: every device
} rule_t;

//  Where one (rule, series) stands.
typedef struct {
    int breaches;               //  consecutive breaching samples
    int64_t breach_since;       //  time of the first of them
    bool raised;                //  the condition holds: an alarm is open
} rule_state_t;

typedef enum { RULE_NONE, RULE_RAISE, RULE_HOLD, RULE_CLEAR } rule_step_t;

//  The rule's select list, for rule_load: "SELECT " RULE_COLUMNS " FROM rule"
#define RULE_COLUMNS "id, name, kind, severity, metric, above, below, clear_value, count, " \
                     "duration_ms, match, oid, clear_on, clear_after_ms, state, site_id, device_id"
//  Fills a rule from a row of RULE_COLUMNS. 0, or -1 (bad regular expression).
int rule_load (rule_t *self, sqlite3_stmt *stmt);
//  Frees what rule_load allocated.
void rule_free (rule_t *self);
//  True if a metric rule applies to a series.
bool rule_applies (const rule_t *self, const char *metric, int64_t site_id, int64_t device_id);
//  One sample through a metric rule: RULE_RAISE when it now raises,
//  RULE_HOLD while raised and still breaching, RULE_CLEAR when it clears.
rule_step_t rule_step (const rule_t *self, rule_state_t *state, int64_t ts_us, double value,
                       uint32_t flags);
//  Parses a threshold for a metric of the given unit: "50ms" and "1s" for
//  "ms", "99%" for "%", "1G" for bps; a bare number is in the metric's unit.
//  0, or -1.
int rule_threshold_parse (const char *text, const char *unit, double *value);
//  A sentence for the alarm: "icmp.rtt 63.2 ms above 50 ms for 3 samples".
void rule_describe (const rule_t *self, double value, const char *unit, char *buf, size_t size);

#endif
