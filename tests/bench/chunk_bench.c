/*  chunk_bench: bytes per sample of the chunk formats on the same data.

    Makes series of the kinds meshd stores, with the resolution the probe
    gives them (timestamps to the millisecond, RTT to the microsecond, rates
    to the bit/s), cut into chunks as compaction cuts them (an hour, at most
    1,024 samples). Each kind is stored three ways: format 2 (vd_chunk_encode),
    format 1 (the encoder of before migration 0016, kept here as the
    reference) and plain SQLite rows (series_id, ts, value, flags) in a file.
    Every chunk is decoded back and compared bit for bit. Prints one line per
    kind: samples, bytes per sample of each, encode and decode rates. Then
    what compaction pays per sample of a 1 s series, by how many samples a
    run adds to the open chunk (it decodes it, appends, encodes it whole).
    usage: chunk_bench DIR [HOURS]                                           */
#include "vedette.h"
#include <sys/stat.h>

#define CHUNK_MAX       1024
#define HOUR_US         (3600LL * 1000000)
#define SERIES          50

//  --------------------------------------------------------------------------
//  Format 1, as meshd wrote it until migration 0016

static uint64_t s_zz (int64_t v) { return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63); }

static void
s_v1_encode (const vd_point_t *points, uint32_t count, zchunk_t *out)
{
    int64_t last_ts = 0, last_delta = 0;
    uint64_t last_bits = 0;
    zchunk_set (out, NULL, 0);
    for (uint32_t i = 0; i < count; i++) {
        int64_t ts = points [i].ts_us;
        int64_t delta = ts - last_ts;
        vd_varint_put (out, s_zz (i? delta - last_delta: ts));
        if (i)
            last_delta = delta;
        last_ts = ts;
        uint64_t bits;
        memcpy (&bits, &points [i].value, 8);
        uint64_t xor = bits ^ last_bits;
        last_bits = bits;
        byte buffer [9];
        size_t size = 0;
        if (xor == 0)
            buffer [size++] = 0;
        else {
            int trail = __builtin_ctzll (xor) / 8, lead = __builtin_clzll (xor) / 8;
            int n = 8 - lead - trail;
            buffer [size++] = (byte) (0x80 | (trail << 4) | n);
            for (int b = 0; b < n; b++)
                buffer [size++] = (byte) (xor >> (8 * (trail + b)));
        }
        zchunk_extend (out, buffer, size);
        vd_varint_put (out, points [i].flags);
    }
}

//  --------------------------------------------------------------------------
//  The data

static uint64_t s_state = 0x9E3779B97F4A7C15ULL;

