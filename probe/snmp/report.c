/*  probe/snmp/report.c: a finished poll into its report.

    Counters become rates here, where their history is (counter.c does
    the arithmetic): resets (sysUpTime going back, 64-bit counters going
    back, a 32-bit wrap faster than the line) give no rate for that poll.
    Rates, states and system facts go out as one report per poll (see
    snmp.h for its fields).                                              */
#include "device.h"

static json_t *
s_iface_json (device_t *self, iface_t *iface, int64_t read_ns, bool *reset)
{
    uint64_t speed = iface->high_speed? iface->high_speed * 1000000ULL: iface->speed;
    json_t *json = json_pack ("{s:I, s:s, s:s, s:s, s:i, s:I, s:i, s:s, s:s, s:s}",
        "index", (json_int_t) iface->index,
        "name", *iface->name? iface->name: *iface->descr? iface->descr: "?",
        "descr", iface->descr, "alias", iface->alias, "type", iface->type,
        "speed_bps", (json_int_t) speed, "mtu", iface->mtu, "mac", iface->mac,
        "admin", oids_if_states [iface->admin >= 1 && iface->admin <= 7? iface->admin: 0],
        "oper", oids_if_states [iface->oper >= 1 && iface->oper <= 7? iface->oper: 0]);
    //  octets: 64-bit where the device has them
    int bits = iface->has_hc_in && iface->has_hc_out? 64: 32;
    if (bits == 64) {
        iface->counter [R_IN_BPS] = iface->hc_in;
        iface->counter [R_OUT_BPS] = iface->hc_out;
    }
    json_object_set_new (json, "counters", json_integer (bits));
    bool have = (iface->seen & (1u << C_IN_OCT)) || bits == 64;
    double rates [R_COUNT];
    if (have && iface->previous_ok && iface->previous_bits == bits && read_ns > iface->previous_ns) {
        if (counter_rates (iface->counter, iface->previous, bits, speed,
                           (double) (read_ns - iface->previous_ns) / 1e9, rates)) {
            //  bit/s to the bit, the rest to 0.001 (vd_round)
            for (int r = 0; r < R_COUNT; r++)
                json_object_set_new (json, oids_rate_names [r],
                    json_real (vd_round (rates [r], r == R_IN_BPS || r == R_OUT_BPS? 0: 3)));
            if (speed) {
                json_object_set_new (json, "in_util", json_real (vd_round (rates [R_IN_BPS] / (double) speed * 100, 3)));
                json_object_set_new (json, "out_util", json_real (vd_round (rates [R_OUT_BPS] / (double) speed * 100, 3)));
            }
        }
        else {
            self->poller->stats.resets++;
            *reset = true;
        }
    }
    if (have) {
        memcpy (iface->previous, iface->counter, sizeof iface->previous);
        iface->previous_bits = bits;
        iface->previous_ns = read_ns;
        iface->previous_ok = true;
    }
    iface->seen = 0;
    iface->has_hc_in = iface->has_hc_out = false;
    return json;
}

static json_t *
s_system (device_t *self)
{
    json_t *system = json_object ();
    static const struct { scalar_id_t id; const char *name; } texts [] = {
        { S_DESCR, "descr" }, { S_CONTACT, "contact" }, { S_NAME, "name" }, { S_LOCATION, "location" }
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        netsnmp_variable_list *vb = self->values [texts [i].id];
        if (vb && vb->type == ASN_OCTET_STR) {
            char text [256];
            read_text (text, sizeof text, vb);
            json_object_set_new (system, texts [i].name, json_string (text));
        }
    }
    netsnmp_variable_list *vb = self->values [S_OBJECT_ID];
    if (vb && vb->type == ASN_OBJECT_ID && vb->val_len / sizeof (oid) <= MAX_OID_LEN) {
        char text [MAX_OID_LEN * 11 + 1] = "";
        size_t used = 0;
        for (size_t i = 0; i < vb->val_len / sizeof (oid) && used < sizeof text - 12; i++)
            used += (size_t) snprintf (text + used, sizeof text - used, "%s%lu", i? ".": "",
                                       (unsigned long) vb->val.objid [i]);
        json_object_set_new (system, "object_id", json_string (text));
    }
    vb = self->values [S_UPTIME];
    if (vb && vb->type == ASN_TIMETICKS)
        json_object_set_new (system, "uptime_s", json_integer ((uint32_t) *vb->val.integer / 100));
    return system;
}

