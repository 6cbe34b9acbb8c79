/*  meshd/backup/version.c: a version's text. Stored as the probe sent it,
    zlib-compressed, then sealed with the master key (nonce || box, as
    credentials are). Diffs are libgit2's (git_patch_from_buffers).       */
#include "backup/backup.h"
#include "cred/cred.h"
#include <git2.h>
#include <zlib.h>
#include <pthread.h>

//  A version's text is at most this once inflated (the probe's
//  backup/max_size is 4 MiB by default)
#define TEXT_MAX    (64 * 1024 * 1024)

static pthread_once_t s_git_once = PTHREAD_ONCE_INIT;

static void
s_git_init (void)
{
    git_libgit2_init ();
}

char *
backup_inflate (const void *data, size_t size, size_t max)
{
    z_stream stream = { .next_in = (Bytef *) data, .avail_in = (uInt) size };
    if (inflateInit (&stream) != Z_OK)
        return NULL;
    size_t capacity = size * 4 + 1024;
    char *text = (char *) malloc (capacity + 1);
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (stream.total_out == capacity) {
            if (capacity >= max)
                break;
            capacity = capacity * 2 > max? max: capacity * 2;
            text = (char *) realloc (text, capacity + 1);
        }
        stream.next_out = (Bytef *) text + stream.total_out;
        stream.avail_out = (uInt) (capacity - stream.total_out);
        rc = inflate (&stream, Z_NO_FLUSH);
    }
    size_t length = stream.total_out;
    inflateEnd (&stream);
    if (rc != Z_STREAM_END || memchr (text, 0, length)) {
        free (text);
        return NULL;
    }
    text [length] = 0;
    return text;
}

char *
backup_text (sqlite3 *db, const unsigned char *key, int64_t device_id, int64_t version, int64_t *found)
{
    sqlite3_stmt *stmt = vd_db_prepare (db, version > 0
        ? "SELECT version, sealed FROM backup_version WHERE device_id = ?1 AND version = ?2"
        : "SELECT version, sealed FROM backup_version WHERE device_id = ?1 ORDER BY version DESC LIMIT 1");
    char *text = NULL;
    if (found)
        *found = 0;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, device_id);
        if (version > 0)
            sqlite3_bind_int64 (stmt, 2, version);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            if (found)
                *found = sqlite3_column_int64 (stmt, 0);
            size_t length = 0;
            void *packed = cred_open_data (key, sqlite3_column_blob (stmt, 1),
                                           (size_t) sqlite3_column_bytes (stmt, 1), &length);
            if (packed)
                text = backup_inflate (packed, length, TEXT_MAX);
            else
                zsys_error ("backup: device %lld version %lld does not open with this master key",
                            (long long) device_id, (long long) (found? *found: version));
            free (packed);
        }
    }
    sqlite3_finalize (stmt);
    return text;
}

void
backup_text_free (char **text_p)
{
    if (*text_p) {
        sodium_memzero (*text_p, strlen (*text_p));
        free (*text_p);
        *text_p = NULL;
    }
}

static git_patch *
s_patch (const char *a, const char *b, const char *a_name, const char *b_name, int context)
{
    pthread_once (&s_git_once, s_git_init);
    git_diff_options options;
    git_diff_options_init (&options, GIT_DIFF_OPTIONS_VERSION);
    options.context_lines = (uint32_t) (context < 0? 3: context);
    options.flags |= GIT_DIFF_FORCE_TEXT;
    git_patch *patch = NULL;
    if (git_patch_from_buffers (&patch, a, strlen (a), a_name, b, strlen (b), b_name, &options)) {
        const git_error *error = git_error_last ();
        zsys_error ("backup: diff: %s", error? error->message: "libgit2 failed");
        return NULL;
    }
    return patch;
}

int
backup_diff_stats (const char *a, const char *b, int64_t *added, int64_t *removed)
{
    git_patch *patch = s_patch (a, b, "a", "b", 0);
    size_t context = 0, additions = 0, deletions = 0;
    int rc = patch? git_patch_line_stats (&context, &additions, &deletions, patch): -1;
    git_patch_free (patch);
    *added = (int64_t) additions;
    *removed = (int64_t) deletions;
    return rc? -1: 0;
}

char *
backup_diff (const char *a, const char *b, const char *a_name, const char *b_name, int context)
{
    git_patch *patch = s_patch (a, b, a_name, b_name, context);
    git_buf buffer = { 0 };
    char *text = NULL;
    if (patch && git_patch_to_buf (&buffer, patch) == 0)
        text = strndup (buffer.ptr? buffer.ptr: "", buffer.size);
    git_buf_dispose (&buffer);
    git_patch_free (patch);
    return text;
}
