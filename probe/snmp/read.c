/*  probe/snmp/read.c: a device's answers into its tables.

    A scalars answer keeps each value by position. A walk answer advances
    each column or ends it: past the column, backwards (an agent bug), an
    index longer than the slot, more rows than MAX_ROWS. A value of the
    wrong type is counted and skipped. Interfaces, storage and neighbours
    are kept by index between polls: the counters' history is here.     */
#include "device.h"

static iface_t *
s_iface (device_t *self, int64_t index)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) index);
    iface_t *iface = (iface_t *) zhashx_lookup (self->ifs, key);
    if (!iface) {
        if (!self->walk->full)
            self->need_full = true;     //  a new interface: read its names next time
        iface = (iface_t *) zmalloc (sizeof (iface_t));
        iface->index = index;
        zhashx_insert (self->ifs, key, iface);
    }
    return iface;
}

void
read_text (char *out, size_t size, const netsnmp_variable_list *vb)
{
    size_t length = vb->val_len < size - 1? vb->val_len: size - 1;
    bool cut;
    char *clean = vd_utf8_clean ((const char *) vb->val.string, length, size - 1, &cut);
    snprintf (out, size, "%s", clean? clean: "");
    free (clean);
}

//  An IPv4 or IPv6 address from its bytes; false if it is neither
static bool
s_address_text (char *out, size_t size, const u_char *bytes, size_t length)
{
    if (length == 4)
        return inet_ntop (AF_INET, bytes, out, (socklen_t) size) != NULL;
    if (length == 16)
        return inet_ntop (AF_INET6, bytes, out, (socklen_t) size) != NULL;
    return false;
}

static void
s_storage_cell (device_t *self, column_id_t column, int64_t index, const netsnmp_variable_list *vb)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) index);
    storage_t *row = (storage_t *) zhashx_lookup (self->storage, key);
    if (!row) {
        if (zhashx_size (self->storage) >= MAX_STORAGE)
            return;
        row = (storage_t *) zmalloc (sizeof (storage_t));
        row->index = index;
        zhashx_insert (self->storage, key, row);
        if (!self->walk->full)
            self->need_full = true;
    }
    row->generation = self->generation;
    static const oid types [] = { 1,3,6,1,2,1,25,2,1 };
    switch (column) {
        case C_ST_TYPE:
            if (vb->val_len / sizeof (oid) == 10
            &&  snmp_oidtree_compare (vb->val.objid, 10, types, 9) == 0)
                row->type = (int) vb->val.objid [9];
            break;
        case C_ST_DESCR: read_text (row->descr, sizeof row->descr, vb); break;
        case C_ST_UNITS: row->units = *vb->val.integer; break;
        case C_ST_SIZE:  row->size = (uint32_t) *vb->val.integer; break;
        case C_ST_USED:  row->used = (uint32_t) *vb->val.integer; break;
        default: break;
    }
}

static neighbour_t *
s_neighbour (device_t *self, const char *proto, int64_t local, int64_t index)
{
    char key [48];
    snprintf (key, sizeof key, "%c.%lld.%lld", *proto, (long long) local, (long long) index);
    neighbour_t *row = (neighbour_t *) zhashx_lookup (self->neighbours, key);
    if (!row && zhashx_size (self->neighbours) < MAX_NEIGHBOURS) {
        row = (neighbour_t *) zmalloc (sizeof (neighbour_t));
        row->proto = proto;
        row->local = local;
        zhashx_insert (self->neighbours, key, row);
    }
    return row;
}

//  A cell of the LLDP or CDP tables; index: the arcs after the column
static void
s_neighbour_cell (device_t *self, column_id_t column, const oid *index, size_t arcs,
                  const netsnmp_variable_list *vb)
{
    if (column == C_LLDP_LOC_PORT || column == C_LLDP_LOC_DESC) {
        char key [24], name [96];
        snprintf (key, sizeof key, "%lu", (unsigned long) index [0]);
        lldp_id_text (0, true, vb->val.string, vb->val_len, name, sizeof name);
        //  the port ID names the port, unless it is empty or binary
        char *known = (char *) zhashx_lookup (self->lldp_ports, key);
        if (*name && (column == C_LLDP_LOC_PORT || !known || strchr (known, ':'))
        &&  zhashx_size (self->lldp_ports) < MAX_NEIGHBOURS)
            zhashx_update (self->lldp_ports, key, strdup (name));
        return;
    }
    bool cdp = column >= C_CDP_ADDR;
    neighbour_t *row = s_neighbour (self, cdp? "cdp": "lldp", (int64_t) index [cdp? 0: 1],
                                    (int64_t) index [cdp? 1: 2]);
    if (!row)
        return;
    switch (column) {
        case C_LLDP_CHASSIS_TYPE: row->chassis_type = (int) *vb->val.integer; break;
        case C_LLDP_PORT_TYPE: row->port_type = (int) *vb->val.integer; break;
        case C_LLDP_CHASSIS:
            row->chassis_length = vb->val_len < sizeof row->chassis_id? vb->val_len: sizeof row->chassis_id;
            memcpy (row->chassis_id, vb->val.string, row->chassis_length);
            break;
        case C_LLDP_PORT:
            row->port_length = vb->val_len < sizeof row->port_id? vb->val_len: sizeof row->port_id;
            memcpy (row->port_id, vb->val.string, row->port_length);
            break;
        case C_LLDP_PORT_DESC: read_text (row->port_descr, sizeof row->port_descr, vb); break;
        case C_LLDP_SYS_NAME: read_text (row->name, sizeof row->name, vb); break;
        case C_LLDP_MAN_ADDR: {
            //  the address is in the index: subtype (1 IPv4, 2 IPv6), length, bytes
            u_char bytes [16];
            size_t length = arcs > 4? index [4]: 0;
            if ((length == 4 || length == 16) && arcs == 5 + length && !*row->address) {
                for (size_t i = 0; i < length; i++)
                    bytes [i] = (u_char) index [5 + i];
                s_address_text (row->address, sizeof row->address, bytes, length);
            }
            break;
        }
        case C_CDP_ADDR:
            s_address_text (row->address, sizeof row->address, vb->val.string, vb->val_len);
            break;
        case C_CDP_DEVICE:   read_text (row->name, sizeof row->name, vb); break;
        case C_CDP_PORT:     read_text (row->port, sizeof row->port, vb); break;
        case C_CDP_PLATFORM: read_text (row->platform, sizeof row->platform, vb); break;
        default: break;
    }
}

