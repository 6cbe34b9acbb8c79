/*  vd_config: configuration files in ZPL (CZMQ zconfig), checked against a
    table of known keys. Each program declares its table once; --help, the
    man pages and the loader all use it.                                     */
#ifndef VD_CONFIG_H_INCLUDED
#define VD_CONFIG_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>

typedef enum {
    VD_CFG_STRING,
    VD_CFG_INT,
    VD_CFG_DURATION,            //  "10s", "5m"; read back in milliseconds
    VD_CFG_BOOL,                //  0/1, true/false, yes/no
    VD_CFG_ENDPOINT,            //  a ZeroMQ endpoint, comma-separated list
    VD_CFG_SIZE                 //  "1MiB", "512k"; read back in bytes
} vd_cfg_kind_t;

//  One known configuration key.
typedef struct {
    const char *path;           //  "mesh/endpoint"
    vd_cfg_kind_t kind;         //  how the value is checked and read
    const char *def;            //  default value as text
    const char *help;           //  one line for the man page
} vd_config_key_t;

typedef struct _vd_config_t vd_config_t;

//  Loads file (a missing file gives the defaults when may_be_missing) and
//  checks every key and value against the table. Returns NULL and a fresh
//  error message on any unknown key or bad value.
vd_config_t *vd_config_load (const char *file, const vd_config_key_t *keys,
                             bool may_be_missing, char **error);
//  Destroys; accepts NULL.
void vd_config_destroy (vd_config_t **self_p);
//  Value of a known key as text (the default when unset).
const char *vd_config_str (vd_config_t *self, const char *path);
//  Value of an integer key, or of a duration key in milliseconds.
int64_t vd_config_int (vd_config_t *self, const char *path);
//  Value of a boolean key.
bool vd_config_bool (vd_config_t *self, const char *path);
//  Checks one value against its kind; NULL if fine, else a static reason.
const char *vd_config_check (vd_cfg_kind_t kind, const char *value);

#endif