static json_t *
s_metrics (device_t *self)
{
    json_t *metrics = json_object ();
    if (self->rtt_ms >= 0)
        json_object_set_new (metrics, "snmp.rtt", json_real (vd_round (self->rtt_ms, 3)));
    static const char *loads [] = { "load.1", "load.5", "load.15" };
    for (int i = 0; i < 3; i++) {
        double value;
        if (self->values [S_LOAD1 + i] && read_number (self->values [S_LOAD1 + i], &value))
            json_object_set_new (metrics, loads [i], json_real (value));
    }
    double total, avail, buffer = 0, cached = 0;
    if (self->values [S_MEM_TOTAL] && self->values [S_MEM_AVAIL]
    &&  read_number (self->values [S_MEM_TOTAL], &total) && read_number (self->values [S_MEM_AVAIL], &avail)
    &&  total > 0) {
        if (self->values [S_MEM_BUFFER])
            read_number (self->values [S_MEM_BUFFER], &buffer);
        if (self->values [S_MEM_CACHED])
            read_number (self->values [S_MEM_CACHED], &cached);
        double used = (total - avail - buffer - cached) / total * 100;
        json_object_set_new (metrics, "mem.used", json_real (vd_round (used < 0? 0: used > 100? 100: used, 3)));
    }
    if (self->walk && self->walk->cpu_count)
        json_object_set_new (metrics, "cpu.load",
                             json_real (vd_round (self->walk->cpu_sum / self->walk->cpu_count, 3)));
    //  HOST-RESOURCES storage: disks, and memory where UCD has none
    for (storage_t *row = (storage_t *) zhashx_first (self->storage); row;
         row = (storage_t *) zhashx_next (self->storage)) {
        if (row->generation != self->generation || row->size <= 0 || row->used < 0
        ||  row->used > row->size)
            continue;
        double used = vd_round ((double) row->used / (double) row->size * 100, 3);
        if (row->type == 2 && !json_object_get (metrics, "mem.used"))
            json_object_set_new (metrics, "mem.used", json_real (used));
        else
        if ((row->type == 4 || row->type == 9 || row->type == 10) && *row->descr) {
            char name [128];
            snprintf (name, sizeof name, "disk.%s.used", row->descr);
            json_object_set_new (metrics, name, json_real (used));
        }
    }
    for (int i = 0; i < self->ncustom; i++) {
        netsnmp_variable_list *vb = self->values [S_STANDARD + i];
        double value;
        if (!vb)
            continue;
        if (read_number (vb, &value)) {
            char name [80];
            snprintf (name, sizeof name, "snmp.%s", self->custom [i].label);
            json_object_set_new (metrics, name, json_real (value));
        }
        else {
            self->poller->stats.bad_values++;
            poll_complain (self, "custom OID %s: not a number (type 0x%02x)", self->custom [i].label, vb->type);
        }
    }
    return metrics;
}

//  The name of a local port: LLDP's own, or the interface of that index
static const char *
s_local_port (device_t *self, const neighbour_t *row, char *buffer, size_t size)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) row->local);
    const char *name = streq (row->proto, "lldp")? (const char *) zhashx_lookup (self->lldp_ports, key): NULL;
    iface_t *iface = name? NULL: (iface_t *) zhashx_lookup (self->ifs, key);
    if (iface && (*iface->name || *iface->descr))
        name = *iface->name? iface->name: iface->descr;
    if (!name) {
        snprintf (buffer, size, "port %lld", (long long) row->local);
        name = buffer;
    }
    return name;
}

