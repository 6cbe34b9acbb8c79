/*  tests/bench/radius_load.c: RADIUS accounting load, the same for any
    server. radius_load HOST PORT SECRET COUNT [WINDOW]: COUNT
    Interim-Updates, each of its own session (so none is a retransmit),
    signed with SECRET, at most WINDOW (64) unanswered at once; prints the
    requests answered and the seconds it took. A request unanswered for a
    second is sent again (as a NAS would); the run ends when every request
    is answered or after ten seconds without an answer. A response counts
    only if its authenticator answers the request its identifier holds.  */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static size_t
s_attr (uint8_t *at, uint8_t type, const void *value, size_t size)
{
    at [0] = type;
    at [1] = (uint8_t) (size + 2);
    memcpy (at + 2, value, size);
    return size + 2;
}

static size_t
s_int (uint8_t *at, uint8_t type, uint32_t value)
{
    uint32_t net = htonl (value);
    return s_attr (at, type, &net, 4);
}

//  Whether a response answers this request (RFC 2866 3): a late answer to
//  the request its identifier had before does not
static int
s_answers (const uint8_t *response, const uint8_t *request, const char *secret)
{
    uint8_t digest [16];
    unsigned int length = 16;
    EVP_MD_CTX *context = EVP_MD_CTX_new ();
    EVP_DigestInit_ex (context, EVP_md5 (), NULL);
    EVP_DigestUpdate (context, response, 4);
    EVP_DigestUpdate (context, request + 4, 16);
    EVP_DigestUpdate (context, response + 20, ((size_t) response [2] << 8 | response [3]) - 20);
    EVP_DigestUpdate (context, secret, strlen (secret));
    EVP_DigestFinal_ex (context, digest, &length);
    EVP_MD_CTX_free (context);
    return memcmp (digest, response + 4, 16) == 0;
}

//  Request n, with identifier id, into packet; its size
static size_t
s_request (uint8_t *packet, uint32_t n, uint8_t id, const char *secret)
{
    char text [32];
    size_t size = 20;
    size += s_int (packet + size, 40, 3);                   //  Interim-Update
    snprintf (text, sizeof text, "user%u", n % 100000);
    size += s_attr (packet + size, 1, text, strlen (text));
    snprintf (text, sizeof text, "S%u", n);
    size += s_attr (packet + size, 44, text, strlen (text));
    uint32_t address = htonl (0x64400000u + n % (1u << 22));
    size += s_attr (packet + size, 8, &address, 4);
    size += s_int (packet + size, 42, n * 1000u);
    size += s_int (packet + size, 43, n * 3000u);
    size += s_int (packet + size, 46, 600);
    snprintf (text, sizeof text, "02:00:00:%02x:%02x:%02x", n >> 16 & 255, n >> 8 & 255, n & 255);
    size += s_attr (packet + size, 31, text, strlen (text));
    packet [0] = 4;
    packet [1] = id;
    packet [2] = (uint8_t) (size >> 8);
    packet [3] = (uint8_t) size;
    memset (packet + 4, 0, 16);
    EVP_MD_CTX *context = EVP_MD_CTX_new ();
    unsigned int length = 16;
    EVP_DigestInit_ex (context, EVP_md5 (), NULL);
    EVP_DigestUpdate (context, packet, size);
    EVP_DigestUpdate (context, secret, strlen (secret));
    EVP_DigestFinal_ex (context, packet + 4, &length);
    EVP_MD_CTX_free (context);
    return size;
}

int
main (int argc, char *argv [])
{
    if (argc < 5) {
        fprintf (stderr, "usage: radius_load HOST PORT SECRET COUNT [WINDOW]\n");
        return 2;
    }
    const char *secret = argv [3];
    uint32_t count = (uint32_t) atol (argv [4]);
    int window = argc > 5? atoi (argv [5]): 64;
    if (window < 1 || window > 256)
        window = 64;
    int fd = socket (AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) atoi (argv [2])) };
    inet_pton (AF_INET, argv [1], &to.sin_addr);
    if (connect (fd, (struct sockaddr *) &to, sizeof to)) {
        perror ("connect");
        return 1;
    }
    int buffer = 8 << 20;
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    //  an identifier per request in flight: 256 of them
    struct { uint32_t n; double sent; uint8_t packet [256]; size_t size; int busy; } slots [256];
    memset (slots, 0, sizeof slots);
    uint32_t next = 0, answered = 0;
    int in_flight = 0;
    double started = s_now (), last_answer = started;
    while (answered < count && s_now () - last_answer < 10) {
        for (int id = 0; id < 256 && in_flight < window && next < count; id++)
            if (!slots [id].busy) {
                slots [id].n = next++;
                slots [id].size = s_request (slots [id].packet, slots [id].n, (uint8_t) id, secret);
                slots [id].busy = 1;
                slots [id].sent = s_now ();
                send (fd, slots [id].packet, slots [id].size, 0);
                in_flight++;
            }
        struct pollfd item = { fd, POLLIN, 0 };
        if (poll (&item, 1, 100) > 0) {
            uint8_t reply [4096];
            ssize_t size;
            while ((size = recv (fd, reply, sizeof reply, MSG_DONTWAIT)) >= 20)
                if (reply [0] == 5 && slots [reply [1]].busy
                &&  ((size_t) reply [2] << 8 | reply [3]) <= (size_t) size
                &&  s_answers (reply, slots [reply [1]].packet, secret)) {
                    slots [reply [1]].busy = 0;
                    in_flight--;
                    answered++;
                    last_answer = s_now ();
                }
        }
        double now = s_now ();
        for (int id = 0; id < 256; id++)
            if (slots [id].busy && now - slots [id].sent > 1.0) {
                slots [id].sent = now;
                send (fd, slots [id].packet, slots [id].size, 0);
            }
    }
    printf ("%u %.3f\n", answered, last_answer - started);
    return answered == count? 0: 1;
}
