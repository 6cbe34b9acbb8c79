/*  console/sentence.c: events as sentences, for each kind of event meshd
    records, with the fields that may be missing.                         */
#include "testing.h"
#include "../../console/console.h"

static int
s_says (const char *json, const char *expected)
{
    json_error_t error;
    json_t *event = json_loads (json, 0, &error);
    char text [512];
    event_sentence (event, text, sizeof text);
    json_decref (event);
    if (strcmp (text, expected)) {
        fprintf (stderr, "  %s\n  says:     '%s'\n  expected: '%s'\n", json, text, expected);
        return 0;
    }
    return 1;
}

int
main (void)
{
    CHECK (s_says ("{\"topic\":\"device.state\",\"data\":{\"device\":\"dead1\",\"state\":\"down\",\"previous\":\"up\"}}",
                   "dead1 is down (was up)"));
    CHECK (s_says ("{\"topic\":\"device.state\",\"data\":{\"device\":\"edge1\",\"state\":\"unreachable\","
                   "\"previous\":\"up\",\"under\":\"core1\"}}", "edge1 is unreachable (was up) under core1"));
    //  a v2c linkDown with the interface's name: the varbinds are for --json
    CHECK (s_says ("{\"topic\":\"trap\",\"data\":{\"oid\":\"1.3.6.1.6.3.1.1.5.3\",\"device\":\"sw1\","
                   "\"address\":\"10.0.0.1\",\"if\":\"ge-0/0/1\",\"message\":\"1.3.6.1.2.1.2.2.1.1.7=7\"}}",
                   "trap linkDown from sw1 ge-0/0/1"));
    //  a v1 trap by its generic number, from an address no device has
    CHECK (s_says ("{\"topic\":\"trap\",\"data\":{\"oid\":\"\",\"generic\":0,\"address\":\"10.0.0.9\",\"message\":\"\"}}",
                   "trap coldStart from 10.0.0.9"));
    //  an enterprise trap keeps its OID and message
    CHECK (s_says ("{\"topic\":\"trap\",\"data\":{\"oid\":\"1.3.6.1.4.1.9.9.41.2.0.1\",\"device\":\"r1\","
                   "\"message\":\"clogHistMsgText=down\"}}",
                   "trap 1.3.6.1.4.1.9.9.41.2.0.1 from r1: clogHistMsgText=down"));
    CHECK (s_says ("{\"topic\":\"syslog\",\"data\":{\"severity\":\"err\",\"device\":\"sw1\",\"host\":\"sw1\","
                   "\"app\":\"sshd\",\"message\":\"Failed password for root\"}}",
                   "syslog err from sw1 sshd: Failed password for root"));
    CHECK (s_says ("{\"topic\":\"syslog\",\"data\":{\"severity\":\"notice\",\"address\":\"10.0.0.2\",\"host\":\"\","
                   "\"app\":\"\",\"message\":\"hello\"}}", "syslog notice from 10.0.0.2: hello"));
    CHECK (s_says ("{\"topic\":\"alarm.raised\",\"data\":{\"severity\":\"critical\",\"rule\":\"dev-down\","
                   "\"device\":\"core1\",\"object\":\"core1\",\"message\":\"core1 is down\"}}",
                   "critical dev-down on core1: core1 is down"));
    CHECK (s_says ("{\"topic\":\"alarm.raised\",\"data\":{\"severity\":\"minor\",\"rule\":\"if-down\","
                   "\"device\":\"sw1\",\"object\":\"sw1 ge-0/0/1\",\"message\":\"down\"}}",
                   "minor if-down on sw1 sw1 ge-0/0/1: down"));
    CHECK (s_says ("{\"topic\":\"probe.clock\",\"data\":{\"probe\":\"p1\",\"clock\":\"ok\",\"previous\":null,"
                   "\"offset_us\":1643}}", "probe p1: clock ok, offset 1643 us"));
    CHECK (s_says ("{\"topic\":\"alarm.acked\",\"data\":{\"rule\":\"dev-down\",\"device\":\"core1\","
                   "\"acked_by\":\"olga\",\"comment\":null}}", "dev-down on core1 acknowledged by olga"));
    CHECK (s_says ("{\"topic\":\"alarm.cleared\",\"data\":{\"rule\":\"lossy\",\"device\":null,\"site\":\"hq\","
                   "\"cleared_by\":\"olga\"}}", "lossy on hq cleared by olga"));
    CHECK (s_says ("{\"topic\":\"probe.link\",\"data\":{\"probe\":\"p1\",\"link\":\"lost\",\"previous\":\"connected\"}}",
                   "probe p1 is lost (was connected)"));
    CHECK (s_says ("{\"topic\":\"notification.failed\",\"data\":{\"id\":4,\"channel\":\"ops\",\"kind\":\"problem\","
                   "\"alarm\":12,\"result\":\"SMTP 550\"}}",
                   "problem notification of alarm 12 to ops failed: SMTP 550"));
    CHECK (s_says ("{\"topic\":\"report.failed\",\"data\":{\"schedule\":\"sla\",\"from_us\":1,\"to_us\":2,"
                   "\"text\":\"Couldn't connect to server\"}}", "scheduled report sla not sent: Couldn't connect to server"));
    CHECK (s_says ("{\"topic\":\"report.sent\",\"data\":{\"schedule\":\"sla\",\"from_us\":1,\"to_us\":2,"
                   "\"text\":\"sent\"}}", "scheduled report sla sent"));
    CHECK (s_says ("{\"topic\":\"discovery.done\",\"data\":{\"discovery\":2,\"run\":3,\"swept\":256,\"alive\":12,"
                   "\"added\":2,\"updated\":10}}", "discovery 2: 12 alive of 256, 2 added, 10 updated"));
    //  a topic without a template, and an event without data
    CHECK (s_says ("{\"topic\":\"future.thing\",\"data\":{\"a\":1,\"b\":\"x\",\"c\":{}}}", "future.thing a=1 b=x"));
    CHECK (s_says ("{\"topic\":\"site.added\"}", "site.added"));
    //  a sentence longer than the buffer is cut, terminated
    char text [16];
    json_t *event = json_pack ("{s:s, s:{s:s, s:s, s:s}}", "topic", "device.state", "data",
                               "device", "a-very-long-device-name", "state", "down", "previous", "up");
    event_sentence (event, text, sizeof text);
    CHECK (strlen (text) == 15 && strncmp (text, "a-very-long-dev", 15) == 0);
    json_decref (event);
    TESTS_DONE ();
}
