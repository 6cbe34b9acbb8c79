#!/usr/bin/python3
"""T18's attacks on meshd's SSH server (libssh), from SOURCE to HOST:PORT.
Prints one line per result, "name value", for t18_ssh_attacks.sh to check.

  kex       the server's KEXINIT, read from the wire: does it offer strict
            key exchange (kex-strict-s-v00@openssh.com, Terrapin)?
  early     CVE-2018-10933: a client that sends USERAUTH_SUCCESS itself
            instead of authenticating, then asks for a session
  methods   what the "none" method is told the server accepts
  interactive, unknown, weak_rsa
            keyboard-interactive, a key nobody registered, and an RSA key of
            1024 bits that is registered (put in the database by the test,
            as an old one would be): each refused?
  wrong N   N publickey attempts with wrong keys over as many connections
            as the server allows: how many succeeded
  good      a registered key of 2048 bits logs in (the control)

With an eighth argument, "alloc" (meshd's libssh failing allocations, T18
d), only wrong and good, and a connection that fails on the way is counted
(dropped N) and the next one tried; the control is tried up to 10 times."""
import socket
import struct
import sys

import paramiko

host, port, source = sys.argv[1], int(sys.argv[2]), sys.argv[3]
user, good_key, weak_key, wrong = sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7])
alloc = sys.argv[8:] == ["alloc"]


def connect(src=source):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(3 if alloc else 10)
    s.connect((host, port))
    return s


def transport(src=source):
    t = paramiko.Transport(connect(src))
    t.start_client(timeout=3 if alloc else 10)
    return t


def say(name, value):
    print(name, value, flush=True)


def protocol():
    """kex, early, methods, interactive, unknown, weak_rsa"""
    kex_offered()
    early()
    methods()
    refused("interactive", lambda t: t.auth_interactive(user, lambda title, instructions, prompts: ["x"] * len(prompts)))
    refused("unknown", lambda t: t.auth_publickey(user, paramiko.ECDSAKey.generate()))
    refused("weak_rsa", lambda t: t.auth_publickey(user, paramiko.RSAKey.from_private_key_file(weak_key)))


def kex_offered():
    """the server's KEXINIT name-lists, before any encryption"""
    s = connect()
    s.sendall(b"SSH-2.0-t18\r\n")
    data = b""
    while b"\n" not in data:
        data += s.recv(4096)
    data = data.split(b"\n", 1)[1]
    while len(data) < 5 or len(data) < 4 + struct.unpack(">I", data[:4])[0]:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    payload = data[5:]
    assert payload[0] == 20, "not a KEXINIT"
    at = 17
    length = struct.unpack(">I", payload[at:at + 4])[0]
    kex = payload[at + 4:at + 4 + length].decode()
    s.close()
    say("kex", "strict" if "kex-strict-s-v00@openssh.com" in kex.split(",") else "missing:" + kex)


def early():
    """USERAUTH_SUCCESS from the client, then a session"""
    t = transport()
    m = paramiko.Message()
    m.add_byte(bytes([paramiko.common.MSG_USERAUTH_SUCCESS]))
    t._send_message(m)
    try:
        channel = t.open_session(timeout=5)
        channel.get_pty()
        channel.invoke_shell()
        got = channel.recv(100)
        say("early", "SESSION" if got else "refused")
    except Exception:
        say("early", "refused")
    t.close()


def methods():
    """what "none" is told"""
    t = transport()
    try:
        t.auth_none(user)
        say("methods", "NONE-ACCEPTED")
    except paramiko.BadAuthenticationType as e:
        say("methods", ",".join(sorted(e.allowed_types)))
    t.close()


def refused(name, attempt):
    t = transport()
    try:
        attempt(t)
        say(name, "ACCEPTED")
    except (paramiko.AuthenticationException, paramiko.SSHException):
        say(name, "refused")
    t.close()


def wrong_keys():
    """as many wrong keys as asked, each connection until it is closed"""
    keys = [paramiko.ECDSAKey.generate() for _ in range(20)]
    tried = succeeded = connections = dropped = 0
    while tried < wrong and dropped <= wrong:
        try:
            t = transport()
        except Exception:
            if not alloc:
                break
            dropped += 1
            continue
        connections += 1
        try:
            while tried < wrong:
                try:
                    t.auth_publickey(user, keys[tried % len(keys)])
                    succeeded += 1
                except paramiko.AuthenticationException:
                    pass
                tried += 1      # answered: a connection closed raises SSHException instead
        except Exception:
            pass                # closed after its last allowed failure
        t.close()
    say("wrong", "%d tried, %d succeeded, %d connections, %d dropped" % (tried, succeeded, connections, dropped))


def control():
    """a registered key logs in, from the loopback address nothing above used"""
    for attempt in range(10 if alloc else 1):
        try:
            t = transport("127.0.0.1")
            t.auth_publickey(user, paramiko.RSAKey.from_private_key_file(good_key))
            result = "in" if t.is_authenticated() else "refused"
            t.close()
        except Exception as e:
            result = "refused:%s" % e
        if result == "in":
            break
    say("good", result)


if not alloc:
    protocol()
wrong_keys()
control()