//  One cell of a column
static void
s_cell (device_t *self, column_id_t column, const netsnmp_variable_list *vb)
{
    walk_t *walk = self->walk;
    const oid *index = vb->name + oids_columns [column].length;
    size_t arcs = vb->name_length - oids_columns [column].length;
    if (column == C_CPU) {
        if (*vb->val.integer >= 0 && *vb->val.integer <= 100) {
            walk->cpu_sum += (double) *vb->val.integer;
            walk->cpu_count++;
        }
        return;
    }
    if (column >= C_ST_TYPE && column <= C_ST_USED) {
        s_storage_cell (self, column, (int64_t) index [0], vb);
        return;
    }
    if (column >= C_ARP_PHYS) {
        arp_cell (self, column, index, arcs, vb);
        return;
    }
    if (column >= C_LLDP_LOC_PORT) {
        s_neighbour_cell (self, column, index, arcs, vb);
        return;
    }
    iface_t *iface = s_iface (self, (int64_t) index [0]);
    iface->generation = self->generation;
    iface->seen |= 1u << column;
    switch (column) {
        case C_DESCR:   read_text (iface->descr, sizeof iface->descr, vb); break;
        case C_NAME:    read_text (iface->name, sizeof iface->name, vb); break;
        case C_ALIAS:   read_text (iface->alias, sizeof iface->alias, vb); break;
        case C_TYPE:    iface->type = (int) *vb->val.integer; break;
        case C_MTU:     iface->mtu = (int) *vb->val.integer; break;
        case C_SPEED:   iface->speed = (uint32_t) *vb->val.integer; break;
        case C_HIGH_SPEED: iface->high_speed = (uint32_t) *vb->val.integer; break;
        case C_PHYS:
            if (vb->val_len == 6)
                snprintf (iface->mac, sizeof iface->mac, "%02x:%02x:%02x:%02x:%02x:%02x",
                          vb->val.string [0], vb->val.string [1], vb->val.string [2],
                          vb->val.string [3], vb->val.string [4], vb->val.string [5]);
            break;
        case C_ADMIN:
        case C_OPER: {
            long state = *vb->val.integer;
            if (state < 1 || state > 7) {
                self->poller->stats.bad_values++;
                poll_complain (self, "interface %lld: status %ld is not an IF-MIB status",
                            (long long) index, state);
                state = 4;
            }
            if (column == C_ADMIN)
                iface->admin = (int) state;
            else
                iface->oper = (int) state;
            break;
        }
        case C_IN_OCT:  iface->counter [R_IN_BPS] = (uint32_t) *vb->val.integer; break;
        case C_OUT_OCT: iface->counter [R_OUT_BPS] = (uint32_t) *vb->val.integer; break;
        case C_IN_ERR:  iface->counter [R_IN_ERR] = (uint32_t) *vb->val.integer; break;
        case C_OUT_ERR: iface->counter [R_OUT_ERR] = (uint32_t) *vb->val.integer; break;
        case C_IN_DISC: iface->counter [R_IN_DISC] = (uint32_t) *vb->val.integer; break;
        case C_OUT_DISC: iface->counter [R_OUT_DISC] = (uint32_t) *vb->val.integer; break;
        case C_HC_IN:
            iface->hc_in = ((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low;
            iface->has_hc_in = true;
            break;
        case C_HC_OUT:
            iface->hc_out = ((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low;
            iface->has_hc_out = true;
            break;
        default:
            break;
    }
}

//  A walk response: each varbind advances its column or ends it. Returns
//  the varbinds taken.
int
read_walk (device_t *self, netsnmp_pdu *pdu)
{
    walk_t *walk = self->walk;
    if (!walk->read_ns)
        walk->read_ns = vd_mono_ns ();
    int position = 0, taken = 0;
    bool ended [C_COLUMNS] = { false };
    for (netsnmp_variable_list *vb = pdu->variables; vb; vb = vb->next_variable, position++) {
        if (walk->nasked == 0)
            break;
        int column = walk->asked [position % walk->nasked];
        if (!walk->active [column] || ended [column])
            continue;
        size_t base = oids_columns [column].length;
        int arcs = oids_columns [column].index;
        if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT
        ||  vb->type == SNMP_NOSUCHINSTANCE || vb->name_length <= base
        ||  (arcs && vb->name_length != base + (size_t) arcs)
        ||  snmp_oidtree_compare (vb->name, vb->name_length, oids_columns [column].base, base) != 0) {
            ended [column] = true;      //  past the column: it is done
            continue;
        }
        if (vb->name_length > MAX_WALK_OID) {
            //  an index longer than any real table's (a column of any index
            //  length, like lldpRemManAddrTable's): the slot cannot hold it
            ended [column] = true;
            self->poller->stats.walk_errors++;
            poll_complain (self, "column %d: an OID of %zu arcs, more than %d: stopped", column,
                        vb->name_length, MAX_WALK_OID);
            continue;
        }
        if (snmp_oid_compare (vb->name, vb->name_length, walk->last [column], walk->length [column]) <= 0) {
            ended [column] = true;
            self->poller->stats.walk_errors++;
            poll_complain (self, "column %d of the walk went backwards (agent bug): stopped", column);
            continue;
        }
        memcpy (walk->last [column], vb->name, vb->name_length * sizeof (oid));
        walk->length [column] = vb->name_length;
        if (++walk->rows [column] > MAX_ROWS) {
            ended [column] = true;
            self->poller->stats.walk_errors++;
            poll_complain (self, "a table with more than %d rows: cut", MAX_ROWS);
            continue;
        }
        if (vb->type != oids_columns [column].type
        ||  (vb->type != ASN_OCTET_STR && vb->type != ASN_OBJECT_ID && !vb->val.integer)
        ||  (vb->type == ASN_COUNTER64 && vb->val_len < sizeof (struct counter64))) {
            self->poller->stats.bad_values++;
            poll_complain (self, "column %d: a value of type 0x%02x, not 0x%02x", column, vb->type,
                        oids_columns [column].type);
            continue;
        }
        s_cell (self, (column_id_t) column, vb);
        taken++;
    }
    for (int c = 0; c < C_COLUMNS; c++)
        if (ended [c])
            walk->active [c] = false;
    return taken;
}

bool
read_number (const netsnmp_variable_list *vb, double *value)
{
    switch (vb->type) {
        case ASN_INTEGER:
            *value = (double) *vb->val.integer;
            return true;
        case ASN_COUNTER:
        case ASN_GAUGE:
        case ASN_TIMETICKS:
        case ASN_UINTEGER:
            *value = (double) (uint32_t) *vb->val.integer;
            return true;
        case ASN_COUNTER64:
            *value = (double) (((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low);
            return true;
        case ASN_OCTET_STR: {
            //  UCD's laLoad and many vendors' gauges are numbers as text
            char text [32];
            size_t length = vb->val_len < sizeof text - 1? vb->val_len: sizeof text - 1;
            memcpy (text, vb->val.string, length);
            text [length] = 0;
            char *end;
            *value = strtod (text, &end);
            return length > 0 && *end == 0 && isfinite (*value);
        }
        default:
            return false;
    }
}

//  A scalars response: values kept by position. Returns the values taken.
int
read_scalars (device_t *self, netsnmp_pdu *pdu)
{
    int position = 0, taken = 0;
    for (netsnmp_variable_list *vb = pdu->variables; vb && position < self->nasked;
         vb = vb->next_variable, position++) {
        int id = self->asked [position];
        const oid *name = id < S_STANDARD? oids_scalars [id].name: self->custom [id - S_STANDARD].name;
        size_t length = id < S_STANDARD? oids_scalars [id].length: self->custom [id - S_STANDARD].length;
        if (snmp_oid_compare (vb->name, vb->name_length, name, length) != 0) {
            self->poller->stats.bad_values++;
            poll_complain (self, "a response with varbinds out of order");
            break;
        }
        if (vb->type == SNMP_NOSUCHOBJECT || vb->type == SNMP_NOSUCHINSTANCE
        ||  vb->type == SNMP_ENDOFMIBVIEW || vb->type == ASN_NULL)
            continue;
        if (self->values [id])
            snmp_free_var (self->values [id]);
        //  one varbind: snmp_clone_varbind would copy the rest of the list too
        self->values [id] = NULL;
        snmp_varlist_add_variable (&self->values [id], vb->name, vb->name_length, vb->type,
                                   vb->val.string, vb->val_len);
        taken++;
    }
    return taken;
}
