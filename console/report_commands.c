/*  console/report_commands.c: vedette report KIND: the period, then the
    rows as a table (or --csv, --json); the alarms report adds its totals
    by severity and overall, the availability report its total.            */
#include "console.h"

static const column_t s_by_severity_columns [] = {
    { "severity", "SEVERITY", COL_TEXT }, { "count", "COUNT", COL_INT }, { "acked", "ACKED", COL_INT },
    { "cleared", "CLEARED", COL_INT }, { "mtta_s", "MTTA(s)", COL_RATE }, { "mttr_s", "MTTR(s)", COL_RATE },
    { NULL }
};

int
cli_report (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        if (!csv) {
            char from [32], to [32];
            time_t f = (time_t) (json_integer_value (json_object_get (result, "from_us")) / 1000000);
            time_t t = (time_t) (json_integer_value (json_object_get (result, "to_us")) / 1000000);
            strftime (from, sizeof from, "%Y-%m-%d %H:%M:%SZ", gmtime (&f));
            strftime (to, sizeof to, "%Y-%m-%d %H:%M:%SZ", gmtime (&t));
            printf ("# %s report, %s to %s\n", command->verb, from, to);
        }
        table_print (json_object_get (result, "rows"), command->columns, csv);
        json_t *by_severity = json_object_get (result, "by_severity");
        if (by_severity && !csv) {
            printf ("\n");
            json_t *all = json_array ();
            json_array_extend (all, by_severity);
            json_t *total = json_deep_copy (json_object_get (result, "total"));
            json_object_set_new (total, "severity", json_string ("all"));
            json_array_append_new (all, total);
            table_print (all, s_by_severity_columns, false);
            json_decref (all);
        }
        else
        if (json_object_get (result, "total") && !csv) {
            //  the total as a last row, under a line
            json_t *total = json_deep_copy (json_object_get (result, "total"));
            json_object_set_new (total, "site", json_string ("all"));
            json_t *all = json_pack ("[o]", total);
            printf ("\n");
            table_print (all, command->columns, false);
            json_decref (all);
        }
    }
    json_decref (result);
    return code;
}
