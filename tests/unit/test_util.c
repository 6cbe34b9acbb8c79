/*  vd_util: durations, times, files, addresses.  */
#include "testing.h"

int
main (void)
{
    int64_t ms;
    CHECK (vd_duration_parse ("10s", &ms) == 0 && ms == 10000);
    int64_t bytes;
    CHECK (vd_size_parse ("4096", &bytes) == 0 && bytes == 4096);
    CHECK (vd_size_parse ("512k", &bytes) == 0 && bytes == 512000);
    CHECK (vd_size_parse ("1MiB", &bytes) == 0 && bytes == 1048576);
    CHECK (vd_size_parse ("1.5GB", &bytes) == 0 && bytes == 1500000000);
    CHECK (vd_size_parse ("2TiB", &bytes) == 0 && bytes == 2199023255552LL);
    CHECK (vd_size_parse ("12 parsecs", &bytes) == -1);
    CHECK (vd_size_parse ("-1k", &bytes) == -1);
    CHECK (vd_size_parse ("", &bytes) == -1);
    CHECK (vd_size_parse ("1e30", &bytes) == -1);
    double percent;
    CHECK (vd_percent_parse ("99%", &percent) == 0 && percent == 99);
    CHECK (vd_percent_parse ("99.5", &percent) == 0 && percent == 99.5);
    CHECK (vd_percent_parse ("0%", &percent) == 0 && percent == 0);
    CHECK (vd_percent_parse ("101%", &percent) == -1);
    CHECK (vd_percent_parse ("50%%", &percent) == -1);
    CHECK (vd_percent_parse ("nan", &percent) == -1);
    CHECK (vd_percent_parse ("", &percent) == -1);
    CHECK (vd_duration_parse ("250ms", &ms) == 0 && ms == 250);
    CHECK (vd_duration_parse ("15m", &ms) == 0 && ms == 900000);
    CHECK (vd_duration_parse ("2h", &ms) == 0 && ms == 7200000);
    CHECK (vd_duration_parse ("7d", &ms) == 0 && ms == 604800000);
    CHECK (vd_duration_parse ("1.5s", &ms) == 0 && ms == 1500);
    CHECK (vd_duration_parse ("30", &ms) == 0 && ms == 30000);
    CHECK (vd_duration_parse ("", &ms) == -1);
    CHECK (vd_duration_parse ("-1s", &ms) == -1);
    CHECK (vd_duration_parse ("5 parsecs", &ms) == -1);
    CHECK (vd_duration_parse ("s", &ms) == -1);
    CHECK (vd_duration_parse ("1e400s", &ms) == -1);

    int64_t now = 1763683200000000LL, us;
    CHECK (vd_time_parse ("now", now, &us) == 0 && us == now);
    CHECK (vd_time_parse ("-1h", now, &us) == 0 && us == now - 3600000000LL);
    CHECK (vd_time_parse ("10m", now, &us) == 0 && us == now - 600000000LL);
    CHECK (vd_time_parse ("2025-11-21T00:00:00Z", now, &us) == 0 && us == 1763683200000000LL);
    CHECK (vd_time_parse ("2025-11-21 00:01", now, &us) == 0 && us == 1763683260000000LL);
    CHECK (vd_time_parse ("2025-11-21", now, &us) == 0 && us == 1763683200000000LL);
    CHECK (vd_time_parse ("yesterday-ish", now, &us) == -1);
    CHECK (vd_time_parse ("2025-13-45", now, &us) == -1);

    char buf [32];
    CHECK (streq (vd_duration_format (350, buf, sizeof buf), "350ms"));
    CHECK (streq (vd_duration_format (12000, buf, sizeof buf), "12s"));
    CHECK (streq (vd_duration_format (3900000, buf, sizeof buf), "1h05m"));

    CHECK (vd_address_valid ("127.0.0.2") && vd_address_valid ("::1"));
    CHECK (!vd_address_valid ("127.0.0.256") && !vd_address_valid ("core1"));

    //  networks: parsed, host bits cleared, sized, enumerated, matched
    vd_cidr_t cidr;
    uint8_t host [16], inside [4] = { 198, 18, 0, 77 }, outside [4] = { 198, 18, 1, 1 };
    CHECK (vd_cidr_parse ("198.18.0.9/24", &cidr) == 0 && cidr.family == AF_INET && cidr.prefix == 24
           && cidr.address [3] == 0 && vd_cidr_size (&cidr) == 256);
    vd_cidr_host (&cidr, 254, host);
    CHECK (host [0] == 198 && host [2] == 0 && host [3] == 254);
    CHECK (vd_cidr_contains (&cidr, AF_INET, inside) && !vd_cidr_contains (&cidr, AF_INET, outside));
    CHECK (vd_cidr_parse ("10.1.2.3", &cidr) == 0 && cidr.prefix == 32 && vd_cidr_size (&cidr) == 1);
    CHECK (vd_cidr_parse ("2001:db8::1/120", &cidr) == 0 && cidr.family == AF_INET6
           && vd_cidr_size (&cidr) == 256 && cidr.address [15] == 0);
    CHECK (vd_cidr_parse ("2001:db8::/112", &cidr) == 0 && vd_cidr_size (&cidr) == 65536);
    vd_cidr_host (&cidr, 0x1ff, host);
    CHECK (host [0] == 0x20 && host [14] == 1 && host [15] == 0xff);
    CHECK (vd_cidr_parse ("::/0", &cidr) == 0 && vd_cidr_size (&cidr) == UINT64_MAX);
    CHECK (vd_cidr_parse ("198.18.0.0/33", &cidr) == -1 && vd_cidr_parse ("198.18.0.0/", &cidr) == -1
           && vd_cidr_parse ("core1/24", &cidr) == -1 && vd_cidr_parse ("/24", &cidr) == -1
           && vd_cidr_parse ("1.2.3.4/2x", &cidr) == -1);

    //  clock offset: the peer 5 s behind us, 10 ms each way, 1 ms to answer
    vd_clock_t clock;
    memset (&clock, 0, sizeof clock);
    int64_t offset, delay;
    CHECK (!vd_clock_best (&clock, &offset, &delay));
    CHECK (vd_clock_add (&clock, 100000000, 95010000, 95011000, 100021000) == 0);
    CHECK (vd_clock_best (&clock, &offset, &delay) && offset == 5000000 && delay == 20000);
    //  a slow return (queued behind data) skews one exchange; the shortest wins
    CHECK (vd_clock_add (&clock, 200000000, 195010000, 195011000, 200521000) == 0);
    CHECK (vd_clock_best (&clock, &offset, &delay) && offset == 5000000 && delay == 20000);
    //  nonsense: our clock stepped back, the peer answered before it received
    CHECK (vd_clock_add (&clock, 300000000, 295010000, 295011000, 299000000) == -1);
    CHECK (vd_clock_add (&clock, 300000000, 295010000, 295009000, 300021000) == -1);
    CHECK (vd_clock_add (&clock, 300000000, 295010000, 295011000, 300000500) == -1);
    //  old exchanges age out, even the best: eight slower ones since
    for (int i = 0; i < VD_CLOCK_SAMPLES; i++)
        CHECK (vd_clock_add (&clock, 400000000 + i, 400007000 + i, 400008000 + i, 400031000 + i) == 0);
    CHECK (vd_clock_best (&clock, &offset, &delay) && offset == 8000 && delay == 30000);

    char *dir = test_dir ("util");
    char *path = zsys_sprintf ("%s/a/b/c", dir);
    CHECK (vd_mkdir_p (path, 0700) == 0 && zsys_file_exists (path));
    char *file = zsys_sprintf ("%s/f", path);
    CHECK (vd_file_write_atomic (file, "hello", 5, 0600) == 0);
    size_t size;
    char *data = vd_file_read (file, &size);
    CHECK (data && size == 5 && streq (data, "hello"));
    free (data);
    CHECK (vd_file_read ("/nonexistent", NULL) == NULL);
    free (file);
    free (path);
    test_dir_remove (dir);
    //  complaints: the first is logged, the next ones within the interval
    //  are counted, not logged
    vd_complaint_t complaint = { .every_ms = 60000 };
    CHECK (vd_complaint_due (&complaint));
    vd_complain (&complaint, "test: a complaint %d", 1);
    CHECK (complaint.last_ms > 0 && complaint.held == 0);
    CHECK (!vd_complaint_due (&complaint) && complaint.held == 1);
    vd_complain (&complaint, "test: held back");
    CHECK (complaint.held == 2);
    complaint.last_ms -= 60000;                 //  as if a minute went by
    vd_complain (&complaint, "test: logged again with the count");
    CHECK (complaint.held == 0);
    //  severities, worst first, and their ranks
    CHECK (vd_severity_rank ("critical") == 5 && vd_severity_rank ("info") == 1);
    CHECK (vd_severity_rank ("loud") == 0 && vd_severity_rank (NULL) == 0);
    CHECK (vd_word_in ("major", vd_severities) && !vd_word_in ("major+", vd_severities));
    TESTS_DONE ();
}
