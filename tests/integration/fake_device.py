#!/usr/bin/python3
# A network device's CLI behind a real OpenSSH sshd (its ForceCommand), for
# the configuration backup tests. It runs on the pty sshd gives it: the pty
# echoes what is typed and turns \n into \r\n, as a device's line does.
#
#   fake_device.py ios CONFIG ENABLE   an IOS-like CLI: a banner, "core1>",
#           enable with a secret, --More-- paging until "terminal length 0",
#           show running-config prints CONFIG with the lines that change by
#           themselves (Building configuration, Last configuration change)
#   fake_device.py hang                logs in, then says nothing, ever
#   fake_device.py flood               prints without end
#   fake_device.py binary              an IOS prompt, then binary for a configuration
#   fake_device.py exec CONFIG         runs the command the client gave (as
#           RouterOS or a Linux host do): show running-config prints CONFIG,
#           anything else fails with exit status 1
import os, sys, termios, time, tty

mode = sys.argv[1]
out = sys.stdout

if mode == "exec":
    if os.environ.get("SSH_ORIGINAL_COMMAND") == "show running-config":
        sys.stdout.write(open(sys.argv[2]).read())
        sys.exit(0)
    sys.stderr.write("unknown command\n")
    sys.exit(1)

def say(text):
    out.write(text)
    out.flush()

if mode == "hang":
    while True:
        time.sleep(3600)
if mode == "flood":
    line = "x" * 79 + "\n"
    while True:
        say(line * 100)

PROMPT = "core1"
privileged = False
paging = True
config = sys.argv[2] if len(sys.argv) > 2 else None
enable_secret = sys.argv[3] if len(sys.argv) > 3 else "enable"

def readline():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return line.strip()

def paged(lines):
    shown = 0
    for line in lines:
        say(line + "\n")
        shown += 1
        if paging and shown % 20 == 0:
            say(" --More-- ")
            fd = sys.stdin.fileno()
            saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            try:
                key = os.read(fd, 1)
            finally:
                termios.tcsetattr(fd, termios.TCSANOW, saved)
            say("\b" * 10 + " " * 10 + "\b" * 10)
            if key in (b"q", b"Q"):
                return

say("\n*** lab device: authorised access only ***\n\n")
while True:
    say(PROMPT + ("#" if privileged else ">"))
    command = readline()
    if command == "":
        continue
    if command == "enable":
        say("Password: ")
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        secret = readline()
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        say("\n")
        if secret == enable_secret:
            privileged = True
        else:
            say("% Access denied\n\n")
    elif command == "terminal length 0":
        paging = False
    elif command.startswith("terminal width"):
        pass
    elif command == "show running-config" and privileged:
        if mode == "binary":
            say("Building configuration...\n")
            out.buffer.write(bytes(range(0, 32)) * 4 + b"\xff\xfe\n")
            out.buffer.flush()
            continue
        text = open(config).read().splitlines()
        lines = ["Building configuration...", "",
                 "Current configuration : %d bytes" % sum(len(l) + 1 for l in text),
                 "!", "! Last configuration change at %s by admin" % time.strftime("%H:%M:%S UTC %a %b %d %Y"),
                 "!"] + text + ["end", ""]
        paged(lines)
    elif command == "exit":
        sys.exit(0)
    else:
        say("                ^\n% Invalid input detected at '^' marker.\n\n")
