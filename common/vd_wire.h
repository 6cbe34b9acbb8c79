/*  vd_wire: the mesh wire codec.

    A mesh message is three frames: [command] [header JSON object] [payload].
    Samples travel in the payload of DATA as fixed 28-byte little-endian
    records (series_id u64, ts_us i64, value f64, flags u32) so the hot path
    never parses text. See vedette-mesh(7).                                  */
#ifndef VD_WIRE_H_INCLUDED
#define VD_WIRE_H_INCLUDED

#include <czmq.h>
#include <jansson.h>

#define VD_WIRE_PROTOCOL        1
#define VD_SAMPLE_SIZE          28
#define VD_WIRE_MAX_COMMAND     16
//  ZMTP heartbeats of every TCP socket of the mesh, the API and the events:
//  a peer silent for VD_WIRE_HEARTBEAT_TIMEOUT ms is gone (half-open
//  connections of crashed or cut-off clients are closed)
#define VD_WIRE_HEARTBEAT_IVL       2000
#define VD_WIRE_HEARTBEAT_TIMEOUT   6000
//  A CURVE handshake must be done within this many ms: four round trips,
//  which over a lossy link of a second's round trip, a lost segment
//  costing a retransmission timeout, can take 10 s
#define VD_WIRE_HANDSHAKE_IVL       15000
#define VD_WIRE_MAX_HEADER      (256 * 1024)
#define VD_WIRE_MAX_PAYLOAD     (4 * 1024 * 1024)
#define VD_WIRE_MAX_MESSAGE     (VD_WIRE_MAX_PAYLOAD + VD_WIRE_MAX_HEADER + 1024)

//  Sample flags
#define VD_SAMPLE_LOST          0x01    //  no answer: value is meaningless

//  One measurement of one series.
typedef struct {
    uint64_t series_id;         //  series, assigned by meshd
    int64_t ts_us;              //  when it was measured, µs since the epoch
    double value;               //  the value, in the series' unit
    uint32_t flags;             //  VD_SAMPLE_*
} vd_sample_t;

//  A decoded mesh message. Owns its header and payload.
typedef struct {
    char command [VD_WIRE_MAX_COMMAND + 1];  //  HELLO, DATA, ACK, ...
    json_t *header;             //  always a JSON object
    zframe_t *payload;          //  may be empty, never NULL
} vd_wire_t;

//  Writes one sample as 28 little-endian bytes.
void vd_sample_encode (const vd_sample_t *sample, byte *out);
//  Reads one sample from 28 little-endian bytes.
void vd_sample_decode (const byte *in, vd_sample_t *sample);
//  Number of samples in a payload of size bytes, or -1 if the size is not a
//  whole number of records or is over the limit.
int vd_samples_count (size_t size);
//  True if command is one of the mesh protocol's commands.
bool vd_wire_command_known (const char *command);
//  Decodes a message (routing frames already removed); takes ownership of
//  *msg_p. Returns NULL and sets *error to a static reason on bad input.
vd_wire_t *vd_wire_decode (zmsg_t **msg_p, const char **error);
//  Destroys a decoded message; accepts NULL.
void vd_wire_destroy (vd_wire_t **self_p);
//  Builds a message; header may be NULL (sent as {}), payload may be NULL.
zmsg_t *vd_wire_encode (const char *command, json_t *header, const void *payload, size_t size);
//  Sends a message on sock, first prefixed with routing (may be NULL).
//  Returns 0 or -1.
int vd_wire_send (void *sock, zframe_t *routing, const char *command, json_t *header,
                  const void *payload, size_t size);
//  An 8-byte frame as an int64 (native order, inproc only); 0 otherwise.
int64_t vd_frame_i64 (zframe_t *frame);
//  Integer field of a header, or def when absent or not an integer.
int64_t vd_wire_int (vd_wire_t *self, const char *name, int64_t def);
//  String field of a header, or NULL.
const char *vd_wire_str (vd_wire_t *self, const char *name);

#endif
