/*  vd_spool: sequence numbers, acknowledgement, persistence, bounds.  */
#include "testing.h"

int
main (void)
{
    char *dir = test_dir ("spool");
    char *path = zsys_sprintf ("%s/spool.db", dir);
    vd_spool_t *spool = vd_spool_new (path, 0, 0);
    CHECK (spool);
    CHECK (vd_spool_count (spool) == 0 && vd_spool_last (spool) == 0);
    byte payload [56] = { 1, 2, 3 };
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56, 2) == 1);
    CHECK (vd_spool_append (spool, "DATA", "{\"x\":1}", payload, 28, 1) == 2);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 3);
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
    spool = vd_spool_new (path, 0, 0);
    CHECK (vd_spool_count (spool) == 1);
    CHECK (vd_spool_acked (spool) == 2 && vd_spool_last (spool) == 3);
    CHECK (vd_spool_ack (spool, 3) == 0 && vd_spool_count (spool) == 0);
    vd_spool_destroy (&spool);
    spool = vd_spool_new (path, 0, 0);
    //  never reuses a number, even when empty
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 4);
    vd_spool_destroy (&spool);

    //  bounded: a full spool drops its oldest messages, counting their
    //  items by command, and keeps the newest
    char *small = zsys_sprintf ("%s/small.db", dir);
    spool = vd_spool_new (small, 100, 0);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 1);
    CHECK (vd_spool_append (spool, "EVENTS", "{}", payload, 28, 5) == 2);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 3);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56, 2) == 4);     //  1 and 2 go
    CHECK (vd_spool_count (spool) == 2 && vd_spool_bytes (spool) == 84);
    CHECK (vd_spool_dropped (spool, "DATA") == 1 && vd_spool_dropped (spool, "EVENTS") == 5);
    CHECK (vd_spool_next (spool, 0, &seq, &command, &header, &frame) == 1 && seq == 3);
    free (command); free (header); zframe_destroy (&frame);
    //  what is in flight stays: 3 is sent, so 4 goes to make room
    vd_spool_protect (spool, 3, 3);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 5);
    CHECK (vd_spool_next (spool, 0, &seq, &command, &header, &frame) == 1 && seq == 3);
    free (command); free (header); zframe_destroy (&frame);
    CHECK (vd_spool_next (spool, 3, &seq, &command, &header, &frame) == 1 && seq == 5);
    free (command); free (header); zframe_destroy (&frame);
    CHECK (vd_spool_dropped (spool, "DATA") == 3);
    //  sent before the link went down, then dropped: remembered; when the
    //  link is back, meshd says it had it: it was not lost after all
    vd_spool_protect (spool, 0, 5);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56, 2) == 6);     //  3 goes
    CHECK (vd_spool_dropped (spool, "DATA") == 4);
    CHECK (vd_spool_ack (spool, 3) == 0 && vd_spool_resume (spool, 3) == 0);
    CHECK (vd_spool_dropped (spool, "DATA") == 3);
    //  and the same for a message meshd did not have: lost, and counted
    CHECK (vd_spool_ack (spool, 5) == 0);
    vd_spool_protect (spool, 0, 6);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 56, 2) == 7);     //  6 goes
    CHECK (vd_spool_resume (spool, 5) == 0);
    CHECK (vd_spool_dropped (spool, "DATA") == 5 && vd_spool_count (spool) == 1);
    //  a message larger than the whole spool is dropped alone, and counted
    byte big [128] = { 0 };
    CHECK (vd_spool_append (spool, "REPORTS", "{}", big, sizeof big, 7) == 0);
    CHECK (vd_spool_dropped (spool, "REPORTS") == 7 && vd_spool_count (spool) == 1);
    vd_spool_destroy (&spool);
    //  the counts survive a restart
    spool = vd_spool_new (small, 100, 0);
    CHECK (vd_spool_dropped (spool, "DATA") == 5 && vd_spool_dropped (spool, "EVENTS") == 5);
    vd_spool_destroy (&spool);

    //  an age cap: messages older than it go (oldest first), the rest stay
    char *aged = zsys_sprintf ("%s/aged.db", dir);
    spool = vd_spool_new (aged, 0, 60000);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 1);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 2);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 3);
    CHECK (vd_spool_expire (spool) == 0);
    vd_spool_destroy (&spool);
    sqlite3 *db = vd_db_open (aged, false);     //  1 and 2 spooled two minutes ago
    CHECK (vd_db_exec (db, "UPDATE spool SET spooled_us = spooled_us - 120000000 WHERE seq <= 2") == 0);
    vd_db_close (&db);
    spool = vd_spool_new (aged, 0, 60000);
    CHECK (vd_spool_expire (spool) == 2);
    CHECK (vd_spool_count (spool) == 1 && vd_spool_dropped (spool, "DATA") == 2);
    CHECK (vd_spool_next (spool, 0, &seq, &command, &header, &frame) == 1 && seq == 3);
    free (command); free (header); zframe_destroy (&frame);
    vd_spool_destroy (&spool);
    //  a spool file of the first version (no items, no time) is upgraded
    char *old = zsys_sprintf ("%s/old.db", dir);
    db = vd_db_open (old, false);
    CHECK (vd_db_exec (db, "CREATE TABLE spool (seq INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, "
                           "header TEXT NOT NULL, payload BLOB NOT NULL); "
                           "INSERT INTO spool (command, header, payload) VALUES ('DATA', '{}', x'00')") == 0);
    vd_db_close (&db);
    spool = vd_spool_new (old, 0, 0);
    CHECK (spool && vd_spool_count (spool) == 1);
    CHECK (vd_spool_append (spool, "DATA", "{}", payload, 28, 1) == 2);
    vd_spool_destroy (&spool);
    free (old);
    free (aged);

    //  an unopenable path
    CHECK (vd_spool_new ("/nonexistent/dir/spool.db", 0, 0) == NULL);
    free (small);
    free (path);
    test_dir_remove (dir);
    TESTS_DONE ();
}
