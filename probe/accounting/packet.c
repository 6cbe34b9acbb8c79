/*  probe/accounting/packet.c: one RADIUS accounting datagram. RFC 2865 3
    and 5 for the layout (code, identifier, length, authenticator, then
    type-length-value attributes; Vendor-Specific, 26, holds a vendor id
    and its own type-length-value attributes), RFC 2866 3 for the
    authenticators: the request's is MD5 (code, identifier, length, 16
    zero octets, attributes, secret), the response's MD5 (code 5,
    identifier, length, the request's authenticator, secret). MD5 is
    OpenSSL's.                                                            */
#include "accounting/accounting.h"
#include <arpa/inet.h>
#include <openssl/evp.h>

#define CODE_ACCOUNTING_REQUEST     4
#define CODE_ACCOUNTING_RESPONSE    5
#define VENDOR_SPECIFIC             26
#define MAX_TEXT                    1024    //  longer text is cut

//  MD5 of parts: pointers and sizes, ended by NULL
static void
s_md5 (uint8_t digest [16], ...)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new ();
    EVP_DigestInit_ex (context, EVP_md5 (), NULL);
    va_list args;
    va_start (args, digest);
    for (const void *part = va_arg (args, const void *); part; part = va_arg (args, const void *))
        EVP_DigestUpdate (context, part, va_arg (args, size_t));
    va_end (args);
    unsigned int size = 16;
    EVP_DigestFinal_ex (context, digest, &size);
    EVP_MD_CTX_free (context);
}

//  The length the header states, checked against what arrived
static size_t
s_length (const uint8_t *data, size_t size)
{
    size_t length = size >= RADIUS_HEADER? ((size_t) data [2] << 8) | data [3]: 0;
    return length >= RADIUS_HEADER && length <= size && length <= RADIUS_MAX_PACKET? length: 0;
}

radius_check_t
radius_packet_check (const uint8_t *data, size_t size, const char *secret, const char **why)
{
    *why = NULL;
    size_t length = s_length (data, size);
    if (!length) {
        *why = size < RADIUS_HEADER? "shorter than a header": size > RADIUS_MAX_PACKET? "over 4096 bytes"
             : "its length field is wrong";
        return RADIUS_MALFORMED;
    }
    //  octets past the length are padding (RFC 2865 3): ignored
    for (size_t at = RADIUS_HEADER; at < length; ) {
        if (at + 2 > length || data [at + 1] < 2 || at + data [at + 1] > length) {
            *why = "an attribute's length runs past the packet or is under 2";
            return RADIUS_MALFORMED;
        }
        at += data [at + 1];
    }
    if (data [0] != CODE_ACCOUNTING_REQUEST) {
        *why = "not an Accounting-Request";
        return RADIUS_NOT_ACCOUNTING;
    }
    if (secret) {
        static const uint8_t zeros [16] = { 0 };
        uint8_t digest [16];
        s_md5 (digest, data, (size_t) 4, zeros, sizeof zeros, data + RADIUS_HEADER, length - RADIUS_HEADER,
               secret, strlen (secret), NULL);
        if (CRYPTO_memcmp (digest, data + 4, 16) != 0) {
            *why = "the Request Authenticator does not match the NAS's secret";
            return RADIUS_BAD_AUTHENTICATOR;
        }
    }
    return RADIUS_OK;
}

void
radius_packet_response (const uint8_t *request, const char *secret, uint8_t response [RADIUS_HEADER])
{
    response [0] = CODE_ACCOUNTING_RESPONSE;
    response [1] = request [1];
    response [2] = 0;
    response [3] = RADIUS_HEADER;
    uint8_t digest [16];
    s_md5 (digest, response, (size_t) 4, request + 4, (size_t) 16, secret, strlen (secret), NULL);
    memcpy (response + 4, digest, 16);
}

static uint32_t
s_uint32 (const uint8_t *data)
{
    return (uint32_t) data [0] << 24 | (uint32_t) data [1] << 16 | (uint32_t) data [2] << 8 | data [3];
}