static double
s_uniform (void)            //  [0, 1), xorshift64*
{
    s_state ^= s_state >> 12;
    s_state ^= s_state << 25;
    s_state ^= s_state >> 27;
    return (double) ((s_state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static double s_exponential (double mean) { return -mean * log (1 - s_uniform ()); }
static double s_gauss (void) { return sqrt (-2 * log (1 - s_uniform ())) * cos (2 * M_PI * s_uniform ()); }

typedef enum { RTT_LAN, RTT_WAN, LOSS, RATE_BUSY, RATE_QUIET, RATE_IDLE, PERCENT } kind_t;

static const struct {
    kind_t kind;
    const char *name;
    int64_t interval_ms;
} s_kinds [] = {
    { RTT_LAN,    "icmp.rtt, 1 s, LAN (0.2-2 ms, jitter ~50 us)", 1000 },
    { RTT_WAN,    "icmp.rtt, 1 s, WAN (10-80 ms, jitter ~1 ms)", 1000 },
    { LOSS,       "icmp.loss, 1 s (0.2% rounds lost)", 1000 },
    { RATE_BUSY,  "if.in_bps, 30 s, busy uplink (~100 Mbit/s)", 30000 },
    { RATE_QUIET, "if.in_bps, 30 s, access port (~20 kbit/s)", 30000 },
    { RATE_IDLE,  "if.in_bps, 30 s, idle port (0)", 30000 },
    { PERCENT,    "mem.used, 60 s (%, to 0.001)", 60000 },
};

//  One series of a kind over hours: the probe's timing and resolution
static uint32_t
s_make (kind_t kind, int64_t interval_ms, int hours, vd_point_t *points)
{
    int64_t start_ms = 1764547200000LL + (int64_t) (s_uniform () * interval_ms);
    double base = kind == RTT_LAN? 0.2 + 1.8 * s_uniform (): 10 + 70 * s_uniform ();
    double mean_bps = kind == RATE_BUSY? 1e8: 2e4;
    double used = 20 + 60 * s_uniform ();
    uint32_t count = 0;
    int64_t t = start_ms;
    while (t < start_ms + hours * 3600000LL) {
        bool rtt = kind == RTT_LAN || kind == RTT_WAN || kind == LOSS;
        bool lost = rtt && s_uniform () < 0.002;
        double value = 0;
        switch (kind) {
            case RTT_LAN:
                value = lost? 0: vd_round (base + s_exponential (0.05), 3);
                break;
            case RTT_WAN:
                value = lost? 0: vd_round (base + s_exponential (1.0), 3);
                break;
            case LOSS:
                value = lost? 100: s_uniform () < 0.003? vd_round (100.0 / 3, 3): 0;
                break;
            case RATE_BUSY:
            case RATE_QUIET: {
                //  a day's swing, and the noise of traffic
                double day = 1 + 0.6 * sin (2 * M_PI * (double) t / 86400000.0);
                value = vd_round (fmax (0, mean_bps * day * (1 + 0.1 * s_gauss ())), 0);
                break;
            }
            case RATE_IDLE:
                break;
            case PERCENT:
                used = fmin (100, fmax (0, used + 0.05 * s_gauss ()));
                value = vd_round (used, 3);
                break;
        }
        points [count++] = (vd_point_t) { t * 1000, value, lost && kind != LOSS? VD_SAMPLE_LOST: 0 };
        //  stamped with the round's slot (vd_mono_to_wall_us); the next an
        //  interval after this one began, now and then a millisecond or two
        //  late, as a timer is (SNMP polls keep their rhythm exactly)
        t += interval_ms + (rtt && s_uniform () < 0.03? 1 + (int64_t) (s_uniform () * 2): 0);
    }
    return count;
}

//  --------------------------------------------------------------------------

static int
s_same (const vd_point_t *points, uint32_t count, int format, const byte *data, size_t size)
{
    vd_chunk_iter_t iter;
    vd_chunk_iter_init (&iter, format, data, size, count);
    int64_t ts;
    double value;
    uint32_t flags;
    uint32_t i = 0;
    int rc;
    while ((rc = vd_chunk_iter_next (&iter, &ts, &value, &flags)) == 1) {
        if (ts != points [i].ts_us || memcmp (&value, &points [i].value, 8) || flags != points [i].flags)
            return -1;
        i++;
    }
    return rc == 0 && i == count? 0: -1;
}

static double
s_rows_bytes (const char *dir, const vd_point_t *points, uint32_t count)
{
    char path [512];
    snprintf (path, sizeof path, "%s/rows.db", dir);
    unlink (path);
    sqlite3 *db = vd_db_open (path, false);
    vd_db_exec (db, "CREATE TABLE sample (series_id INTEGER, ts INTEGER, value REAL, flags INTEGER); BEGIN");
    sqlite3_stmt *insert = vd_db_prepare (db, "INSERT INTO sample VALUES (?, ?, ?, ?)");
    for (uint32_t i = 0; i < count; i++) {
        sqlite3_bind_int64 (insert, 1, 1000 + i % SERIES);
        sqlite3_bind_int64 (insert, 2, points [i].ts_us);
        sqlite3_bind_double (insert, 3, points [i].value);
        sqlite3_bind_int64 (insert, 4, points [i].flags);
        sqlite3_step (insert);
        sqlite3_reset (insert);
    }
    sqlite3_finalize (insert);
    vd_db_exec (db, "COMMIT; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)");
    vd_db_close (&db);
    struct stat st;
    stat (path, &st);
    unlink (path);
    return (double) st.st_size / count;
}

//  How many samples from first go into one chunk, as compaction cuts them:
//  an hour at most, CHUNK_MAX at most
static uint32_t
s_chunk_length (const vd_point_t *points, uint32_t first, uint32_t count)
{
    uint32_t n = 0;
    while (first + n < count && n < CHUNK_MAX
    &&     points [first + n].ts_us / HOUR_US == points [first].ts_us / HOUR_US)
        n++;
    return n;
}

int
main (int argc, char *argv [])
{
    if (argc < 2)
        return 2;
    int hours = argc > 2? atoi (argv [2]): 24;
    size_t most = (size_t) hours * 3600 + 16;
    vd_point_t *points = (vd_point_t *) malloc (most * sizeof (vd_point_t));
    zchunk_t *v1 = zchunk_new (NULL, 65536);
    printf ("%-46s %9s %8s %8s %8s %6s %8s %8s\n", "kind (each: 50 series)", "samples", "format2", "format1",
            "rows", "1/2", "enc M/s", "dec M/s");
    int status = 0;
    for (size_t k = 0; k < sizeof s_kinds / sizeof s_kinds [0]; k++) {
        uint64_t samples = 0, bytes2 = 0, bytes1 = 0;
        int64_t encode_ns = 0, decode_ns = 0;
        double rows = 0;
        for (int s = 0; s < SERIES; s++) {
            uint32_t count = s_make (s_kinds [k].kind, s_kinds [k].interval_ms, hours, points);
            if (s == 0)
                rows = s_rows_bytes (argv [1], points, count);
            //  chunks as compaction cuts them
            for (uint32_t first = 0; first < count; ) {
                uint32_t n = s_chunk_length (points, first, count);
                vd_chunk_t *chunk = vd_chunk_new ();
                int64_t started = vd_mono_ns ();
                for (uint32_t i = 0; i < n; i++)
                    vd_chunk_append (chunk, points [first + i].ts_us, points [first + i].value,
                                     points [first + i].flags);
                vd_chunk_encode (chunk);
                encode_ns += vd_mono_ns () - started;
                started = vd_mono_ns ();
                if (s_same (points + first, n, VD_CHUNK_FORMAT, chunk->data, chunk->size))
                    status = 1;
                decode_ns += vd_mono_ns () - started;
                s_v1_encode (points + first, n, v1);
                if (s_same (points + first, n, 1, zchunk_data (v1), zchunk_size (v1)))
                    status = 1;
                bytes2 += chunk->size;
                bytes1 += zchunk_size (v1);
                samples += n;
                vd_chunk_destroy (&chunk);
                first += n;
            }
        }
        printf ("%-46s %9" PRIu64 " %8.2f %8.2f %8.1f %5.1fx %8.1f %8.1f\n", s_kinds [k].name, samples,
                (double) bytes2 / samples, (double) bytes1 / samples, rows,
                (double) bytes1 / bytes2, samples * 1e3 / encode_ns, samples * 1e3 / decode_ns);
    }
    //  what compaction pays: each run loads the open chunk (decodes it),
    //  appends what came since and encodes it whole again
    uint32_t count = s_make (s_kinds [0].kind, s_kinds [0].interval_ms, hours, points);
    printf ("\ncompaction of a %s series: per run it decodes the open chunk, appends, encodes it whole\n",
            s_kinds [0].name);
    printf ("%-34s %14s %10s\n", "samples a run (1 s series)", "ns per sample", "x one-shot");
    static const uint32_t runs [] = { CHUNK_MAX, 60, 30, 10, 2 };
    double one_shot = 0;
    for (size_t r = 0; r < sizeof runs / sizeof runs [0]; r++) {
        int64_t started = vd_mono_ns ();
        for (uint32_t first = 0; first < count; ) {
            uint32_t n = s_chunk_length (points, first, count);
            vd_chunk_t *chunk = vd_chunk_new ();
            for (uint32_t done = 0; done < n; ) {
                vd_chunk_t *open = vd_chunk_new ();
                if (done && vd_chunk_load (open, VD_CHUNK_FORMAT, chunk->data, chunk->size, done))
                    status = 1;
                uint32_t k = n - done < runs [r]? n - done: runs [r];
                for (uint32_t i = 0; i < k; i++)
                    vd_chunk_append (open, points [first + done + i].ts_us, points [first + done + i].value,
                                     points [first + done + i].flags);
                vd_chunk_encode (open);
                done += k;
                vd_chunk_destroy (&chunk);
                chunk = open;
            }
            vd_chunk_destroy (&chunk);
            first += n;
        }
        double ns = (double) (vd_mono_ns () - started) / count;
        if (r == 0)
            one_shot = ns;
        char label [64];
        snprintf (label, sizeof label, r == 0? "all at once (%u)": "%u", runs [r]);
        printf ("%-34s %14.0f %9.1fx\n", label, ns, ns / one_shot);
    }
    if (status)
        printf ("chunk_bench: a chunk did not decode to what was encoded\n");
    zchunk_destroy (&v1);
    free (points);
    return status;
}
