/*  meshd/rule.c and meshd/maint.c: the threshold state machine with
    hysteresis, counts and durations; threshold units; maintenance clocks.  */
#include "testing.h"
#include "alarm/rule.h"
#include "alarm/maint.h"

static rule_t
s_rule (double above, bool has_clear, double clear, int count, int64_t duration_us)
{
    rule_t rule;
    memset (&rule, 0, sizeof rule);
    snprintf (rule.name, sizeof rule.name, "test");
    rule.kind = RULE_METRIC;
    rule.has_above = true;
    rule.above = above;
    rule.has_clear = has_clear;
    rule.clear = clear;
    rule.count = count;
    rule.duration_us = duration_us;
    return rule;
}

int
main (void)
{
    //  three samples in a row above 50 raise; clears only below 30
    rule_t rule = s_rule (50, true, 30, 3, 0);
    rule_state_t state = { 0 };
    CHECK (rule_step (&rule, &state, 1, 60, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 2, 60, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 3, 40, 0) == RULE_NONE);     //  the run is broken
    CHECK (rule_step (&rule, &state, 4, 60, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 5, 60, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 6, 70, 0) == RULE_RAISE);
    CHECK (state.raised);
    CHECK (rule_step (&rule, &state, 7, 80, 0) == RULE_HOLD);
    CHECK (rule_step (&rule, &state, 8, 40, 0) == RULE_NONE);     //  between: hysteresis
    CHECK (rule_step (&rule, &state, 9, 45, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 10, 99, VD_SAMPLE_LOST) == RULE_NONE);   //  no value
    CHECK (rule_step (&rule, &state, 11, 29, 0) == RULE_CLEAR);
    CHECK (!state.raised);
    CHECK (rule_step (&rule, &state, 12, 10, 0) == RULE_NONE);

    //  without a clear value, the threshold itself clears
    rule = s_rule (99, false, 0, 1, 0);
    memset (&state, 0, sizeof state);
    CHECK (rule_step (&rule, &state, 1, 100, 0) == RULE_RAISE);
    CHECK (rule_step (&rule, &state, 2, 99, 0) == RULE_CLEAR);

    //  a duration: the breach must last 10 s (µs here)
    rule = s_rule (5, false, 0, 1, 10000000);
    memset (&state, 0, sizeof state);
    CHECK (rule_step (&rule, &state, 0, 6, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 5000000, 6, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 10000000, 6, 0) == RULE_RAISE);

    //  below: raise under, clear over
    rule = s_rule (0, true, 20, 2, 0);
    rule.has_above = false;
    rule.has_below = true;
    rule.below = 10;
    memset (&state, 0, sizeof state);
    CHECK (rule_step (&rule, &state, 1, 5, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 2, 5, 0) == RULE_RAISE);
    CHECK (rule_step (&rule, &state, 3, 15, 0) == RULE_NONE);
    CHECK (rule_step (&rule, &state, 4, 25, 0) == RULE_CLEAR);

    //  threshold units
    double value;
    CHECK (rule_threshold_parse ("50ms", "ms", &value) == 0 && value == 50);
    CHECK (rule_threshold_parse ("1s", "ms", &value) == 0 && value == 1000);
    CHECK (rule_threshold_parse ("0.5ms", "ms", &value) == 0 && value == 0.5);
    CHECK (rule_threshold_parse ("250us", "ms", &value) == 0 && value == 0.25);
    CHECK (rule_threshold_parse ("42", "ms", &value) == 0 && value == 42);
    CHECK (rule_threshold_parse ("99%", "%", &value) == 0 && value == 99);
    CHECK (rule_threshold_parse ("120%", "%", &value) == -1);
    CHECK (rule_threshold_parse ("800M", "bps", &value) == 0 && value == 800e6);
    CHECK (rule_threshold_parse ("1Gbps", "bps", &value) == 0 && value == 1e9);
    CHECK (rule_threshold_parse ("1Gpps", "bps", &value) == -1);
    CHECK (rule_threshold_parse ("fast", "ms", &value) == -1);
    CHECK (rule_threshold_parse ("", "ms", &value) == -1);
    CHECK (rule_threshold_parse ("nan", "", &value) == -1);
    CHECK (rule_threshold_parse ("5x", "", &value) == -1);

    char text [200];
    rule = s_rule (50, false, 0, 3, 0);
    rule.metric = (char *) "icmp.rtt";
    rule_describe (&rule, 63.2, "ms", text, sizeof text);
    CHECK (streq (text, "icmp.rtt 63.2 ms above 50 ms for 3 samples"));
    CHECK (rule_applies (&rule, "icmp.rtt", 1, 1));
    rule.metric = (char *) "if.*.in_bps";
    CHECK (rule_applies (&rule, "if.eth0.in_bps", 1, 1));
    CHECK (!rule_applies (&rule, "if.eth0.out_bps", 1, 1));
    rule.site_id = 2;
    CHECK (!rule_applies (&rule, "if.eth0.in_bps", 1, 1));

    //  maintenance clocks and recurring windows (UTC here)
    setenv ("TZ", "UTC", 1);
    tzset ();
    int minutes;
    CHECK (maint_clock_parse ("22:00", &minutes) == 0 && minutes == 1320);
    CHECK (maint_clock_parse ("24:00", &minutes) == -1);
    CHECK (maint_clock_parse ("2200", &minutes) == -1);
    CHECK (maint_clock_parse ("22:00x", &minutes) == -1);
    //  2026-11-21 is a Saturday; 23:00 UTC
    int64_t sat_2300 = 1795302000LL * 1000000;
    int64_t until;
    CHECK (maint_recurring_open ("day", 22 * 60, 2 * 60, sat_2300, &until));
    CHECK (until == sat_2300 + 3 * 3600 * 1000000LL);      //  Sunday 02:00
    CHECK (maint_recurring_open ("sat", 22 * 60, 2 * 60, sat_2300, &until));
    CHECK (!maint_recurring_open ("fri", 22 * 60, 2 * 60, sat_2300, &until));
    int64_t sun_0100 = sat_2300 + 2 * 3600 * 1000000LL;
    CHECK (maint_recurring_open ("sat", 22 * 60, 2 * 60, sun_0100, &until));     //  after midnight
    CHECK (!maint_recurring_open ("sun", 22 * 60, 2 * 60, sun_0100, &until));
    CHECK (!maint_recurring_open ("day", 8 * 60, 18 * 60, sat_2300, &until));
    TESTS_DONE ();
}
