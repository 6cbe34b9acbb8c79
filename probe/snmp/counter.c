/*  probe/snmp/counter.c: counters into rates (see counter.h).           */
#include "counter.h"

bool
counter_delta (uint64_t now, uint64_t before, int bits, double max_increase, uint64_t *delta)
{
    if (now >= before) {
        *delta = now - before;
        return true;
    }
    if (bits != 32)
        return false;
    *delta = now + 4294967296ULL - before;
    return !(max_increase > 0 && (double) *delta > max_increase);
}

bool
counter_rates (const uint64_t now [R_COUNT], const uint64_t before [R_COUNT], int bits,
               uint64_t speed_bps, double seconds, double rates [R_COUNT])
{
    if (seconds <= 0)
        return false;
    for (int r = 0; r < R_COUNT; r++) {
        bool octets = r <= R_OUT_BPS;
        //  a wrap is believed only if the line could have carried it: as
        //  many octets, or as many packets of the smallest Ethernet frame
        //  (84 bytes on the wire)
        double most = speed_bps? (double) speed_bps / 8 * seconds * 1.5 / (octets? 1: 84): 0;
        uint64_t delta;
        if (!counter_delta (now [r], before [r], octets? bits: 32, most, &delta))
            return false;
        rates [r] = (double) delta / seconds * (octets? 8: 1);
    }
    return true;
}

bool
counter_rebooted (uint32_t ticks, uint32_t previous)
{
    return ticks < previous;
}
