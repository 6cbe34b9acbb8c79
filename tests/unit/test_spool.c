/*  vd_spool: sequence numbers, acknowledgement, persistence, bounds.  */
#include "testing.h"

int
main (void)
{
    char *dir = test_dir ("spool");
    char *path = zsys_sprintf ("%s/spool.db", dir);
    vd_spool_t *spool = vd_spool_new (path, 0);
    CHECK (spool);
    CHECK (vd_spool_count (spool) == 0 && vd_spool_last (spool) == 0);
    byte payload [56] = { 1, 2, 3 };
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56) == 1);
    CHECK (vd_spool_append (spool, "DATA", "{\"x\":1}", payload, 28) == 2);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28) == 3);
    CHECK (vd_spool_count (spool) == 3);
    CHECK (vd_spool_bytes (spool) == 112);

    uint64_t seq;
    char *command, *header;
    zframe_t *frame;
    CHECK (vd_spool_next (spool, 0, &seq, &command, &header, &frame) == 1);
    CHECK (seq == 1 && streq (command, "DATA") && zframe_size (frame) == 56);
    CHECK (zframe_data (frame) [2] == 3);
    free (command); free (header); zframe_destroy (&frame);
    CHECK (vd_spool_next (spool, 1, &seq, &command, &header, &frame) == 1);
    CHECK (seq == 2 && streq (header, "{\"x\":1}"));
    free (command); free (header); zframe_destroy (&frame);
    CHECK (vd_spool_next (spool, 3, &seq, &command, &header, &frame) == 0);

    //  acknowledging drops up to and including, never beyond what was sent
    CHECK (vd_spool_ack (spool, 2) == 0);
    CHECK (vd_spool_count (spool) == 1 && vd_spool_acked (spool) == 2);
    CHECK (vd_spool_ack (spool, 9) == -1);
    CHECK (vd_spool_count (spool) == 1);
    CHECK (vd_spool_ack (spool, 1) == 0);           //  old news
    CHECK (vd_spool_acked (spool) == 2);
    vd_spool_destroy (&spool);
    CHECK (spool == NULL);

    //  across a restart: the waiting message, the acked mark, and numbering
    spool = vd_spool_new (path, 0);
    CHECK (vd_spool_count (spool) == 1);
    CHECK (vd_spool_acked (spool) == 2 && vd_spool_last (spool) == 3);
    CHECK (vd_spool_ack (spool, 3) == 0 && vd_spool_count (spool) == 0);
    vd_spool_destroy (&spool);
    spool = vd_spool_new (path, 0);
    //  never reuses a number, even when empty
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28) == 4);
    vd_spool_destroy (&spool);

    //  bounded: a full spool drops and counts
    char *small = zsys_sprintf ("%s/small.db", dir);
    spool = vd_spool_new (small, 60);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56) == 1);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28) == 0);
    CHECK (vd_spool_dropped (spool) == 1 && vd_spool_count (spool) == 1);
    vd_spool_destroy (&spool);

    //  an unopenable path
    CHECK (vd_spool_new ("/nonexistent/dir/spool.db", 0) == NULL);
    free (small);
    free (path);
    test_dir_remove (dir);
    TESTS_DONE ();
}
