/*  probe/snmp/counter.c: counters into rates. Plain growth, 32-bit wraps
    the line could carry and those it could not, 64-bit counters going
    back, an unknown speed, errors (always 32-bit), reboots.              */
#include "testing.h"
#include "../../probe/snmp/counter.h"

#define WRAP 4294967296.0

int
main (void)
{
    uint64_t delta;
    //  growth
    CHECK (counter_delta (1500, 1000, 32, 0, &delta) && delta == 500);
    CHECK (counter_delta (7, 7, 64, 0, &delta) && delta == 0);
    //  a 32-bit wrap: from 2^32 - 100 to 400 is 500 more
    CHECK (counter_delta (400, 4294967196ULL, 32, 0, &delta) && delta == 500);
    CHECK (counter_delta (400, 4294967196ULL, 32, 1000, &delta) && delta == 500);
    //  a 32-bit counter that went back by a little: a reset, not a wrap of
    //  4 GB, when the line could not have carried that much
    CHECK (!counter_delta (900, 1000, 32, 1e6, &delta));
    //  a 64-bit counter never wraps: back is a reset
    CHECK (!counter_delta (900, 1000, 64, 0, &delta));
    CHECK (!counter_delta (0, UINT64_MAX, 64, 1e30, &delta));

    //  rates: 10 s apart on a 1 Gb/s line
    uint64_t before [R_COUNT] = { 1000, 2000, 5, 6, 7, 8 };
    uint64_t now [R_COUNT] = { 1000 + 125000000, 2000 + 12500000, 15, 6, 17, 8 };
    double rates [R_COUNT];
    CHECK (counter_rates (now, before, 32, 1000000000, 10, rates));
    CHECK (rates [R_IN_BPS] == 100e6);          //  125 MB in 10 s: 100 Mb/s
    CHECK (rates [R_OUT_BPS] == 10e6);
    CHECK (rates [R_IN_ERR] == 1.0 && rates [R_OUT_ERR] == 0 && rates [R_IN_DISC] == 1.0);

    //  a 32-bit octet counter that wrapped: 1 Gb/s for 10 s is 1.25 GB,
    //  below 4 GB: a wrap in 10 s on this line is not believable...
    uint64_t wrapped [R_COUNT] = { 500, 2000, 5, 6, 7, 8 };
    CHECK (!counter_rates (wrapped, before, 32, 1000000000, 10, rates));
    //  ...but it is on a 10 Gb/s line (12.5 GB in 10 s, 18.75 with the margin)
    CHECK (counter_rates (wrapped, before, 32, 10000000000ULL, 10, rates));
    CHECK (rates [R_IN_BPS] == (WRAP - 500) * 8 / 10);
    //  with the speed unknown, a wrap is believed
    CHECK (counter_rates (wrapped, before, 32, 0, 10, rates));
    //  the same counters read as 64-bit went back: a reset, no rates
    CHECK (!counter_rates (wrapped, before, 64, 10000000000ULL, 10, rates));
    //  an error counter that went back is a reset too, even with good octets
    uint64_t errors_back [R_COUNT] = { 2000, 3000, 4, 6, 7, 8 };
    CHECK (!counter_rates (errors_back, before, 64, 1000000000, 10, rates));
    //  but an error counter that wrapped by a few is believed
    uint64_t errors_before [R_COUNT] = { 1000, 2000, 4294967290ULL, 6, 7, 8 };
    uint64_t errors_wrapped [R_COUNT] = { 1000, 2000, 10, 6, 7, 8 };
    CHECK (counter_rates (errors_wrapped, errors_before, 64, 1000000000, 10, rates));
    CHECK (rates [R_IN_ERR] == 1.6);
    //  no time between the readings: no rate
    CHECK (!counter_rates (now, before, 32, 1000000000, 0, rates));

    //  reboots: sysUpTime went back
    CHECK (counter_rebooted (100, 360000));
    CHECK (!counter_rebooted (360100, 360000));
    CHECK (!counter_rebooted (360000, 360000));
    TESTS_DONE ();
}
