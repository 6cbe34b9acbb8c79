/*  probe/backup: the models shipped load; a wrong model says what is wrong;
    cleaning (terminal debris, dropped lines, secrets, binary); the prompt
    and pager state machine through an IOS login with enable and paging,
    a prompt-like line inside the output, refusals and errors.           */
#include "testing.h"
#include "../../probe/backup/backup.h"

static vd_backup_model_t *
s_model (const char *name)
{
    char *path = zsys_sprintf ("%s/data/models/%s.model", SRCDIR, name);
    char *text = vd_file_read (path, NULL);
    char *error = NULL;
    vd_backup_model_t *model = text? vd_backup_model_new (text, &error): NULL;
    if (!model)
        fprintf (stderr, "%s: %s\n", path, error? error: "cannot read");
    free (error);
    free (text);
    free (path);
    return model;
}

static bool
s_refused (const char *text, const char *expected)
{
    char *error = NULL;
    vd_backup_model_t *model = vd_backup_model_new (text, &error);
    bool ok = !model && error && strstr (error, expected);
    if (!ok)
        fprintf (stderr, "model error: %s, expected %s\n", error? error: "(none)", expected);
    vd_backup_model_destroy (&model);
    free (error);
    return ok;
}

static char *
s_clean (vd_backup_model_t *model, const char *raw, const char **reason)
{
    *reason = NULL;
    return backup_clean (model, raw, strlen (raw), reason);
}

static expect_step_t
s_feed (expect_t *expect, const char *text)
{
    return expect_feed (expect, text, strlen (text));
}

//  A device as a shell model expects one: a banner, its prompt (an
//  unprivileged one first when it has enable), the echo of each command, a
//  pager in the middle of the configuration
typedef struct {
    const char *model;
    const char *unprivileged;   //  NULL: logged in privileged
    const char *prompt;
    const char *pager;
    const char *before;         //  the configuration before the pager
    const char *after;          //  and after it
    const char *expected;       //  cleaned
} device_t;

//  Drives a model's state machine through a device's session; the cleaned
//  configuration, or NULL
static char *
s_session (const device_t *device)
{
    vd_backup_model_t *model = s_model (device->model);
    if (!model)
        return NULL;
    expect_t *expect = expect_new (model, 1 << 20);
    char said [4096];
    snprintf (said, sizeof said, "\r\n*** authorised access only ***\r\n\r\n%s",
              device->unprivileged? device->unprivileged: device->prompt);
    expect_step_t step = s_feed (expect, said);
    const char *key = model->more_key? model->more_key: " ";
    char *text = NULL;
    for (int rounds = 0; rounds < 40 && !text; rounds++) {
        if (step == EXPECT_WAIT)
            step = expect_feed (expect, NULL, 0);           //  the device is quiet
        else
        if (step == EXPECT_SEND_SECRET) {
            snprintf (said, sizeof said, "\r\n%s", device->prompt);
            step = s_feed (expect, said);
        }
        else
        if (step == EXPECT_SEND && streq (expect_text (expect), key)) {
            snprintf (said, sizeof said, "\r%*s\r%s%s", (int) strlen (device->pager), "", device->after,
                      device->prompt);
            step = s_feed (expect, said);
        }
        else
        if (step == EXPECT_SEND) {
            char command [256];
            snprintf (command, sizeof command, "%s", expect_text (expect));
            command [strcspn (command, "\n")] = 0;
            if (model->enable && streq (command, model->enable))
                snprintf (said, sizeof said, "%s\r\nPassword: ", command);
            else
            if (streq (command, model->commands [0]))
                snprintf (said, sizeof said, "%s\r\n%s%s", command, device->before, device->pager);
            else
                snprintf (said, sizeof said, "%s\r\n%s", command, device->prompt);
            step = s_feed (expect, said);
        }
        else
        if (step == EXPECT_DONE) {
            size_t size;
            const char *output = expect_output (expect, &size);
            const char *reason;
            text = backup_clean (model, output, size, &reason);
            if (!text)
                fprintf (stderr, "%s: not clean: %s\n", device->model, reason);
            break;
        }
        else {
            fprintf (stderr, "%s: failed at %s: %s: %s\n", device->model, expect_stage (expect),
                     expect_reason (expect), expect_error (expect));
            break;
        }
    }
    if (text && !streq (text, device->expected))
        fprintf (stderr, "%s: cleaned as:\n%s", device->model, text);
    expect_destroy (&expect);
    vd_backup_model_destroy (&model);
    return text;
}

