/*  Fuzz target: the SNMP poller's handling of a response PDU's varbinds
    (probe/snmp.c): any bytes net-snmp parses as a PDU are fed, as the
    answer of a GET of the system scalars and as a walk of every interface
    column, to a device of their own, and two reports are made from them
    (the second has rates). Wrong types, wrong lengths, OIDs out of their
    column, going backwards or too long, counters of any value: never a
    crash, never a read out of bounds.                                     */
#include "../../probe/snmp/snmp.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static bool quiet;
    if (!quiet) {
        zsys_set_logstream (NULL);
        zsys_set_logsystem (false);
        quiet = true;
    }
    int taken = poller_fuzz (data, size);
    assert (taken >= -1);
    return 0;
}
