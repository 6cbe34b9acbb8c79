/*  Fuzz target: probe/syslog.c on any bytes. The message must come out as
    valid UTF-8 without control characters, within its bound.               */
#include "../../probe/syslog.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    syslog_msg_t msg;
    if (syslog_parse ((const char *) data, size, 1795262400LL * 1000000, &msg) == 0) {
        size_t length = strlen (msg.message);
        assert (length <= SYSLOG_MAX_MESSAGE * 3);
        for (size_t i = 0; i < length; i++)
            assert ((unsigned char) msg.message [i] >= 0x20 && msg.message [i] != 0x7F);
        assert (msg.facility >= 0 && msg.facility < 24 && msg.severity >= 0 && msg.severity < 8);
        syslog_msg_free (&msg);
    }
    return 0;
}
