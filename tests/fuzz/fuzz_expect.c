/*  Fuzz target: probe/backup/expect.c and clean.c on anything a device
    may send. The input is cut at each 0xff byte into what one read
    brings; an empty piece is the device going quiet. Whatever it sends,
    the machine ends in a state it names, never keeps more than its bound,
    and what clean.c returns is UTF-8 text without control bytes.        */
#include "../../probe/backup/backup.h"

#define OUT_MAX 65536

static vd_backup_model_t *s_model;

static void
s_check_text (const char *text)
{
    for (const unsigned char *c = (const unsigned char *) text; *c; c++)
        assert (*c >= 0x20 || *c == '\n' || *c == '\t');
    assert (!strstr (text, "\r"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_model) {
        char *text = vd_file_read ("data/models/ios.model", NULL);
        char *error = NULL;
        s_model = text? vd_backup_model_new (text, &error): NULL;
        assert (s_model);
        free (text);
    }
    expect_t *expect = expect_new (s_model, OUT_MAX);
    const uint8_t *piece = data, *end = data + size;
    expect_step_t step = EXPECT_WAIT;
    while (piece <= end && step != EXPECT_DONE && step != EXPECT_FAIL) {
        const uint8_t *cut = memchr (piece, 0xff, (size_t) (end - piece));
        size_t length = cut? (size_t) (cut - piece): (size_t) (end - piece);
        step = expect_feed (expect, (const char *) piece, length);
        if (step == EXPECT_SEND)
            assert (*expect_text (expect));
        piece += length + 1;
    }
    if (step == EXPECT_FAIL)
        assert (*expect_reason (expect));
    size_t out_size;
    const char *output = expect_output (expect, &out_size);
    assert (out_size <= OUT_MAX);
    const char *reason = NULL;
    char *text = backup_clean (s_model, output, out_size, &reason);
    if (text)
        s_check_text (text);
    else
        assert (reason && streq (reason, "binary"));
    free (text);
    //  clean.c on the raw bytes too
    text = backup_clean (s_model, (const char *) data, size, &reason);
    if (text)
        s_check_text (text);
    free (text);
    expect_destroy (&expect);
    return 0;
}
