/*  console/rule_commands.c: vedette rule add (a count or a duration for
    --for, the clear value), rule set (--enable, --disable), rule test (the
    alarms a rule would have raised and cleared, as a table).            */
#include "console.h"

static const column_t s_transition_columns [] = {
    { "object", "OBJECT", COL_TEXT }, { "raised_us", "RAISED", COL_TIME },
    { "cleared_us", "CLEARED", COL_TIME }, { "message", "MESSAGE", COL_TEXT }, { NULL }
};

//  rule add: --for is a count or a duration; --clear-below/--clear-above
//  are the clear value
int
cli_rule_add (const command_t *command, json_t *args, bool json, bool csv)
{
    json_t *value = json_object_get (args, "for");
    if (value) {
        const char *text = json_string_value (value);
        char *end;
        long count = strtol (text, &end, 10);
        if (*end == 0 && end != text)
            json_object_set_new (args, "count", json_integer (count));
        else
            json_object_set (args, "duration", value);
        json_object_del (args, "for");
    }
    const char *clears [] = { "clear_below", "clear_above" };
    for (int i = 0; i < 2; i++)
        if ((value = json_object_get (args, clears [i]))) {
            json_object_set (args, "clear", value);
            json_object_del (args, clears [i]);
        }
    const char *renames [][2] = { { "clear_trap", "clear_on" }, { "clear_event", "clear_on" } };
    for (int i = 0; i < 2; i++)
        if ((value = json_object_get (args, renames [i][0]))) {
            json_object_set (args, renames [i][1], value);
            json_object_del (args, renames [i][0]);
        }
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result)
        printf ("rule %s added (%s%s%s)\n", json_string_value (json_object_get (result, "name")),
                json_string_value (json_object_get (result, "kind")),
                *json_string_value (json_object_get (result, "unit"))? ", values in ": "",
                json_string_value (json_object_get (result, "unit")));
    json_decref (result);
    (void) csv;
    return code;
}

//  rule set: --enable and --disable are one boolean
int
cli_rule_set (const command_t *command, json_t *args, bool json, bool csv)
{
    bool enable = json_is_true (json_object_get (args, "enable"));
    bool disable = json_is_true (json_object_get (args, "disable"));
    if (enable && disable) {
        fprintf (stderr, "vedette: rule set: --enable or --disable, not both\n");
        return EXIT_USAGE;
    }
    json_object_del (args, "enable");
    json_object_del (args, "disable");
    if (enable || disable)
        json_object_set_new (args, "enabled", json_boolean (enable));
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result)
        printf ("rule %s changed\n", json_string_value (json_object_get (result, "name")));
    json_decref (result);
    (void) csv;
    return code;
}

//  rule test: the alarms the rule would have raised
int
cli_rule_test (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        json_t *alarms = json_object_get (result, "alarms");
        if (!csv && json_object_get (result, "samples"))
            printf ("# rule %s over %lld series, %lld samples: %zu alarms\n",
                    json_string_value (json_object_get (result, "rule")),
                    (long long) json_integer_value (json_object_get (result, "series")),
                    (long long) json_integer_value (json_object_get (result, "samples")),
                    json_array_size (alarms));
        else
        if (!csv)
            printf ("# rule %s over %lld events: %zu matches\n",
                    json_string_value (json_object_get (result, "rule")),
                    (long long) json_integer_value (json_object_get (result, "events")),
                    json_array_size (alarms));
        size_t index;
        json_t *alarm;
        json_array_foreach (alarms, index, alarm)
            if (!json_object_get (alarm, "raised_us"))
                json_object_set (alarm, "raised_us", json_object_get (alarm, "ts_us"));
        table_print (alarms, s_transition_columns, csv);
    }
    json_decref (result);
    return code;
}
