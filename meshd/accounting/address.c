/*  meshd/accounting/address.c: addresses and prefixes as networks of 16
    bytes, IPv4 mapped into IPv6 (::ffff:0:0/96), so one index serves
    both.                                                                  */
#include "accounting/accounting.h"
#include <arpa/inet.h>

void
accounting_address_mask (uint8_t network [16], int length)
{
    for (int bit = length < 0? 0: length; bit < 128; bit++)
        network [bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
}

bool
accounting_address_parse (const char *text, uint8_t network [16], int *length)
{
    char address [INET6_ADDRSTRLEN + 8];
    if (!text || strlen (text) >= sizeof address)
        return false;
    snprintf (address, sizeof address, "%s", text);
    char *slash = strchr (address, '/');
    long bits = -1;
    if (slash) {
        char *end;
        *slash = 0;
        bits = strtol (slash + 1, &end, 10);
        if (!isdigit ((unsigned char) slash [1]) || *end)
            return false;
    }
    memset (network, 0, 16);
    struct in_addr v4;
    if (inet_pton (AF_INET, address, &v4) == 1) {
        if (bits > 32)
            return false;
        network [10] = network [11] = 0xff;
        memcpy (network + 12, &v4, 4);
        *length = (int) (bits < 0? 32: bits) + 96;
    }
    else {
        if (bits > 128 || inet_pton (AF_INET6, address, network) != 1)
            return false;
        *length = (int) (bits < 0? 128: bits);
    }
    accounting_address_mask (network, *length);
    return true;
}
