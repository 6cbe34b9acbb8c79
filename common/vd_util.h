/*  vd_util: time, durations, small helpers used everywhere.  */
#ifndef VD_UTIL_H_INCLUDED
#define VD_UTIL_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <czmq.h>

//  Wall clock in microseconds since the epoch.
int64_t vd_now_us (void);
//  Monotonic clock in milliseconds.
int64_t vd_mono_ms (void);
//  Monotonic clock in nanoseconds.
int64_t vd_mono_ns (void);
//  The wall clock time (µs) of a monotonic instant (ms), with the clocks'
//  offset read now: instants on a schedule's grid keep their spacing
//  exactly, which makes a series' timestamps cost a bit each (vd_chunk).
int64_t vd_mono_to_wall_us (int64_t mono_ms);
//  Appends value as a LEB128 varint (7 bits a byte, low first).
void vd_varint_put (zchunk_t *out, uint64_t value);
//  Reads a varint at *cursor, before end, and moves past it; 0, or -1 if
//  the bytes end first or it runs past 64 bits.
int vd_varint_get (const byte **cursor, const byte *end, uint64_t *value);
//  A timestamp (µs) rounded to the nearest millisecond: what meshd stores
//  (a steady series' timestamps then cost about a bit each in a chunk).
int64_t vd_round_ms (int64_t ts_us);
//  The value rounded to decimals (0 to 15) places, as the division of an
//  integer by a power of ten: what a chunk stores in a few bits (vd_chunk).
//  Measurements round to their real resolution (an RTT to the microsecond)
//  before they become samples. NaN, infinities and huge values pass as they
//  are.
double vd_round (double value, int decimals);
//  A peer's clock against ours, measured as NTP does (RFC 5905): t1 we
//  send, t2 the peer receives, t3 the peer replies, t4 we receive, each on
//  its sender's wall clock in microseconds. The last VD_CLOCK_SAMPLES
//  exchanges are kept; the one with the shortest round trip is the best.
#define VD_CLOCK_SAMPLES 8
typedef struct {
    int64_t offset [VD_CLOCK_SAMPLES];  //  our clock minus the peer's
    int64_t delay [VD_CLOCK_SAMPLES];   //  round trip, the peer's time taken out
    int count, next;
} vd_clock_t;
//  Adds one exchange. 0, or -1 if it makes no sense (a clock stepped, the
//  peer took longer than the whole round trip) and was left out.
int vd_clock_add (vd_clock_t *self, int64_t t1, int64_t t2, int64_t t3, int64_t t4);
//  The offset and round trip of the best exchange kept; false if none.
bool vd_clock_best (const vd_clock_t *self, int64_t *offset, int64_t *delay);
//  Parses a duration ("250ms", "10s", "5m", "2h", "7d", bare number = seconds)
//  into milliseconds. Returns 0, or -1 if the text is not a duration.
int vd_duration_parse (const char *text, int64_t *ms);
//  Parses a time: ISO 8601 ("2026-11-21T10:00:00Z", "2026-11-21 10:00"),
//  relative ("-1h", "10m" meaning ago), or "now", into microseconds since the
//  epoch. Returns 0, or -1.
int vd_time_parse (const char *text, int64_t now_us, int64_t *us);
//  Parses a size: a number and an optional unit, B, k/kB, M/MB, G/GB, T/TB
//  (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). 0, or -1.
int vd_size_parse (const char *text, int64_t *bytes);
//  Parses a percentage, 0 to 100, with or without "%". 0, or -1.
int vd_percent_parse (const char *text, double *percent);
//  Formats a duration in ms as "1h05m", "12s", "350ms" into buf.
char *vd_duration_format (int64_t ms, char *buf, size_t size);
//  Reads a whole file into a fresh NUL-terminated buffer; NULL on failure.
char *vd_file_read (const char *path, size_t *size);
//  Writes data to path atomically (temporary file, fsync, rename) with mode.
int vd_file_write_atomic (const char *path, const void *data, size_t size, int mode);
//  Reads one line (a password) from a stream; strips the newline. Caller frees
//  with vd_secret_free.
char *vd_secret_read (FILE *stream);
//  Wipes and frees a secret string; accepts NULL.
void vd_secret_free (char **secret_p);
//  Makes sure a directory exists with the given mode; 0 or -1.
int vd_mkdir_p (const char *path, int mode);
//  Sets up logging: foreground to stderr, otherwise syslog with ident.
void vd_log_init (const char *ident, bool foreground, bool verbose);
//  A copy of size bytes of untrusted text cut at max bytes: valid UTF-8
//  (bad bytes become U+FFFD), control characters a space, trailing spaces
//  gone; *truncated says whether it was cut. Caller frees.
char *vd_utf8_clean (const char *data, size_t size, size_t max, bool *truncated);
//  Overwrites every string inside a JSON value (secrets) with zeros, then
//  drops the caller's reference; accepts NULL.
void vd_json_wipe (json_t *value);
//  True if the string is a well-formed IPv4 or IPv6 address.
bool vd_address_valid (const char *text);
//  Parses a numeric "HOST:PORT" ("127.0.0.1:7443", "[::1]:7443"; with
//  passive, "*:PORT" is every address) into a socket address. 0, or -1.
int vd_sockaddr_parse (const char *text, bool passive, int type,
                       struct sockaddr_storage *addr, socklen_t *length);
