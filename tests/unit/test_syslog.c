/*  probe/syslog.c: RFC 5424 and RFC 3164 messages, and what gear really
    sends: no host, no time, bad bytes, no PRI.                             */
#include "testing.h"
#include "../../probe/syslog.h"

static int
s_parse (const char *text, syslog_msg_t *msg)
{
    syslog_msg_free (msg);
    //  2026-11-21T12:00:00Z
    return syslog_parse (text, strlen (text), 1795262400LL * 1000000, msg);
}

int
main (void)
{
    syslog_msg_t msg = { 0 };
    CHECK (s_parse ("<165>1 2026-11-21T10:00:00.123Z core1 sshd 4242 ID47 "
                    "[exampleSDID@32473 iut=\"3\" eventSource=\"App] lication\"] "
                    "\xEF\xBB\xBF" "Failed password for root", &msg) == 0);
    CHECK (msg.version == 1 && msg.facility == 20 && msg.severity == 5);
    CHECK (msg.ts_us == 1795255200123000LL);
    CHECK (streq (msg.host, "core1") && streq (msg.app, "sshd") && streq (msg.procid, "4242"));
    CHECK (streq (msg.msgid, "ID47"));
    CHECK (streq (msg.message, "Failed password for root"));

    CHECK (s_parse ("<34>1 2026-11-21T12:00:00+02:00 - - - - - hello", &msg) == 0);
    CHECK (msg.ts_us == 1795255200LL * 1000000 && !*msg.host && !*msg.app);
    CHECK (streq (msg.message, "hello"));

    CHECK (s_parse ("<13>Nov 21 11:59:00 edge2 kernel: link down\n", &msg) == 0);
    CHECK (msg.version == 0 && msg.facility == 1 && msg.severity == 5);
    CHECK (msg.ts_us == 1795262340LL * 1000000);
    CHECK (streq (msg.host, "edge2") && streq (msg.app, "kernel"));
    CHECK (streq (msg.message, "link down"));

    //  a date more than a month ahead is last year's
    CHECK (s_parse ("<13>Dec 31 23:00:00 h app: x", &msg) == 0);
    CHECK (msg.ts_us < 1795262400LL * 1000000);

    CHECK (s_parse ("<189>Nov  1 08:00:00 sw1 sshd[991]: Accepted publickey", &msg) == 0);
    CHECK (streq (msg.app, "sshd") && streq (msg.procid, "991"));
    CHECK (streq (msg.message, "Accepted publickey"));

    //  Cisco: no host, its own counters and time in the message
    CHECK (s_parse ("<187>123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down", &msg) == 0);
    CHECK (msg.ts_us == 0 && msg.severity == 3);
    CHECK (strstr (msg.message, "%LINK-3-UPDOWN") != NULL);

    //  bad bytes become U+FFFD, controls a space; never raw binary
    CHECK (s_parse ("<14>x\xff\xfe y\x01z \xC0\xAF \xED\xA0\x80", &msg) == 0);
    CHECK (strstr (msg.message, "\xEF\xBF\xBD") != NULL);
    CHECK (strchr (msg.message, '\x01') == NULL);
    CHECK (strstr (msg.message, "\xC0\xAF") == NULL);       //  overlong
    CHECK (strstr (msg.message, "\xED\xA0\x80") == NULL);   //  surrogate
    CHECK (s_parse ("<14>caf\xC3\xA9 \xF0\x9F\x93\xA1", &msg) == 0);
    CHECK (streq (msg.message, "caf\xC3\xA9 \xF0\x9F\x93\xA1"));

    //  not syslog
    CHECK (s_parse ("", &msg) == -1);
    CHECK (s_parse ("hello", &msg) == -1);
    CHECK (s_parse ("<>x", &msg) == -1);
    CHECK (s_parse ("<192>x", &msg) == -1);
    CHECK (s_parse ("<1234>x", &msg) == -1);
    CHECK (s_parse ("<01>x", &msg) == -1);
    CHECK (s_parse ("<13", &msg) == -1);
    CHECK (s_parse ("<0>", &msg) == 0 && streq (msg.message, "") && msg.severity == 0);

    //  huge: cut, and it says so
    size_t size = 20000;
    char *big = malloc (size + 1);
    memcpy (big, "<13>", 4);
    memset (big + 4, 'a', size - 4);
    big [size] = 0;
    CHECK (s_parse (big, &msg) == 0 && msg.truncated && strlen (msg.message) == SYSLOG_MAX_MESSAGE);
    free (big);
    CHECK (streq (syslog_severity_name (3), "err") && streq (syslog_severity_name (9), "?"));
    syslog_msg_free (&msg);
    TESTS_DONE ();
}
