/*  probe/trap_init.c: net-snmp's setup for the trap receiver (trap.c),
    once a process: the SNMP engine ID, made once and kept on disk (v3
    senders key their informs to it), and the operator's own v3 users from
    trap/users_file.                                                       */
#include "trap.h"
#include "snmp/snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <sys/stat.h>

static bool s_initialised;

int
trap_users_count (void)
{
    int count = 0;
    for (struct usmUser *user = usm_get_userList (); user; user = user->next)
        count++;
    return count;
}

//  The engine ID, made once and kept: v3 senders key informs to it.
static int
s_engine_id (const char *dir, char **error)
{
    char *path = zsys_sprintf ("%s/trap-engine-id", dir);
    size_t size = 0;
    char *text = vd_file_read (path, &size);
    u_char id [32];
    size_t length = 0;
    if (text) {
        while (size && (text [size - 1] == '\n' || text [size - 1] == ' '))
            text [--size] = 0;
        if (size >= 12 && size <= 66 && size % 2 == 0 && strncmp (text, "0x", 2) == 0)
            for (size_t i = 2; i + 1 < size; i += 2) {
                unsigned int byte;
                if (sscanf (text + i, "%2x", &byte) != 1)
                    break;
                id [length++] = (u_char) byte;
            }
        if (length * 2 + 2 != size) {
            *error = zsys_sprintf ("%s: not an engine ID (0x and 10 to 64 hex digits)", path);
            free (text);
            free (path);
            return -1;
        }
    }
    else {
        //  RFC 3411 format 5 (octets), enterprise 8072 (net-snmp), random
        u_char head [] = { 0x80, 0x00, 0x1f, 0x88, 0x05 };
        memcpy (id, head, sizeof head);
        randombytes_buf (id + sizeof head, 8);
        length = sizeof head + 8;
    }
    free (text);
    char record [2 * sizeof id + 4] = "0x";
    for (size_t i = 0; i < length; i++)
        snprintf (record + 2 + 2 * i, 3, "%02x", id [i]);
    strcat (record, "\n");
    if (vd_file_write_atomic (path, record, strlen (record), 0644)) {
        *error = zsys_sprintf ("%s: cannot write", path);
        free (path);
        return -1;
    }
    free (path);
    if (set_exact_engineID (id, length) != SNMPERR_SUCCESS)
        return -1;
    //  USM knows an engine by its entry in the engine time list: ours must
    //  be there under the ID just set, or informs meet "unknown engine ID"
    set_enginetime (id, (u_int) length, (u_int) snmpv3_local_snmpEngineBoots (),
                    (u_int) snmpv3_local_snmpEngineTime (), TRUE);
    record [2 + 2 * length] = 0;
    zsys_info ("trap: SNMP engine ID %s", record);
    return 0;
}

static int
s_users (const char *path, char **error)
{
    struct stat st;
    if (stat (path, &st)) {
        *error = zsys_sprintf ("%s: %s", path, strerror (errno));
        return -1;
    }
    if (st.st_mode & 077) {
        *error = zsys_sprintf ("%s: holds passphrases, so it must not be readable by others (chmod 600)", path);
        return -1;
    }
    FILE *file = fopen (path, "r");
    if (!file) {
        *error = zsys_sprintf ("%s: %s", path, strerror (errno));
        return -1;
    }
    char line [1024];
    int number = 0, rc = 0;
    while (rc == 0 && fgets (line, sizeof line, file)) {
        number++;
        char *p = line + strspn (line, " \t");
        p [strcspn (p, "\r\n")] = 0;
        if (*p == 0 || *p == '#')
            continue;
        int before = trap_users_count ();
        if (strncmp (p, "createUser", 10) == 0 && (p [10] == ' ' || p [10] == '\t'))
            usm_parse_create_usmUser ("createUser", p + 11);
        if (trap_users_count () != before + 1) {
            *error = zsys_sprintf ("%s: line %d: not a valid createUser line", path, number);
            rc = -1;
        }
    }
    sodium_memzero (line, sizeof line);
    fclose (file);
    return rc;
}

int
trap_init (const char *dir, const char *users_file, char **error)
{
    if (s_initialised)
        return 0;
    snmp_lib_lock ();
    snmp_lib_init ();
    s_initialised = true;
    int rc = 0;
    if (dir && s_engine_id (dir, error))
        rc = -1;
    if (rc == 0 && users_file && *users_file && s_users (users_file, error))
        rc = -1;
    snmp_lib_unlock ();
    return rc;
}
