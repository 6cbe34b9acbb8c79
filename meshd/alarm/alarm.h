/*  meshd/alarm/alarm.h: an alarm's transitions, written by the rules actor (raise,
    clear) and the api actor (ack, unack, clear by hand) in their own
    transactions. Each transition records its event (alarm.raised, ...) and
    queues its notifications in the same transaction, so a transition is
    notified exactly once whatever restarts in between.                      */
#ifndef MESHD_ALARM_H_INCLUDED
#define MESHD_ALARM_H_INCLUDED

#include "meshd.h"

//  An SQL expression: the rank of a severity column or parameter, 5 for
//  critical to 1 for info.
#define ALARM_RANK(x) "(CASE " x " WHEN 'critical' THEN 5 WHEN 'major' THEN 4 " \
                      "WHEN 'minor' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)"

//  An alarm as a JSON object (SQL), from ALARM_FROM: what events carry,
//  webhooks post and exec commands read.
#define ALARM_JSON "json_object ('id', a.id, 'rule', a.rule, " \
    "'severity', a.severity, 'object', a.object, 'device', d.name, 'address', d.address, " \
    "'site', st.name, 'probe', p.name, 'state', a.state, 'message', a.message, " \
    "'value', a.value, 'count', a.count, 'first_us', a.first_us, 'last_us', a.last_us, " \
    "'acked_by', a.acked_by, 'comment', a.ack_comment, 'ack_expires_us', a.ack_expires_us, " \
    "'cleared_us', a.cleared_us, 'cleared_by', a.cleared_by, 'suppressed_by', sup.name, " \
    "'flapping', json (CASE a.flapping WHEN 1 THEN 'true' ELSE 'false' END))"
#define ALARM_JOINS "LEFT JOIN device d ON d.id = a.device_id " \
    "LEFT JOIN site st ON st.id = a.site_id LEFT JOIN probe p ON p.id = a.probe_id " \
    "LEFT JOIN device sup ON sup.id = a.suppressed_by"
#define ALARM_FROM "alarm a " ALARM_JOINS

typedef struct {
    int64_t rule_id;
    const char *rule;
    const char *severity;
    const char *object;         //  "core1", "core1/icmp.rtt", "probe:p1"
    int64_t device_id;          //  0: none
    int64_t probe_id;           //  0: none
    int64_t site_id;            //  0: none
    const char *message;
    bool has_value;
    double value;
    int64_t ts_us;
    int64_t suppressed_by;      //  the device down above this one, 0: none
    bool flapping;              //  raised as a flapping alarm
    int64_t hold_us;            //  notify no sooner: time for a parent's own
                                //  outage to be seen first (correlation)
} alarm_raise_t;

//  Raises an alarm, or counts one more occurrence of the open one. Returns
//  the alarm's id (0 on failure); *fresh is true when it was opened now.
int64_t alarm_raise (sqlite3 *db, const alarm_raise_t *raise, bool *fresh);
//  Clears an open alarm: by is the user, or NULL for the rule. Pending
//  notifications are skipped; those that reached someone get a recovery.
//  0, or -1 (not open, or a database error).
int alarm_clear (sqlite3 *db, int64_t alarm_id, const char *by, int64_t ts_us);
//  Marks an open alarm as flapping (or not), with notifications when it
//  starts flapping. 0, or -1.
int alarm_flapping (sqlite3 *db, int64_t alarm_id, bool flapping, int64_t ts_us);
//  Sets the correlation of a device's open alarms: suppressed under the
//  device down above it (0: not suppressed). Returns alarms changed.
int alarm_suppress (sqlite3 *db, int64_t device_id, int64_t by_device);
//  The first column of every row of a statement (alarm ids), which it
//  finalizes; for changing them one by one afterwards.
zlistx_t *alarm_ids (sqlite3_stmt *stmt);
//  Records an alarm event (alarm.raised, alarm.cleared, alarm.acked, ...)
//  with the alarm as it is now. 0, or -1.
int alarm_event (sqlite3 *db, int64_t alarm_id, const char *topic);
//  Queues notifications of one kind (problem, recovery, flapping) for the
//  routes that match the alarm, no sooner than hold_us from ts_us. Returns
//  how many, or -1.
int alarm_notify (sqlite3 *db, int64_t alarm_id, const char *kind, int64_t ts_us, int64_t hold_us);

#endif
