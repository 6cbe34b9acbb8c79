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
    TESTS_DONE ();
}
