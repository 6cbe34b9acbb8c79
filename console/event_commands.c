/*  console/event_commands.c: the CLI's event list, since and follow: events
    as sentences (or --json, --csv), and the live stream with its gaps
    filled from the record.                                                 */
#include "console.h"

static void
s_print_event (json_t *event, bool json)
{
    if (json) {
        char *text = json_dumps (event, JSON_COMPACT | JSON_SORT_KEYS);
        printf ("%s\n", text);
        free (text);
    }
    else {
        char sentence [1024];
        event_sentence (event, sentence, sizeof sentence);
        json_t *seq = json_object_get (event, "seq");
        char when [64];
        table_age (json_integer_value (json_object_get (event, "ts_us")), when, sizeof when);
        if (json_is_integer (seq))
            printf ("%-8lld ", (long long) json_integer_value (seq));
        else
            printf ("%-8s ", "-");
        printf ("%-10s %-16s %-10s %s\n", when,
                json_string_value (json_object_get (event, "topic")),
                json_is_string (json_object_get (event, "site"))
                    ? json_string_value (json_object_get (event, "site")): "-", sentence);
    }
    fflush (stdout);
}

static bool
s_topic_followed (json_t *topics, const char *topic)
{
    size_t index;
    json_t *prefix;
    if (json_array_size (topics) == 0)
        return true;
    json_array_foreach (topics, index, prefix)
        if (topic && strncmp (topic, json_string_value (prefix), json_string_length (prefix)) == 0)
            return true;
    return false;
}

//  event follow: the live stream; a gap in the sequence is filled with
//  event.since before going on
int
cli_event_follow (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    int code;
    json_t *status = client_call (client, "server.status", NULL, &code);
    if (!status) {
        client_destroy (&client);
        return code;
    }
    bool tcp = strncmp (client_endpoint (client), "tcp://", 6) == 0;
    const char *endpoint = tcp && client_events_endpoint (client)
                         ? client_events_endpoint (client)
                         : json_string_value (json_object_get (json_object_get (status, "events"), tcp? "tcp": "ipc"));
    zsock_t *sub = endpoint && *endpoint? client_subscribe (client, endpoint): NULL;
    json_t *topics = json_object_get (args, "topic");
    int64_t count = json_integer_value (json_object_get (args, "count"));
    if (!sub) {
        fprintf (stderr, "vedette: event follow: meshd publishes no events here\n");
        json_decref (status);
        client_destroy (&client);
        return EXIT_FAILED;
    }
    size_t index;
    json_t *topic;
    if (json_array_size (topics))
        json_array_foreach (topics, index, topic)
            zsock_set_subscribe (sub, json_string_value (topic));
    else
        zsock_set_subscribe (sub, "");
    if (!json)
        fprintf (stderr, "following events at %s (Ctrl-C to stop)\n", endpoint);
    int64_t last = -1, shown = 0;
    zpoller_t *poller = zpoller_new (sub, NULL);
    while (!zsys_interrupted && (count == 0 || shown < count)) {
        if (!zpoller_wait (poller, 1000))
            continue;
        char *topic_text, *text;
        if (zstr_recvx (sub, &topic_text, &text, NULL) < 2) {
            zstr_free (&topic_text);
            break;
        }
        json_t *event = json_loads (text, 0, NULL);
        zstr_free (&topic_text);
        zstr_free (&text);
        json_t *seq = json_object_get (event, "seq");
        if (json_is_integer (seq) && last >= 0 && json_integer_value (seq) > last + 1) {
            //  missed some: fetch them, then go on with this one
            json_t *request = json_pack ("{s:I}", "seq", (json_int_t) last);
            json_t *missed = client_call (client, "event.since", request, &code);
            json_t *item;
            json_array_foreach (json_object_get (missed, "events"), index, item) {
                if (json_integer_value (json_object_get (item, "seq")) >= json_integer_value (seq))
                    break;
                //  a jump may only be events of topics not followed
                if (s_topic_followed (topics, json_string_value (json_object_get (item, "topic")))) {
                    s_print_event (item, json);
                    shown++;
                }
            }
            json_decref (missed);
        }
        if (json_is_integer (seq))
            last = json_integer_value (seq);
        s_print_event (event, json);
        shown++;
        json_decref (event);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&sub);
    json_decref (status);
    client_destroy (&client);
    (void) command;
    (void) csv;
    return EXIT_OK;
}

//  event list, event since: recorded events, oldest first
int
cli_event_list (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result && csv) {
        //  CSV: the sentence, and the data for machines
        size_t index;
        json_t *event;
        json_array_foreach (json_object_get (result, "events"), index, event) {
            char sentence [1024];
            event_sentence (event, sentence, sizeof sentence);
            json_object_set_new (event, "text", json_string (sentence));
            char *data = json_dumps (json_object_get (event, "data"), JSON_COMPACT | JSON_SORT_KEYS);
            json_object_set_new (event, "data", json_string (data? data: ""));
            free (data);
        }
        table_print (json_object_get (result, "events"), command->columns, csv);
    }
    else
    if (result) {
        size_t index;
        json_t *event;
        json_array_foreach (json_object_get (result, "events"), index, event)
            s_print_event (event, false);
        if (json_is_true (json_object_get (result, "more")))
            fprintf (stderr, "vedette: more events follow; ask again with --limit or event since\n");
    }
    json_decref (result);
    return code;
}
