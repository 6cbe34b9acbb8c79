/*  loadgen: a probe without measurements. Connects with a joined probe's
    keys (its state directory), and sends COUNT samples for the series
    FIRST..LAST in DATA messages of BATCH samples, over CURVE, with the real
    protocol: sequence numbers, credit, acknowledgements. Prints the samples
    acknowledged (durably committed by meshd) per second.

    usage: loadgen DIR COUNT BATCH FIRST LAST                              */
#include "vedette.h"

int
main (int argc, char *argv [])
{
    if (argc != 6) {
        fprintf (stderr, "usage: loadgen DIR COUNT BATCH FIRST_SERIES LAST_SERIES\n");
        return 2;
    }
    zsys_init ();
    const char *dir = argv [1];
    int64_t count = atoll (argv [2]);
    int batch = atoi (argv [3]);
    uint64_t first = strtoull (argv [4], NULL, 10), last = strtoull (argv [5], NULL, 10);
    char *path = zsys_sprintf ("%s/probe.json", dir);
    json_t *identity = json_load_file (path, 0, NULL);
    free (path);
    path = zsys_sprintf ("%s/probe.cert", dir);
    zcert_t *cert = zcert_load (path);
    free (path);
    if (!identity || !cert || batch < 1 || last < first) {
        fprintf (stderr, "loadgen: %s: not a joined probe\n", dir);
        return 1;
    }
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zcert_apply (cert, dealer);
    zsock_set_curve_serverkey (dealer, json_string_value (json_object_get (identity, "server_key")));
    zsock_set_sndhwm (dealer, 0);
    zsock_connect (dealer, "%s", json_string_value (json_object_get (identity, "endpoint")));
    vd_wire_send (zsock_resolve (dealer), NULL, "HELLO", json_pack ("{s:s}", "name", "loadgen"), NULL, 0);
    int64_t base_seq = -1, credit = 0;
    while (base_seq < 0) {
        zmsg_t *msg = zmsg_recv (dealer);
        const char *error;
        vd_wire_t *wire = vd_wire_decode (&msg, &error);
        if (wire && streq (wire->command, "WELCOME")) {
            base_seq = vd_wire_int (wire, "last_seq", 0);
            credit = vd_wire_int (wire, "credit", 16);
        }
        vd_wire_destroy (&wire);
    }
    int64_t messages = (count + batch - 1) / batch;
    byte *payload = malloc ((size_t) batch * VD_SAMPLE_SIZE);
    int64_t sent = 0, acked = 0, produced = 0;
    uint64_t series = first;
    int64_t ts = vd_now_us ();
    int64_t start = zclock_usecs ();
    while (acked < messages) {
        while (sent < messages && sent - acked < credit) {
            int n = (int) (count - produced < batch? count - produced: batch);
            for (int i = 0; i < n; i++) {
                vd_sample_t sample = { series, ts, (double) (produced % 1000) / 10.0, 0 };
                vd_sample_encode (&sample, payload + (size_t) i * VD_SAMPLE_SIZE);
                if (++series > last) {
                    series = first;
                    ts += 1000000;          //  every series once a second
                }
                produced++;
            }
            sent++;
            json_t *header = json_pack ("{s:I}", "seq", (json_int_t) (base_seq + sent));
            vd_wire_send (zsock_resolve (dealer), NULL, "DATA", header, payload,
                          (size_t) n * VD_SAMPLE_SIZE);
            json_decref (header);
        }
        zmsg_t *msg = zmsg_recv (dealer);
        const char *error;
        vd_wire_t *wire = vd_wire_decode (&msg, &error);
        if (wire && streq (wire->command, "ACK")) {
            int64_t seq = vd_wire_int (wire, "seq", 0) - base_seq;
            if (seq > acked)
                acked = seq;
            if (json_is_true (json_object_get (wire->header, "resync"))) {
                fprintf (stderr, "loadgen: unexpected resync\n");
                return 1;
            }
        }
        vd_wire_destroy (&wire);
    }
    double seconds = (zclock_usecs () - start) / 1e6;
    printf ("%" PRId64 " %.3f %.0f\n", produced, seconds, produced / seconds);
    free (payload);
    zsock_destroy (&dealer);
    zcert_destroy (&cert);
    json_decref (identity);
    return 0;
}
