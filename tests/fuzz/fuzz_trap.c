/*  Fuzz target: the trap receiver (probe/trap.c with net-snmp's BER and
    USM) on any datagram, by the same path as in the probe: a real UDP
    socket, the rate limit hook, community and v3 checks, informs answered,
    the event's JSON. Each datagram is counted exactly once, and an accepted
    trap always becomes a JSON object with an OID and valid text.          */
#include "../../probe/trap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/stat.h>

static trap_t *s_trap;
static int s_sender = -1;
static struct sockaddr_in s_to;
static uint64_t s_emitted;

static bool
s_admit (void *arg, const struct sockaddr *from)
{
    return from && from->sa_family == AF_INET;
}

static void
s_emit (void *arg, const struct sockaddr *from, json_t *data, uint64_t inform)
{
    (void) inform;
    assert (json_is_object (data));
    assert (json_is_string (json_object_get (data, "oid")));
    assert (json_is_string (json_object_get (data, "message")));
    char *text = json_dumps (data, JSON_COMPACT);
    assert (text);
    free (text);
    json_decref (data);
    s_emitted++;
}

static void
s_setup (void)
{
    char dir [] = "/tmp/fuzz_trap.XXXXXX";
    assert (mkdtemp (dir));
    char users [64];
    snprintf (users, sizeof users, "%s/users", dir);
    FILE *file = fopen (users, "w");
    assert (file);
    fprintf (file, "createUser -e 0x8000000001020304 mon SHA authpass123 AES privpass123\n");
    fclose (file);
    chmod (users, 0600);
    char *error = NULL;
    assert (trap_init (dir, users, &error) == 0);
    s_trap = trap_new ("udp:127.0.0.1:0", "public", s_admit, s_emit, NULL, &error);
    assert (s_trap);
    //  a v3 user from meshd: each new sender engine localizes its keys
    json_t *config = json_loads ("{\"traps\": [\"c3\", \"c2\"], \"creds\": {"
        "\"c3\": {\"version\": \"3\", \"user\": \"cuser\", \"level\": \"authPriv\", "
        "\"auth\": {\"protocol\": \"sha\", \"pass\": \"cauthpass123\"}, "
        "\"priv\": {\"protocol\": \"aes\", \"pass\": \"cprivpass123\"}}, "
        "\"c2\": {\"version\": \"2c\", \"community\": \"central\"}}}", 0, NULL);
    assert (config);
    trap_configure (s_trap, config);
    json_decref (config);
    socklen_t length = sizeof s_to;
    assert (getsockname (trap_fd (s_trap), (struct sockaddr *) &s_to, &length) == 0);
    s_sender = socket (AF_INET, SOCK_DGRAM, 0);
    assert (s_sender >= 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_trap)
        s_setup ();
    if (size > 65507)
        return 0;
    assert (sendto (s_sender, data, size, 0, (struct sockaddr *) &s_to, sizeof s_to) == (ssize_t) size);
    struct pollfd ready = { trap_fd (s_trap), POLLIN, 0 };
    assert (poll (&ready, 1, 1000) == 1);
    trap_stats_t before, after;
    trap_stats (s_trap, &before);
    uint64_t emitted = s_emitted;
    trap_read (s_trap);
    trap_stats (s_trap, &after);
    assert (after.received == before.received + 1);
    uint64_t outcomes = (after.accepted - before.accepted) + (after.limited - before.limited)
                      + (after.bad_community - before.bad_community) + (after.bad_auth - before.bad_auth)
                      + (after.malformed - before.malformed) + (after.discovery - before.discovery);
    assert (outcomes == 1);
    assert (s_emitted - emitted == after.accepted - before.accepted);
    //  answers to informs and reports come back to the sender: drain them
    char sink [65536];
    while (recv (s_sender, sink, sizeof sink, MSG_DONTWAIT) > 0)
        ;
    return 0;
}
