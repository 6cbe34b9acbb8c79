/*  console/view/feed.c: meshd's events applied to what the views hold:
    samples into RTT and loss and the sparklines, state changes, alarms as
    they change, the tail of the events view; what cannot be patched in
    place is marked to be fetched again by the loop.                     */
#include "view.h"
#include <math.h>


bool
views_event (tui_t *tui, const char *topic, json_t *event)
{
    json_t *data = json_object_get (event, "data");
    const char *device = view_str (data, "device");
    if (strncmp (topic, "sample.", 7) == 0) {
        tui->samples_seen++;
        const char *metric = view_str (data, "metric");
        json_t *row = view_find (tui->devices, "name", json_object_get (data, "device"), NULL);
        bool lost = json_is_true (json_object_get (data, "lost"));
        double value = json_number_value (json_object_get (data, "value"));
        if (streq (metric, "icmp.rtt")) {
            spark_t *spark = (spark_t *) zhashx_lookup (tui->sparks, device);
            if (!spark) {
                spark = (spark_t *) zmalloc (sizeof (spark_t));
                zhashx_insert (tui->sparks, device, spark);
            }
            spark->value [spark->next] = lost? NAN: (float) value;
            spark->next = (spark->next + 1) % SPARK_SIZE;
            if (spark->count < SPARK_SIZE)
                spark->count++;
            if (row) {
                if (lost)
                    json_object_del (row, "rtt");
                else
                    json_object_set_new (row, "rtt", json_real (value));
            }
        }
        else
        if (streq (metric, "icmp.loss") && row && !lost)
            json_object_set_new (row, "loss", json_real (value));
        else
            return false;
        tui->list [VIEW_DEVICES].dirty = true;
        if (tui->view == VIEW_DEVICE && streq (device, tui->place.device)) {
            //  the chart grows: fetched again at most every ten seconds
            if (vd_mono_ms () - tui->chart_fetched_ms > 10000) {
                tui->chart_fetched_ms = vd_mono_ms ();
                tui->chart_for [0] = 0;
                tui->want_device = true;
            }
        }
        return tui->view == VIEW_DEVICES || tui->view == VIEW_OVERVIEW;
    }
    //  everything else is kept for the events view
    if (!tui->paused) {
        json_array_append (tui->events, event);
        if (json_array_size (tui->events) > 2000)  //  EVENTS_KEPT
            json_array_remove (tui->events, 0);
        tui->list [VIEW_EVENTS].dirty = true;
    }
    else
        tui->paused_new++;
    if (streq (topic, "device.state")) {
        json_t *row = view_find (tui->devices, "name", json_object_get (data, "device"), NULL);
        if (row)
            json_object_set (row, "status", json_object_get (data, "state"));
        tui->list [VIEW_DEVICES].dirty = true;
    }
    else
    if (strncmp (topic, "device.", 7) == 0 || strncmp (topic, "discovery.", 10) == 0)
        tui->want_devices = true;
    else
    if (strncmp (topic, "alarm.", 6) == 0) {
        //  the event carries the whole alarm
        size_t at;
        json_t *row = view_find (tui->alarms, "id", json_object_get (data, "id"), &at);
        if (streq (view_str (data, "state"), "cleared")) {
            if (row)
                json_array_remove (tui->alarms, at);
        }
        else
        if (row)
            json_object_update (row, data);
        else
            json_array_append (tui->alarms, data);
        tui->list [VIEW_ALARMS].dirty = true;
        //  the device's alarm count
        tui->want_devices = true;
    }
    else
    if (strncmp (topic, "probe.", 6) == 0)
        tui->want_probes = true;
    else
    if (strncmp (topic, "backup.", 7) == 0)
        tui->backups_ms = 0;            //  fetched again when shown
    if ((tui->view == VIEW_DEVICE || tui->view == VIEW_DIFF) && *device && streq (device, tui->place.device))
        tui->want_device = true;
    return true;
}