static const device_t s_devices [] = {
    { "nxos", NULL, "sw1# ", "--More--",
      "!Command: show running-config\r\n!Running configuration last done at: Mon Dec  7 10:00:01 2026\r\n"
      "!Time: Mon Dec  7 10:02:03 2026\r\n\r\nversion 9.3(8) Bios:version 05.45\r\nhostname sw1\r\n"
      "username admin password 5 $5$ABCDEF$xyz  role network-admin\r\n",
      "interface Ethernet1/1\r\n  description uplink\r\n\r\n",
      "version 9.3(8) Bios:version 05.45\nhostname sw1\n"
      "username admin password 5 <secret hidden>  role network-admin\n"
      "interface Ethernet1/1\n  description uplink\n" },
    { "junos", NULL, "backup@mx1> ", "---(more 47%)---",
      "## Last commit: 2026-12-07 10:00:01 UTC by alice\r\nversion 21.4R3.15;\r\nsystem {\r\n"
      "    host-name mx1;\r\n    root-authentication {\r\n"
      "        encrypted-password \"$6$abc$def\"; ## SECRET-DATA\r\n",
      "    }\r\n}\r\n\r\n",
      "version 21.4R3.15;\nsystem {\n    host-name mx1;\n    root-authentication {\n"
      "        encrypted-password \"<secret hidden>\"; ## SECRET-DATA\n    }\n}\n" },
    { "eos", "leaf1>", "leaf1#", " --More-- ",
      "! Command: show running-config\r\n! device: leaf1 (DCS-7050SX3-48YC8, EOS-4.28.3M)\r\n!\r\n"
      "hostname leaf1\r\nusername admin privilege 15 role network-admin secret sha512 $6$abc\r\n",
      "interface Ethernet1\r\n   description spine1\r\nend\r\n",
      "!\nhostname leaf1\nusername admin privilege 15 role network-admin secret sha512 <secret hidden>\n"
      "interface Ethernet1\n   description spine1\nend\n" },
    { "vrp", NULL, "<ce1>", "  ---- More ----",
      "!Software Version V200R005C10SPC607B607\r\n!Last configuration was updated at 2026-12-07 10:00:01+00:00\r\n"
      "#\r\n sysname ce1\r\n#\r\n snmp-agent community read cipher %^%#abc%^%#\r\n",
      "#\r\ninterface GE1/0/1\r\n description uplink\r\n#\r\nreturn\r\n",
      "#\n sysname ce1\n#\n snmp-agent community read cipher <secret hidden>\n"
      "#\ninterface GE1/0/1\n description uplink\n#\nreturn\n" },
    { "fortios", NULL, "FGT60F # ", "--More-- ",
      "#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\r\n#conf_file_ver=1234567\r\n"
      "#buildno=1517\r\nconfig system global\r\n    set hostname \"FGT60F\"\r\nend\r\n",
      "config system admin\r\n    edit \"admin\"\r\n        set password ENC SH2abcdef\r\n    next\r\nend\r\n",
      "#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n"
      "config system global\n    set hostname \"FGT60F\"\nend\nconfig system admin\n    edit \"admin\"\n"
      "        set password ENC <secret hidden>\n    next\nend\n" },
};