static json_t *
s_hex (const uint8_t *data, size_t size)
{
    char text [2 + 2 * 255 + 1] = "0x";
    for (size_t i = 0; i < size && i < 255; i++)
        snprintf (text + 2 + 2 * i, 3, "%02x", data [i]);
    return json_string (text);
}

//  A value as its type says, or NULL if its length does not fit the type
static json_t *
s_value (const radius_dictionary_t *dictionary, const radius_attribute_t *attribute,
         const uint8_t *data, size_t size)
{
    char text [INET6_ADDRSTRLEN + 8];
    switch (attribute->type) {
        case RADIUS_STRING: {
            bool truncated;
            char *clean = vd_utf8_clean ((const char *) data, size, MAX_TEXT, &truncated);
            json_t *value = json_string (clean);
            free (clean);
            return value;
        }
        case RADIUS_OCTETS:
            return s_hex (data, size);
        case RADIUS_INTEGER: {
            if (size != 4)
                return NULL;
            const char *name = radius_dictionary_value (dictionary, attribute, s_uint32 (data));
            return name? json_string (name): json_integer (s_uint32 (data));
        }
        case RADIUS_DATE:
            return size == 4? json_integer (s_uint32 (data)): NULL;
        case RADIUS_IPADDR:
            return size == 4 && inet_ntop (AF_INET, data, text, sizeof text)? json_string (text): NULL;
        case RADIUS_IPV6ADDR:
            return size == 16 && inet_ntop (AF_INET6, data, text, sizeof text)? json_string (text): NULL;
        case RADIUS_IPV6PREFIX: {
            //  reserved, prefix length, then the prefix's significant octets
            if (size < 2 || size > 18 || data [1] > 128 || (size_t) (data [1] + 7) / 8 > size - 2)
                return NULL;
            uint8_t address [16] = { 0 };
            memcpy (address, data + 2, size - 2);
            inet_ntop (AF_INET6, address, text, sizeof text);
            size_t used = strlen (text);
            snprintf (text + used, sizeof text - used, "/%u", data [1]);
            return json_string (text);
        }
        case RADIUS_IFID:
            if (size != 8)
                return NULL;
            snprintf (text, sizeof text, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", data [0], data [1], data [2],
                      data [3], data [4], data [5], data [6], data [7]);
            return json_string (text);
    }
    return NULL;
}

//  Adds an attribute under its name; a repeated one becomes a list
static void
s_add (json_t *attributes, const char *name, json_t *value)
{
    json_t *before = json_object_get (attributes, name);
    if (!before)
        json_object_set_new (attributes, name, value);
    else
    if (json_is_array (before))
        json_array_append_new (before, value);
    else
        json_object_set_new (attributes, name, json_pack ("[O, o]", before, value));
}

//  One attribute (vendor 0) or vendor sub-attribute
static void
s_attribute (const radius_dictionary_t *dictionary, json_t *attributes, uint32_t vendor, uint8_t number,
             const uint8_t *data, size_t size)
{
    const radius_attribute_t *attribute = radius_dictionary_find (dictionary, vendor, number);
    json_t *value = attribute? s_value (dictionary, attribute, data, size): NULL;
    if (value) {
        s_add (attributes, attribute->name, value);
        return;
    }
    //  unknown, or a length its type does not allow: kept in hex
    char name [48];
    if (vendor)
        snprintf (name, sizeof name, "Vendor-%u-Attr-%u", (unsigned) vendor, number);
    else
        snprintf (name, sizeof name, "Attr-%u", number);
    s_add (attributes, name, s_hex (data, size));
}

//  Vendor-Specific: a vendor id and its attributes, or kept whole in hex
//  when they do not parse (RFC 2865 5.26's format is only a SHOULD)
static void
s_vendor (const radius_dictionary_t *dictionary, json_t *attributes, const uint8_t *data, size_t size)
{
    uint32_t vendor = size >= 4? s_uint32 (data): 0;
    bool sound = size >= 6 && vendor;
    for (size_t at = 4; sound && at < size; ) {
        sound = at + 2 <= size && data [at + 1] >= 2 && at + data [at + 1] <= size;
        if (sound)
            at += data [at + 1];
    }
    if (!sound) {
        s_add (attributes, "Vendor-Specific", s_hex (data, size));
        return;
    }
    for (size_t at = 4; at < size; at += data [at + 1])
        s_attribute (dictionary, attributes, vendor, data [at], data + at + 2, data [at + 1] - 2u);
}

