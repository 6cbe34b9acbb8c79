/*  probe/snmp/lldp.h: LLDP's identifiers as an engineer reads them.

    A neighbour's chassis ID and port ID come with a subtype saying what
    they are (LLDP-MIB LldpChassisIdSubtype, LldpPortIdSubtype): a MAC
    address, a network address (an IANA family byte, then the address),
    an interface name or alias, a locally assigned string (often the
    ifIndex), a component. The bytes are shown by what they are: a MAC as
    a MAC even when its bytes happen to be printable.                   */
#ifndef PROBE_SNMP_LLDP_H_INCLUDED
#define PROBE_SNMP_LLDP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

//  The subtype as a word: mac, address, ifname, ifalias, local, component,
//  circuit; "" if unknown. port: a port ID's subtype, else a chassis ID's.
const char *lldp_subtype_word (int subtype, bool port);

//  The identifier's text by its subtype: aa:bb:cc:dd:ee:ff, 192.0.2.1,
//  ge-0/0/1; bytes that are not what the subtype says are shown as text
//  if printable, else as hex bytes joined by colons.
void lldp_id_text (int subtype, bool port, const unsigned char *bytes, size_t length,
                   char *out, size_t size);

#endif