int
main (void)
{
    const char *shipped [] = { "ios", "nxos", "junos", "eos", "routeros", "vrp", "fortios", "linux", "generic" };
    for (size_t i = 0; i < sizeof shipped / sizeof shipped [0]; i++) {
        vd_backup_model_t *model = s_model (shipped [i]);
        CHECK (model && streq (model->name, shipped [i]));
        vd_backup_model_destroy (&model);
    }
    CHECK (s_refused ("name = x\nlogin\n    prompt = \"[\"\nfetch\n    command = show\n", "login/prompt: ["));
    CHECK (s_refused ("login\n    prompt = \"#$\"\nfetch\n    command = show\n", "name is missing"));
    CHECK (s_refused ("name = x\nlogin\n    prompt = \"#$\"\n", "fetch/command is missing"));
    CHECK (s_refused ("name = x\nfetch\n    command = show\n", "login/prompt is missing"));
    CHECK (s_refused ("name = x\nmode = exec\nfetch\n    commnd = show\n", "fetch/commnd is not a model key"));
    CHECK (s_refused ("name = x\nmode = serial\nfetch\n    command = show\n", "mode is shell or exec"));
    CHECK (s_refused ("name = \"a b\"\nmode = exec\nfetch\n    command = show\n", "letters, digits"));

    //  triggers: a configuration change in syslog, the last group is who
    vd_backup_model_t *trigger = s_model ("ios");
    regmatch_t groups [10];
    const char *change = "%SYS-5-CONFIG_I: Configured from console by alice on vty0 (192.0.2.9)";
    CHECK (trigger && vd_patterns_match (&trigger->syslog, change, groups, 10)
           && groups [1].rm_so >= 0 && strncmp (change + groups [1].rm_so, "alice", 5) == 0
           && groups [1].rm_eo - groups [1].rm_so == 5);
    CHECK (trigger && !vd_patterns_match (&trigger->syslog, "%LINK-3-UPDOWN: Interface Gi0/1, changed state to up", NULL, 0));
    //  or a trap: ciscoConfigManEvent with the terminal user; a read of
    //  the configuration (destination commandSource) is no change
    char who [32];
    json_t *varbinds = json_loads ("[{\"oid\": \"1.3.6.1.4.1.9.9.43.1.1.6.1.3.7\", \"type\": \"integer\", \"value\": 1},"
        "{\"oid\": \"1.3.6.1.4.1.9.9.43.1.1.6.1.5.7\", \"type\": \"integer\", \"value\": 2},"
        "{\"oid\": \"1.3.6.1.4.1.9.9.43.1.1.6.1.8.7\", \"type\": \"string\", \"value\": \"carol\\u0007-the-admin\"}]",
        0, NULL);
    CHECK (trigger && varbinds && vd_backup_model_trap (trigger, "1.3.6.1.4.1.9.9.43.2.0.1", varbinds, who, sizeof who)
           && streq (who, "carol?-the-admin"));
    CHECK (trigger && !vd_backup_model_trap (trigger, "1.3.6.1.4.1.9.9.43.2.0.10", varbinds, who, sizeof who)
           && !*who);
    CHECK (trigger && !vd_backup_model_trap (trigger, "1.3.6.1.4.1.9.9.43.2.0", varbinds, who, sizeof who));
    json_integer_set (json_object_get (json_array_get (varbinds, 1), "value"), 1);
    CHECK (trigger && !vd_backup_model_trap (trigger, "1.3.6.1.4.1.9.9.43.2.0.1", varbinds, who, sizeof who)
           && !*who);
    //  no user varbind: a change by nobody named
    json_t *none = json_array ();
    CHECK (trigger && vd_backup_model_trap (trigger, "1.3.6.1.4.1.9.9.43.2.0.1", none, who, sizeof who)
           && !*who);
    json_decref (none);
    json_decref (varbinds);
    vd_backup_model_destroy (&trigger);
    CHECK (s_refused ("name = x\nmode = exec\nfetch\n    command = show\ntrigger\n    trap = ifDown\n",
                      "trigger/trap: ifDown is not a numeric OID"));
    CHECK (s_refused ("name = x\nmode = exec\nfetch\n    command = show\ntrigger\n    trap_user = \"\"\n",
                      "trigger/trap_user has no value"));
    CHECK (s_refused ("name = x\nmode = exec\nfetch\n    command = show\ntrigger\n    trap_ignore = 1.3.6.1\n",
                      "is not a numeric OID and a value"));

    //  a line as a terminal shows it
    char line [] = "abc\b\bx\x1b[7m--More--\x1b[m  \r";
    CHECK (backup_line_clean (line, strlen (line)) == 10 && streq (line, "ax--More--"));
    //  pagers that erase themselves by a carriage return or a cursor move:
    //  what follows overwrites them
    char erased [] = "--More--\r        \r interface Gi0/2";
    CHECK (backup_line_clean (erased, strlen (erased)) == 16 && streq (erased, " interface Gi0/2"));
    char moved [] = "\x1b[7m--More--\x1b[m\x1b[8D\x1b[Kend";
    CHECK (backup_line_clean (moved, strlen (moved)) == 3 && streq (moved, "end"));
    char wiped [] = "---(more 47%)---\x1b[2K\r    }";
    CHECK (backup_line_clean (wiped, strlen (wiped)) == 5 && streq (wiped, "    }"));
    char crlf [] = "hostname a\r";
    CHECK (backup_line_clean (crlf, strlen (crlf)) == 10 && streq (crlf, "hostname a"));

    vd_backup_model_t *ios = s_model ("ios");
    const char *reason;
    char *text = s_clean (ios,
        "\r\nBuilding configuration...\r\n\r\nCurrent configuration : 1234 bytes\r\n!\r\n"
        "! Last configuration change at 10:00:01 UTC Mon Mar 2 2026 by bob\r\n"
        "hostname core1\r\nenable secret 5 $1$abcd$efgh\r\n"
        "username bob privilege 15 secret 9 $9$xyz\r\n"
        "snmp-server community s3cret RO\r\nntp clock-period 17179\r\n"
        "interface Gi0/1\r\n description caf\xc3\xa9\r\n\r\n\r\nend\r\n\r\n", &reason);
    CHECK (text && streq (text,
        "!\nhostname core1\nenable secret 5 <secret hidden>\n"
        "username bob privilege 15 secret 9 <secret hidden>\n"
        "snmp-server community <secret hidden> RO\n"
        "interface Gi0/1\n description caf\xc3\xa9\n\n\nend\n"));
    if (text)
        fprintf (stderr, "%s", text);
    free (text);
    CHECK (!s_clean (ios, "hostname a\r\n\x01\x02\x03\r\n", &reason) && streq (reason, "binary"));
    //  two patterns on one secret: hidden once, the marker left alone
    vd_backup_model_t *generic = s_model ("generic");
    text = s_clean (generic, "snmp-server community pub1ic RO\nenable secret 5 $1$abc\n", &reason);
    CHECK (text && streq (text, "snmp-server community <secret hidden> RO\nenable secret 5 <secret hidden>\n"));
    if (text)
        fprintf (stderr, "%s", text);
    free (text);
    vd_backup_model_destroy (&generic);
    CHECK (!s_clean (ios, "hostname \xff\xfe\r\n", &reason) && streq (reason, "binary"));
    CHECK (!backup_clean (ios, "a\0b\n", 4, &reason) && streq (reason, "binary"));

    //  an IOS login: banner, unprivileged, enable with a secret, paging
    expect_t *expect = expect_new (ios, 1 << 20);
    CHECK (s_feed (expect, "\r\n**** authorised use only ****\r\ncore1>") == EXPECT_WAIT);
    CHECK (expect_feed (expect, NULL, 0) == EXPECT_SEND && streq (expect_text (expect), "enable\n"));
    CHECK (s_feed (expect, "enable\r\nPassword: ") == EXPECT_SEND_SECRET);
    CHECK (s_feed (expect, "\r\ncore1#") == EXPECT_WAIT);           //  not learned yet: quiet first
    CHECK (expect_feed (expect, NULL, 0) == EXPECT_SEND && streq (expect_text (expect), "terminal length 0\n"));
    //  the learned prompt ends a command at once
    CHECK (s_feed (expect, "terminal length 0\r\ncore1#") == EXPECT_SEND
           && streq (expect_text (expect), "terminal width 0\n"));
    CHECK (s_feed (expect, "terminal width 0\r\ncore1#") == EXPECT_SEND
           && streq (expect_text (expect), "show running-config\n"));
    CHECK (s_feed (expect, "show running-config\r\nhostname core1\r\nbanner motd ^C\r\nrouter#") == EXPECT_WAIT);
    CHECK (s_feed (expect, "\r\n^C\r\n --More-- ") == EXPECT_SEND && streq (expect_text (expect), " "));
    CHECK (s_feed (expect, "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\binterface Gi0/1\r\nend\r\n\r\ncore1#")
           == EXPECT_DONE && streq (expect_text (expect), "exit\n"));
    size_t size;
    const char *output = expect_output (expect, &size);
    text = backup_clean (ios, output, size, &reason);
    CHECK (text && streq (text, "hostname core1\nbanner motd ^C\nrouter#\n^C\ninterface Gi0/1\nend\n"));
    if (text)
        fprintf (stderr, "%s", text);
    free (text);
    expect_destroy (&expect);

    //  a refused enable secret; a command error; too much output
    expect = expect_new (ios, 1 << 20);
    s_feed (expect, "core1>");
    expect_feed (expect, NULL, 0);
    CHECK (s_feed (expect, "enable\r\nPassword: ") == EXPECT_SEND_SECRET);
    CHECK (s_feed (expect, "\r\n% Access denied\r\n\r\nPassword: ") == EXPECT_FAIL
           && streq (expect_reason (expect), "enable"));
    expect_destroy (&expect);
    //  a device that gives the unprivileged prompt back instead
    expect = expect_new (ios, 1 << 20);
    s_feed (expect, "core1>");
    expect_feed (expect, NULL, 0);
    s_feed (expect, "enable\r\nPassword: ");
    CHECK (s_feed (expect, "\r\n% Access denied\r\n\r\ncore1>") == EXPECT_WAIT);
    CHECK (expect_feed (expect, NULL, 0) == EXPECT_FAIL && streq (expect_error (expect), "the enable secret was refused"));
    expect_destroy (&expect);
    expect = expect_new (ios, 1 << 20);
    s_feed (expect, "core1#");
    expect_feed (expect, NULL, 0);
    s_feed (expect, "terminal length 0\r\ncore1#");
    s_feed (expect, "terminal width 0\r\ncore1#");
    CHECK (s_feed (expect, "show running-config\r\n% Invalid input detected at '^' marker.\r\ncore1#") == EXPECT_FAIL
           && streq (expect_reason (expect), "command"));
    expect_destroy (&expect);
    expect = expect_new (ios, 1000);
    s_feed (expect, "core1#");
    expect_feed (expect, NULL, 0);
    char big [1200];
    memset (big, 'x', sizeof big - 1);
    big [sizeof big - 1] = 0;
    CHECK (s_feed (expect, big) == EXPECT_FAIL && streq (expect_reason (expect), "too_large"));
    expect_destroy (&expect);
    vd_backup_model_destroy (&ios);

    //  each shell model through a session like its devices' own
    for (size_t i = 0; i < sizeof s_devices / sizeof s_devices [0]; i++) {
        char *cleaned = s_session (&s_devices [i]);
        CHECK (cleaned && streq (cleaned, s_devices [i].expected));
        free (cleaned);
    }
    TESTS_DONE ();
}
