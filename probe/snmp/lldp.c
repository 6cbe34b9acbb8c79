/*  probe/snmp/lldp.c: LLDP's identifiers by their subtypes (see lldp.h). */
#include "lldp.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

//  LldpChassisIdSubtype and LldpPortIdSubtype, 1 to 7
static const char *s_chassis_words [] = { "", "component", "ifalias", "component", "mac",
                                          "address", "ifname", "local" };
static const char *s_port_words [] = { "", "ifalias", "component", "mac", "address",
                                       "ifname", "circuit", "local" };

const char *
lldp_subtype_word (int subtype, bool port)
{
    if (subtype < 1 || subtype > 7)
        return "";
    return port? s_port_words [subtype]: s_chassis_words [subtype];
}

static void
s_hex (const unsigned char *bytes, size_t length, char *out, size_t size)
{
    size_t used = 0;
    *out = 0;
    for (size_t i = 0; i < length && used + 4 < size; i++)
        used += (size_t) snprintf (out + used, size - used, "%s%02x", i? ":": "", bytes [i]);
}

void
lldp_id_text (int subtype, bool port, const unsigned char *bytes, size_t length,
              char *out, size_t size)
{
    const char *word = lldp_subtype_word (subtype, port);
    *out = 0;
    if (size == 0)
        return;
    if (strcmp (word, "mac") == 0 && length == 6) {
        s_hex (bytes, length, out, size);
        return;
    }
    if (strcmp (word, "address") == 0 && length >= 1) {
        //  IANA address family: 1 IPv4, 2 IPv6
        if ((bytes [0] == 1 && length == 5 && inet_ntop (AF_INET, bytes + 1, out, (socklen_t) size))
        ||  (bytes [0] == 2 && length == 17 && inet_ntop (AF_INET6, bytes + 1, out, (socklen_t) size)))
            return;
    }
    bool printable = length > 0;
    for (size_t i = 0; i < length && printable; i++)
        printable = bytes [i] >= 0x20 && bytes [i] < 0x7f;
    if (printable)
        snprintf (out, size, "%.*s", (int) length, (const char *) bytes);
    else
        s_hex (bytes, length, out, size);
}
