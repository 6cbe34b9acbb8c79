/*  probe/backup/clean.c: what a device printed, as the configuration to
    keep: terminal debris removed, lines that change by themselves dropped,
    secrets hidden (vd_backup_model_t's clean section).                    */
#include "backup/backup.h"

#define SECRET_HIDDEN   "<secret hidden>"
#define MAX_GROUPS      10

size_t
backup_line_clean (char *line, size_t length)
{
    size_t end = 0;             //  the line's length so far
    size_t column = 0;          //  where the next character goes
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char) line [i];
        if (c == '\b')
            column -= column > 0;
        else
        if (c == '\r')
            column = 0;
        else
        if (c == 0x1b) {
            //  ESC [ parameters final-byte (CSI), or ESC and one byte;
            //  of the CSI ones, K erases to the end, D moves left
            if (i + 1 < length && line [i + 1] == '[') {
                size_t start = i += 2;
                while (i < length && !((unsigned char) line [i] >= 0x40 && (unsigned char) line [i] <= 0x7e))
                    i++;
                int count = i > start? atoi (line + start): 0;
                char final = i < length? line [i]: 0;
                if (final == 'K' && count == 1)     //  erase to the cursor
                    memset (line, ' ', column);
                else
                if (final == 'K')                   //  0: to the end; 2: all of it
                    end = count == 2? 0: column;
                else
                if (final == 'D') {                 //  left, by count (at least 1)
                    size_t left = count > 1? (size_t) count: 1;
                    column = left < column? column - left: 0;
                }
            }
            else
                i++;
        }
        else {
            if (column > end)               //  after ESC [ 2 K
                memset (line + end, ' ', column - end);
            line [column++] = (char) c;     //  column <= i: never ahead of what is read
            if (column > end)
                end = column;
        }
    }
    while (end && (line [end - 1] == ' ' || line [end - 1] == '\t'))
        end--;
    line [end] = 0;
    return end;
}

//  Valid UTF-8 with no control bytes but tab
static bool
s_text (const char *line, size_t length)
{
    const unsigned char *p = (const unsigned char *) line, *end = p + length;
    while (p < end) {
        if (*p < 0x80) {
            if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
                return false;
            p++;
            continue;
        }
        int more = (*p & 0xe0) == 0xc0? 1: (*p & 0xf0) == 0xe0? 2: (*p & 0xf8) == 0xf0? 3: -1;
        if (more < 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4 || end - p <= more)
            return false;
        for (int i = 1; i <= more; i++)
            if ((p [i] & 0xc0) != 0x80)
                return false;
        p += more + 1;
    }
    return true;
}

//  Hides the secrets of one line: for each pattern that matches, the last
//  group that matched (the whole match if it has none). Returns the line
//  (malloc'd), perhaps the same text.
static char *
s_hide (const vd_backup_model_t *model, const char *line)
{
    char *text = strdup (line);
    for (int i = 0; i < model->secret.count; i++) {
        regmatch_t groups [MAX_GROUPS];
        if (regexec (&model->secret.items [i], text, MAX_GROUPS, groups, 0))
            continue;
        int last = 0;
        for (int g = 1; g < MAX_GROUPS; g++)
            if (groups [g].rm_so >= 0)
                last = g;
        regoff_t from = groups [last].rm_so, to = groups [last].rm_eo;
        //  a secret already hidden (by an earlier pattern) stays as it is
        bool already = false;
        for (const char *mark = strstr (text, SECRET_HIDDEN); mark && !already; mark = strstr (mark + 1, SECRET_HIDDEN))
            already = from < (regoff_t) (mark - text + strlen (SECRET_HIDDEN)) && to > (regoff_t) (mark - text);
        if (already || to == from)
            continue;
        char *hidden = zsys_sprintf ("%.*s%s%s", (int) from, text, SECRET_HIDDEN, text + to);
        sodium_memzero (text, strlen (text));
        free (text);
        text = hidden;
    }
    return text;
}

char *
backup_clean (const vd_backup_model_t *model, const char *raw, size_t size, const char **reason)
{
    zchunk_t *out = zchunk_new (NULL, size + 1);
    char *copy = (char *) malloc (size + 1);
    memcpy (copy, raw, size);
    copy [size] = 0;
    bool binary = memchr (raw, 0, size) != NULL;
    size_t blank = 0;               //  blank lines held back: dropped at the end
    char *line = copy;
    while (!binary && line < copy + size) {
        char *end = memchr (line, '\n', (size_t) (copy + size - line));
        size_t length = end? (size_t) (end - line): (size_t) (copy + size - line);
        char *next = line + length + 1;
        line [length] = 0;
        length = backup_line_clean (line, length);
        if (!s_text (line, length))
            binary = true;
        else
        if (length == 0)
            blank += zchunk_size (out) > 0;
        else
        if (!vd_patterns_match (&model->drop, line, NULL, 0)) {
            for (; blank; blank--)
                zchunk_extend (out, "\n", 1);
            char *hidden = s_hide (model, line);
            zchunk_extend (out, hidden, strlen (hidden));
            zchunk_extend (out, "\n", 1);
            sodium_memzero (hidden, strlen (hidden));
            free (hidden);
        }
        line = next;
    }
    sodium_memzero (copy, size);
    free (copy);
    char *text = NULL;
    if (binary)
        *reason = "binary";
    else {
        text = (char *) malloc (zchunk_size (out) + 1);
        memcpy (text, zchunk_data (out), zchunk_size (out));
        text [zchunk_size (out)] = 0;
    }
    sodium_memzero (zchunk_data (out), zchunk_size (out));
    zchunk_destroy (&out);
    return text;
}
