/*  probe/snmp/lldp.c: LLDP chassis and port IDs by their subtypes, as
    networks send them.                                                   */
#include "testing.h"
#include "../../probe/snmp/lldp.h"

static int
s_is (int subtype, bool port, const char *bytes, size_t length, const char *expected)
{
    char text [64];
    lldp_id_text (subtype, port, (const unsigned char *) bytes, length, text, sizeof text);
    if (strcmp (text, expected)) {
        fprintf (stderr, "  subtype %d (%s): '%s', expected '%s'\n", subtype, port? "port": "chassis",
                 text, expected);
        return 0;
    }
    return 1;
}

int
main (void)
{
    //  a MAC, even one whose six bytes are printable ("AB0123")
    CHECK (s_is (3, true, "\x00\x1b\x21\x3a\x4f\x02", 6, "00:1b:21:3a:4f:02"));
    CHECK (s_is (3, true, "AB0123", 6, "41:42:30:31:32:33"));
    CHECK (s_is (4, false, "AB0123", 6, "41:42:30:31:32:33"));
    //  a port ID that is an interface name, an alias, a local number
    CHECK (s_is (5, true, "ge-0/0/1", 8, "ge-0/0/1"));
    CHECK (s_is (1, true, "uplink to core", 14, "uplink to core"));
    CHECK (s_is (7, true, "523", 3, "523"));
    CHECK (s_is (7, false, "sw1-chassis", 11, "sw1-chassis"));
    //  network addresses: IANA family, then the address
    CHECK (s_is (4, true, "\x01\xc0\x00\x02\x01", 5, "192.0.2.1"));
    CHECK (s_is (5, false, "\x02\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 17,
                 "2001:db8::1"));
    //  bytes that are not what the subtype says: text if printable, else hex
    CHECK (s_is (3, true, "eth0", 4, "eth0"));
    CHECK (s_is (4, true, "\x01\xc0\x00", 3, "01:c0:00"));
    CHECK (s_is (0, true, "\xff\x01", 2, "ff:01"));
    CHECK (s_is (0, true, "", 0, ""));
    //  the words
    CHECK (streq (lldp_subtype_word (3, true), "mac"));
    CHECK (streq (lldp_subtype_word (4, false), "mac"));
    CHECK (streq (lldp_subtype_word (5, true), "ifname"));
    CHECK (streq (lldp_subtype_word (7, true), "local"));
    CHECK (streq (lldp_subtype_word (9, true), ""));
    //  a long ID is cut, terminated
    char small [8];
    lldp_id_text (3, true, (const unsigned char *) "\x00\x1b\x21\x3a\x4f\x02", 6, small, sizeof small);
    CHECK (strlen (small) < sizeof small);
    TESTS_DONE ();
}
