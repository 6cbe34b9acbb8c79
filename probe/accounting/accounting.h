/*  probe/accounting: RADIUS accounting (RFC 2866) from the NASes meshd
    names, each request a record that meshd keeps as a PPP session.

        dictionary.c  the attribute dictionary: data/radius/dictionary, in
                      FreeRADIUS's format, compiled in
        packet.c      a datagram: checked, its Request Authenticator
                      verified, decoded into a record; the response
        server.c      the UDP server inside the listen actor: NASes and
                      their secrets from CONFIG, retransmits, the answer
                      once the record is in the spool, counters            */
#ifndef PROBE_ACCOUNTING_H_INCLUDED
#define PROBE_ACCOUNTING_H_INCLUDED

#include "vedette.h"
#include <sys/socket.h>

#define RADIUS_MAX_PACKET   4096        //  RFC 2865 3
#define RADIUS_HEADER       20

//  -- dictionary.c

typedef enum {
    RADIUS_STRING, RADIUS_OCTETS, RADIUS_INTEGER, RADIUS_DATE, RADIUS_IPADDR,
    RADIUS_IPV6ADDR, RADIUS_IPV6PREFIX, RADIUS_IFID
} radius_type_t;

typedef struct {
    char *name;
    uint32_t vendor;            //  0: a standard attribute
    uint8_t number;
    radius_type_t type;
} radius_attribute_t;

typedef struct _radius_dictionary_t radius_dictionary_t;

//  Reads a dictionary in FreeRADIUS's format (ATTRIBUTE, VALUE, VENDOR,
//  BEGIN-VENDOR, END-VENDOR); NULL and *error (caller frees) naming the
//  line that is wrong.
radius_dictionary_t *radius_dictionary_new (const char *text, char **error);
void radius_dictionary_destroy (radius_dictionary_t **self_p);
//  The shipped dictionary's text (data/radius/dictionary, scripts/embed-data)
extern const char *probe_radius_dictionary;
const radius_attribute_t *radius_dictionary_find (const radius_dictionary_t *self, uint32_t vendor,
                                                  uint8_t number);
//  A value's name (VALUE lines), NULL if it has none
const char *radius_dictionary_value (const radius_dictionary_t *self, const radius_attribute_t *attribute,
                                     uint32_t value);

//  -- packet.c

typedef enum {
    RADIUS_OK,
    RADIUS_MALFORMED,           //  too short or long, a length that lies, a broken attribute
    RADIUS_NOT_ACCOUNTING,      //  a code other than Accounting-Request
    RADIUS_BAD_AUTHENTICATOR    //  not signed with the NAS's secret
} radius_check_t;

//  Checks a datagram: its lengths, that it is an Accounting-Request, and
//  with a secret its Request Authenticator (RFC 2866 3). *why says what
//  is wrong.
radius_check_t radius_packet_check (const uint8_t *data, size_t size, const char *secret, const char **why);
//  A checked request as a record: status (start, stop, interim, on, off,
//  or the number), the fields meshd keeps (user, session_id,
//  multi_session_id, nas_ip, nas_identifier, nas_port, nas_port_id,
//  calling_station, called_station, framed_ip, framed_ipv6, framed_prefix,
//  delegated_prefix, interface_id, input_octets and output_octets with
//  their gigawords, session_time, terminate_cause, delay, event_ts,
//  interim_interval) and attributes, every attribute by its dictionary
//  name (Attr-N or Vendor-V-Attr-N in hex when unknown; a list when it
//  repeats). Text is valid UTF-8.
json_t *radius_packet_decode (const radius_dictionary_t *dictionary, const uint8_t *data, size_t size);
//  The Accounting-Response to a checked request (RFC 2866 3)
void radius_packet_response (const uint8_t *request, const char *secret, uint8_t response [RADIUS_HEADER]);

//  -- server.c

typedef struct _radius_server_t radius_server_t;

//  Called with each new request's record (the callee's; its "nas" names
//  the NAS); number is what radius_server_answer takes once it is
//  spooled. False if it could not be taken: the request is forgotten, and
//  the NAS's retransmit is a new request.
typedef bool (radius_emit_fn) (void *arg, json_t *record, uint64_t number);

typedef struct {
    uint64_t received;          //  datagrams read
    uint64_t accepted;          //  new requests passed on
    uint64_t answered;          //  responses sent (retransmits' too)
    uint64_t duplicates;        //  retransmits, stored once
    uint64_t unanswered;        //  accepted, not spooled (or not within a minute)
    uint64_t unknown_nas;       //  from an address no NAS has
    uint64_t bad_authenticator; //  not signed with the NAS's secret
    uint64_t malformed;         //  not a sound Accounting-Request
    uint64_t queue;             //  too many waiting for the spool
} radius_stats_t;

typedef struct {
    uint64_t requests, accepted, answered, duplicates, bad_authenticator, malformed;
} radius_nas_stats_t;

//  Listens on a UDP endpoint ("127.0.0.1:1813", "[::]:1813"). NULL and
//  a fresh *error if it cannot. No rate limit: a datagram from an address
//  no NAS has is dropped before anything else, and a NAS's own requests
//  are what the probe is for.
radius_server_t *radius_server_new (const char *endpoint, int rcvbuf, radius_emit_fn *emit, void *arg,
                                    char **error);
void radius_server_destroy (radius_server_t **self_p);
//  Takes CONFIG's "nas": [{name, address, secret}], replacing the NASes
void radius_server_configure (radius_server_t *self, json_t *config);
size_t radius_server_nases (radius_server_t *self);
int radius_server_fd (radius_server_t *self);
//  Reads and handles the datagrams waiting (a bounded number)
void radius_server_read (radius_server_t *self);
//  Answers the request numbered so: its record is in the spool (kept), or
//  forgets it: it is not, and the NAS's retransmit is a new request
void radius_server_answer (radius_server_t *self, uint64_t number, bool kept);
void radius_server_stats (radius_server_t *self, radius_stats_t *stats);
//  Per NAS, by name: requests, accepted, answered, duplicates,
//  bad_authenticator, malformed
json_t *radius_server_nas_stats (radius_server_t *self);

#endif