static json_t *
s_neighbours_json (device_t *self)
{
    json_t *list = json_array ();
    for (neighbour_t *row = (neighbour_t *) zhashx_first (self->neighbours); row;
         row = (neighbour_t *) zhashx_next (self->neighbours)) {
        bool lldp = streq (row->proto, "lldp");
        if (lldp) {
            //  the IDs by what their subtypes say they are
            lldp_id_text (row->chassis_type, false, row->chassis_id, row->chassis_length,
                          row->chassis, sizeof row->chassis);
            lldp_id_text (row->port_type, true, row->port_id, row->port_length,
                          row->port, sizeof row->port);
        }
        if (!*row->name && !*row->chassis && !*row->address)
            continue;           //  a stray column: nothing to know it by
        char buffer [32];
        json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
            "proto", row->proto, "local_port", s_local_port (self, row, buffer, sizeof buffer),
            "chassis", row->chassis, "port", row->port, "port_descr", row->port_descr,
            "name", row->name, "address", row->address, "platform", row->platform,
            "chassis_subtype", lldp? lldp_subtype_word (row->chassis_type, false): "",
            "port_subtype", lldp? lldp_subtype_word (row->port_type, true): "ifname"));
    }
    return list;
}

void
report_findings (device_t *self, json_t *report)
{
    //  a reboot (sysUpTime back) resets every counter
    netsnmp_variable_list *uptime = self->values [S_UPTIME];
    if (uptime && uptime->type == ASN_TIMETICKS) {
        uint32_t ticks = (uint32_t) *uptime->val.integer;
        if (self->has_uptime && counter_rebooted (ticks, self->uptime)) {
            iface_t *iface;
            for (iface = (iface_t *) zhashx_first (self->ifs); iface; iface = (iface_t *) zhashx_next (self->ifs))
                iface->previous_ok = false;
            self->poller->stats.resets++;
        }
        self->uptime = ticks;
        self->has_uptime = true;
    }
    json_object_set_new (report, "system", s_system (self));
    json_object_set_new (report, "metrics", s_metrics (self));
    json_t *list = json_array ();
    zlistx_t *gone = zlistx_new ();
    bool reset = false;
    iface_t *iface;
    for (iface = (iface_t *) zhashx_first (self->ifs); iface; iface = (iface_t *) zhashx_next (self->ifs)) {
        if (iface->generation == self->generation)
            json_array_append_new (list, s_iface_json (self, iface, self->walk->read_ns, &reset));
        else
        if (self->walk->full)
            zlistx_add_end (gone, (void *) zhashx_cursor (self->ifs));
    }
    for (const char *key = (const char *) zlistx_first (gone); key; key = (const char *) zlistx_next (gone))
        zhashx_delete (self->ifs, key);
    zlistx_destroy (&gone);
    if (reset)
        poll_complain (self, "counters went back or wrapped too fast: no rate this poll");
    json_object_set_new (report, "interfaces", list);
    json_object_set_new (report, "full", json_boolean (self->walk->full));
    if (self->walk->full) {
        json_object_set_new (report, "neighbours", s_neighbours_json (self));
        json_object_set_new (report, "arp", arp_json (self));
        //  storage rows the full walk did not see are gone
        zlistx_t *old = zlistx_new ();
        for (storage_t *row = (storage_t *) zhashx_first (self->storage); row;
             row = (storage_t *) zhashx_next (self->storage))
            if (row->generation != self->generation)
                zlistx_add_end (old, (void *) zhashx_cursor (self->storage));
        for (const char *key = (const char *) zlistx_first (old); key; key = (const char *) zlistx_next (old))
            zhashx_delete (self->storage, key);
        zlistx_destroy (&old);
    }
}