//  A record's field from an attribute, if it is there (the first if repeated)
static json_t *
s_first (json_t *attributes, const char *name)
{
    json_t *value = json_object_get (attributes, name);
    return json_is_array (value)? json_array_get (value, 0): value;
}

static int64_t
s_int (json_t *attributes, const char *name)
{
    json_t *value = s_first (attributes, name);
    return json_is_integer (value)? json_integer_value (value): 0;
}

static json_t *
s_octets (json_t *attributes, const char *octets, const char *gigawords)
{
    uint64_t high = (uint64_t) s_int (attributes, gigawords) & 0x7fffffff;
    return json_integer ((json_int_t) (high << 32 | (uint32_t) s_int (attributes, octets)));
}

json_t *
radius_packet_decode (const radius_dictionary_t *dictionary, const uint8_t *data, size_t size)
{
    size_t length = s_length (data, size);
    json_t *attributes = json_object ();
    for (size_t at = RADIUS_HEADER; length && at + 2 <= length && data [at + 1] >= 2
         && at + data [at + 1] <= length; at += data [at + 1]) {
        if (data [at] == VENDOR_SPECIFIC)
            s_vendor (dictionary, attributes, data + at + 2, data [at + 1] - 2u);
        else
            s_attribute (dictionary, attributes, 0, data [at], data + at + 2, data [at + 1] - 2u);
    }
    json_t *record = json_object ();
    json_t *status = s_first (attributes, "Acct-Status-Type");
    const char *word = json_string_value (status);
    static const char *words [][2] = { { "Start", "start" }, { "Stop", "stop" }, { "Interim-Update", "interim" },
                                       { "Accounting-On", "on" }, { "Accounting-Off", "off" } };
    json_object_set_new (record, "status", json_is_integer (status)? json_copy (status): json_string ("none"));
    for (size_t i = 0; word && i < sizeof words / sizeof words [0]; i++)
        if (streq (word, words [i][0]))
            json_object_set_new (record, "status", json_string (words [i][1]));
    static const char *fields [][2] = {
        { "user", "User-Name" }, { "session_id", "Acct-Session-Id" },
        { "multi_session_id", "Acct-Multi-Session-Id" }, { "nas_ip", "NAS-IP-Address" },
        { "nas_ipv6", "NAS-IPv6-Address" }, { "nas_identifier", "NAS-Identifier" }, { "nas_port", "NAS-Port" },
        { "nas_port_id", "NAS-Port-Id" }, { "calling_station", "Calling-Station-Id" },
        { "called_station", "Called-Station-Id" }, { "framed_ip", "Framed-IP-Address" },
        { "framed_ipv6", "Framed-IPv6-Address" }, { "framed_prefix", "Framed-IPv6-Prefix" },
        { "delegated_prefix", "Delegated-IPv6-Prefix" }, { "interface_id", "Framed-Interface-Id" },
        { "session_time", "Acct-Session-Time" }, { "terminate_cause", "Acct-Terminate-Cause" },
        { "delay", "Acct-Delay-Time" }, { "event_ts", "Event-Timestamp" },
        { "interim_interval", "Acct-Interim-Interval" }
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields [0]; i++) {
        json_t *value = s_first (attributes, fields [i][1]);
        if (value)
            json_object_set (record, fields [i][0], value);
    }
    //  octets with their gigawords (RFC 2869 5.1, 5.2), 63 bits of them
    json_object_set_new (record, "input_octets", s_octets (attributes, "Acct-Input-Octets", "Acct-Input-Gigawords"));
    json_object_set_new (record, "output_octets", s_octets (attributes, "Acct-Output-Octets", "Acct-Output-Gigawords"));
    json_object_set_new (record, "attributes", attributes);
    return record;
}