//  A socket (SOCK_DGRAM or SOCK_STREAM, non-blocking) bound to "HOST:PORT"
//  as vd_sockaddr_parse reads it ("*:PORT" takes IPv4 and IPv6), with a
//  receive buffer of rcvbuf bytes if > 0; streams listen. -1 on failure.
int vd_socket_bind (const char *text, int type, int rcvbuf);
//  The address of a socket address as text (an IPv4 sender on a dual-stack
//  socket is its IPv4 address); "?" if neither family. out holds
//  INET6_ADDRSTRLEN bytes.
void vd_sockaddr_text (const struct sockaddr *sa, char *out);

//  A network in CIDR notation: 198.51.100.0/24, 2001:db8::/120, or one
//  address (/32, /128).
typedef struct {
    int family;                 //  AF_INET, AF_INET6
    uint8_t address [16];       //  the network, host bits cleared
    int prefix;
} vd_cidr_t;
//  Parses "ADDRESS[/PREFIX]"; 0, or -1 if it is not one.
int vd_cidr_parse (const char *text, vd_cidr_t *cidr);
//  Addresses in the network (UINT64_MAX if 2^63 or more).
uint64_t vd_cidr_size (const vd_cidr_t *cidr);
//  True if the address (4 or 16 bytes of family) is in the network.
bool vd_cidr_contains (const vd_cidr_t *cidr, int family, const uint8_t *address);
//  The index-th address of the network (index < vd_cidr_size).
void vd_cidr_host (const vd_cidr_t *cidr, uint64_t index, uint8_t *address);



#include <signal.h>

//  Set by SIGTERM/SIGINT and SIGHUP once vd_signals_init has run.
extern volatile sig_atomic_t vd_stop, vd_reload;
//  Installs the daemons' signal handlers; SIGPIPE is ignored.
void vd_signals_init (void);
//  Sleeps until SIGTERM, SIGINT or SIGHUP arrives (a self-pipe written by
//  the handlers) or timeout_ms pass (-1: no timeout); returns at once if
//  vd_stop or vd_reload is already set. The caller looks at both.
void vd_signals_wait (int timeout_ms);
//  Creates and locks a pid file holding our pid. Returns its descriptor
//  (keep it open while running), -2 if another process holds it, -1 on error.
int vd_pidfile_lock (const char *path);

//  Complaints about bad input or a failing peer, throttled: at most one
//  line every every_ms (VD_COMPLAIN_EVERY_MS when 0) per vd_complaint_t,
//  saying how many were held back since; counters, not the log, keep the
//  full tally. The one throttle of every daemon's complaints.
#define VD_COMPLAIN_EVERY_MS    30000
typedef struct {
    int64_t every_ms;           //  0: VD_COMPLAIN_EVERY_MS
    int64_t last_ms;            //  monotonic ms of the last line logged (0: never)
    uint64_t held;              //  complaints since, not logged
} vd_complaint_t;
//  Logs a warning now, or counts it if the last was too recent. Not
//  thread-safe: one owner, or under a lock.
void vd_complain (vd_complaint_t *self, const char *format, ...) CHECK_PRINTF (2);
void vd_vcomplain (vd_complaint_t *self, const char *format, va_list args);
//  True if a complaint would be logged now; else counts it as held. For
//  callers that build their line at a cost: ask first, then vd_complain.
bool vd_complaint_due (vd_complaint_t *self);

//  Alarm severities, worst first: critical, major, minor, warning, info
//  (NULL-terminated); the one list of them in meshd and the console.
extern const char *vd_severities [];
//  A severity's rank: critical 5, major 4, minor 3, warning 2, info 1; 0 if
//  the word is no severity.
int vd_severity_rank (const char *severity);
//  True if word is one of the NULL-terminated list.
bool vd_word_in (const char *word, const char **list);
//  Asks an actor whether its setup went well ("STATUS" -> 0 or -1).
int vd_actor_status (zactor_t *actor);
//  Binds, waiting up to 5 s for an address still held by a socket just
//  closed in this process. 0 or -1 (errno in zmq_errno).
int vd_bind (zsock_t *sock, const char *endpoint);
//  Unbinds an inproc endpoint the socket bound (if it did) and destroys the
//  socket: the endpoint is free at once for the next actor to bind, where a
//  plain close frees it only when every peer has let go.
void vd_sock_close (zsock_t **sock_p, const char *endpoint);
//  Reads a command from an actor's pipe and answers STATUS (0) itself.
//  Returns the command for the caller (to free), or NULL; sets *term on
//  $TERM or when the pipe is gone.
char *vd_actor_command (zsock_t *pipe, bool *term);
//  For an actor whose setup failed: answers STATUS with -1 until $TERM.
void vd_actor_failed (zsock_t *pipe);

#endif
