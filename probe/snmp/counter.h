/*  probe/snmp/counter.h: counters into rates, as pure functions.

    An SNMP counter only grows, then wraps: a 32-bit one at 2^32 (a
    10 Gb/s port's ifInOctets wraps every 3.4 s), a 64-bit one never in
    practice. A counter that went back is a wrap only if the line could
    have carried that much since the last reading; otherwise it was reset
    (an agent restart, a cleared counter, a line card swapped) and that
    poll gives no rate, rather than a spike of petabits.                  */
#ifndef PROBE_SNMP_COUNTER_H_INCLUDED
#define PROBE_SNMP_COUNTER_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

//  The counters of an interface, in report order: octets first
typedef enum { R_IN_BPS, R_OUT_BPS, R_IN_ERR, R_OUT_ERR, R_IN_DISC, R_OUT_DISC, R_COUNT } rate_id_t;

//  A counter's increase from before to now: true with delta set, or false
//  when it cannot be trusted: a 64-bit counter that went back, or a 32-bit
//  one whose wrap means more than max_increase (0: no bound known)
bool counter_delta (uint64_t now, uint64_t before, int bits, double max_increase, uint64_t *delta);

//  The rates of an interface between two readings seconds apart: octets
//  as bits per second, the others per second. bits (32 or 64) is the width
//  of the octet counters (errors and discards are always 32); speed_bps is
//  the line's speed, 0 if unknown: a wrap is believed only if the line
//  could have carried it (octets, or packets of the smallest Ethernet
//  frame for errors and discards; with half again for a speed reported
//  low). False
//  if any counter cannot be trusted: then no rate at all for this poll.
bool counter_rates (const uint64_t now [R_COUNT], const uint64_t before [R_COUNT], int bits,
                    uint64_t speed_bps, double seconds, double rates [R_COUNT]);

//  True if sysUpTime (ticks) went back since the last reading: the agent
//  restarted and every counter started again from zero
bool counter_rebooted (uint32_t ticks, uint32_t previous);

#endif
