/*  meshd/backup/models.c: the backup models. The shipped ones are compiled
    in (data/models/NAME.model, scripts/embed-models); an operator adds or
    replaces one by dropping NAME.model into models/dir (vedette-models(5)).
    They are read when needed (a CONFIG, a listing): a new file takes
    effect without a restart.                                              */
#include "backup/backup.h"
#include <dirent.h>

//  scripts/embed-models: { name, text } pairs, then { NULL, NULL }
extern const char *meshd_models_shipped [][2];

struct _backup_models_t {
    zlistx_t *list;             //  backup_model_t, by name
};

static void
s_model_destroy (backup_model_t **self_p)
{
    backup_model_t *self = *self_p;
    if (self) {
        free (self->name);
        free (self->source);
        free (self->text);
        free (self->error);
        vd_backup_model_destroy (&self->model);
        free (self);
        *self_p = NULL;
    }
}

static int
s_compare (const void *a, const void *b)
{
    return strcmp (((const backup_model_t *) a)->name, ((const backup_model_t *) b)->name);
}

//  Adds a model, replacing one of the same name
static void
s_add (backup_models_t *self, const char *name, const char *source, const char *text)
{
    backup_model_t *model = (backup_model_t *) zmalloc (sizeof (backup_model_t));
    model->name = strdup (name);
    model->source = strdup (source);
    model->text = strdup (text);
    model->model = vd_backup_model_new (text, &model->error);
    if (model->model && !streq (model->model->name, name)) {
        model->error = zsys_sprintf ("its name is %s: the file must be %s.model", model->model->name,
                                     model->model->name);
        vd_backup_model_destroy (&model->model);
    }
    void *handle = zlistx_find (self->list, model);
    if (handle)
        zlistx_delete (self->list, handle);
    zlistx_add_end (self->list, model);
}

char *
backup_models_dir (meshd_t *meshd)
{
    const char *dir = vd_config_str (meshd->config, "models/dir");
    return *dir? strdup (dir): zsys_sprintf ("%s/models", meshd->dir);
}

backup_models_t *
backup_models_load (meshd_t *meshd)
{
    backup_models_t *self = (backup_models_t *) zmalloc (sizeof (backup_models_t));
    self->list = zlistx_new ();
    zlistx_set_destructor (self->list, (zlistx_destructor_fn *) s_model_destroy);
    zlistx_set_comparator (self->list, s_compare);
    for (int i = 0; meshd_models_shipped [i][0]; i++)
        s_add (self, meshd_models_shipped [i][0], "shipped", meshd_models_shipped [i][1]);
    char *dir = backup_models_dir (meshd);
    DIR *handle = opendir (dir);
    struct dirent *entry;
    while (handle && (entry = readdir (handle))) {
        size_t length = strlen (entry->d_name);
        if (length <= 6 || !streq (entry->d_name + length - 6, ".model") || entry->d_name [0] == '.')
            continue;
        char *path = zsys_sprintf ("%s/%s", dir, entry->d_name);
        size_t size = 0;
        char *text = vd_file_read (path, &size);
        char *name = strndup (entry->d_name, length - 6);
        if (text && size < 65536 && strlen (text) == size)
            s_add (self, name, path, text);
        else
            zsys_warning ("backup: %s: not a model (unreadable, binary or over 64 KB)", path);
        free (name);
        free (text);
        free (path);
    }
    if (handle)
        closedir (handle);
    free (dir);
    zlistx_sort (self->list);
    return self;
}

void
backup_models_destroy (backup_models_t **self_p)
{
    if (*self_p) {
        zlistx_destroy (&(*self_p)->list);
        free (*self_p);
        *self_p = NULL;
    }
}

backup_model_t *
backup_models_first (backup_models_t *self)
{
    return (backup_model_t *) zlistx_first (self->list);
}

backup_model_t *
backup_models_next (backup_models_t *self)
{
    return (backup_model_t *) zlistx_next (self->list);
}

backup_model_t *
backup_models_find (backup_models_t *self, const char *name)
{
    for (backup_model_t *model = backup_models_first (self); model; model = backup_models_next (self))
        if (model->model && streq (model->name, name))
            return model;
    return NULL;
}

backup_model_t *
backup_models_pick (backup_models_t *self, const char *name, const char *object_id, const char *descr)
{
    if (name)
        return backup_models_find (self, name);
    backup_model_t *best = NULL;
    size_t best_length = 0;
    for (backup_model_t *model = backup_models_first (self); model; model = backup_models_next (self)) {
        if (!model->model)
            continue;
        if (descr && vd_patterns_match (&model->model->descr, descr, NULL, 0))
            return model;
        for (int i = 0; object_id && i < model->model->object_id_count; i++) {
            const char *prefix = model->model->object_ids [i];
            size_t length = strlen (prefix);
            if (strncmp (object_id, prefix, length) == 0 && length > best_length) {
                best = model;
                best_length = length;
            }
        }
    }
    return best;
}
