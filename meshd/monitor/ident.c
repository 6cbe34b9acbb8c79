/*  meshd/monitor/ident.c: a device's vendor and model from its sysObjectID, by the
    longest whole-arc prefix in data/sysobjectid.tsv (built in).           */
#include "monitor/monitor.h"

extern const char *meshd_sysobjectid_data;

typedef struct {
    char *prefix;
    char *vendor;
    char *model;
} ident_t;

static ident_t *s_table;
static int s_count;

static void
s_load (void)
{
    char *copy = strdup (meshd_sysobjectid_data);
    char *save = NULL;
    for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        if (*line == '#' || !*line)
            continue;
        char *vendor = strchr (line, '\t');
        if (!vendor)
            continue;
        *vendor++ = 0;
        char *model = strchr (vendor, '\t');
        if (model)
            *model++ = 0;
        s_table = (ident_t *) realloc (s_table, (size_t) (s_count + 1) * sizeof (ident_t));
        s_table [s_count++] = (ident_t) { strdup (line), strdup (vendor), strdup (model? model: "") };
    }
    free (copy);
}

bool
ident_lookup (const char *object_id, const char **vendor, const char **model)
{
    if (!s_table)
        s_load ();
    size_t best = 0;
    *vendor = *model = NULL;
    for (int i = 0; object_id && i < s_count; i++) {
        size_t length = strlen (s_table [i].prefix);
        if (length > best && strncmp (object_id, s_table [i].prefix, length) == 0
        &&  (object_id [length] == 0 || object_id [length] == '.')) {
            best = length;
            *vendor = s_table [i].vendor;
            *model = *s_table [i].model? s_table [i].model: NULL;
        }
    }
    return best > 0;
}
