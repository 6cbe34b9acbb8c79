/*  vd_backup_model: a configuration backup model, read from its data file
    (ZPL, data/models/NAME.model; vedette-models(5)). meshd reads models to
    list them, to check a user's file and to guess a device's model; the
    probe reads the ones CONFIG carries to log in and fetch.

    Patterns are POSIX extended regular expressions (regex(7)) with GNU's
    \w \s \S \b; they match one line, without its end of line.             */
#ifndef VD_BACKUP_MODEL_H_INCLUDED
#define VD_BACKUP_MODEL_H_INCLUDED

#include <regex.h>
#include <jansson.h>

typedef struct {
    regex_t *items;
    int count;
} vd_patterns_t;

typedef struct {
    char *name;
    char *description;
    bool exec;                  //  mode = exec: each command on its own exec channel, no prompts
    //  match: how meshd guesses a device's model
    char **object_ids;          //  sysObjectID prefixes
    int object_id_count;
    vd_patterns_t descr;        //  sysDescr patterns
    //  login (shell mode)
    vd_patterns_t prompt;       //  the privileged prompt
    vd_patterns_t unprivileged; //  a prompt that needs `enable` first
    char *enable;               //  the command that makes it privileged
    vd_patterns_t password;     //  where the enable secret is asked for
    vd_patterns_t more;         //  a pager waiting for a key
    char *more_key;             //  the key it waits for (default a space)
    vd_patterns_t error;        //  a line that says a command failed
    char **setup;               //  commands before the fetch (paging off); output ignored
    int setup_count;
    char *exit;                 //  the command that leaves (default none: the channel closes)
    //  fetch
    char **commands;            //  their output, in order, is the configuration
    int command_count;
    //  clean
    vd_patterns_t drop;         //  lines that change by themselves: left out
    vd_patterns_t secret;       //  secrets: the last group that matched is hidden
    //  triggers: a configuration change announced in syslog (the last group
    //  that matched is who) or by a trap (its OID; who: the value of a
    //  varbind under one of trap_users; not a change when a varbind under
    //  a trap_ignores OID has its value)
    vd_patterns_t syslog;
    char **traps;               //  notification OIDs, numeric
    int trap_count;
    char **trap_users;          //  varbind OID prefixes, numeric
    int trap_user_count;
    char **trap_ignores;        //  "OID VALUE"
    int trap_ignore_count;
} vd_backup_model_t;

//  Reads a model from its text. NULL with *error (caller frees) naming
//  the key that is wrong.
vd_backup_model_t *vd_backup_model_new (const char *text, char **error);
void vd_backup_model_destroy (vd_backup_model_t **self_p);
//  Whether a line matches one of the patterns; if groups, the offsets of
//  the first match's subexpressions (groups [0] the whole match).
bool vd_patterns_match (const vd_patterns_t *patterns, const char *line, regmatch_t *groups, int count);
//  Whether a trap of this OID, with these varbinds (its JSON array of
//  {oid, type, value}), announces a configuration change; *who (size
//  bytes) gets the user a varbind names, or "".
bool vd_backup_model_trap (const vd_backup_model_t *self, const char *oid, json_t *varbinds,
                           char *who, size_t size);

#endif
