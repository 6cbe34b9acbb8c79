/*  probe/snmp/arp.c: the device's ARP and neighbour tables, read in full
    walks: which MAC had which address, the evidence meshd keeps beside
    the PPP sessions (ip-history).

        ipNetToPhysicalTable    IP-MIB (RFC 4293), IPv4 and IPv6: index
                                ifIndex, address type, length, bytes
        ipNetToMediaTable       the older RFC 1213 table, IPv4 only:
                                index ifIndex, a.b.c.d (some agents have
                                only this one)

    The two name the same IPv4 entries: rows are kept by interface and
    address. Entries of type invalid (2) and the device's own addresses
    (local, 5) say nothing of anyone else and are left out, as are
    incomplete ones (no MAC).                                              */
#include "device.h"

static arp_t *
s_row (device_t *self, int64_t ifindex, const char *address)
{
    char key [64];
    snprintf (key, sizeof key, "%lld/%s", (long long) ifindex, address);
    arp_t *row = (arp_t *) zhashx_lookup (self->arp, key);
    if (!row && zhashx_size (self->arp) < MAX_ARP) {
        row = (arp_t *) zmalloc (sizeof (arp_t));
        row->ifindex = ifindex;
        snprintf (row->address, sizeof row->address, "%s", address);
        zhashx_insert (self->arp, key, row);
    }
    return row;
}

void
arp_cell (device_t *self, column_id_t column, const oid *index, size_t arcs, const netsnmp_variable_list *vb)
{
    bool media = column == C_MEDIA_PHYS || column == C_MEDIA_TYPE;
    //  an ifIndex, then bytes
    for (size_t i = 0; i < arcs; i++)
        if (index [i] > (i == 0? 0x7fffffffUL: 255UL))
            return;
    //  ipNetToMediaTable: ifIndex, a.b.c.d; ipNetToPhysicalTable: ifIndex,
    //  InetAddressType (1 ipv4, 2 ipv6; zoned ones are not ours to read),
    //  length, the bytes
    if (!media && (arcs < 3 || index [2] != arcs - 3
    ||  !((index [1] == 1 && index [2] == 4) || (index [1] == 2 && index [2] == 16))))
        return;
    size_t length = media? 4: index [2];
    const oid *at = media? index + 1: index + 3;
    u_char bytes [16];
    for (size_t i = 0; i < length; i++)
        bytes [i] = (u_char) at [i];
    char address [INET6_ADDRSTRLEN];
    if (!inet_ntop (length == 4? AF_INET: AF_INET6, bytes, address, sizeof address))
        return;
    arp_t *row = s_row (self, (int64_t) index [0], address);
    if (!row)
        return;
    if (column == C_ARP_TYPE || column == C_MEDIA_TYPE)
        row->type = (int) *vb->val.integer;
    else
    if (vb->val_len == 6)
        snprintf (row->mac, sizeof row->mac, "%02x:%02x:%02x:%02x:%02x:%02x", vb->val.string [0],
                  vb->val.string [1], vb->val.string [2], vb->val.string [3], vb->val.string [4],
                  vb->val.string [5]);
}

json_t *
arp_json (device_t *self)
{
    json_t *list = json_array ();
    for (arp_t *row = (arp_t *) zhashx_first (self->arp); row; row = (arp_t *) zhashx_next (self->arp)) {
        if (!*row->mac || row->type == 2 || row->type == 5)
            continue;
        char key [24];
        snprintf (key, sizeof key, "%lld", (long long) row->ifindex);
        iface_t *iface = (iface_t *) zhashx_lookup (self->ifs, key);
        json_t *entry = json_pack ("{s:s, s:s}", "address", row->address, "mac", row->mac);
        if (iface && (*iface->name || *iface->descr))
            json_object_set_new (entry, "interface", json_string (*iface->name? iface->name: iface->descr));
        json_array_append_new (list, entry);
    }
    return list;
}
