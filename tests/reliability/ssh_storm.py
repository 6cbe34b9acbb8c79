#!/usr/bin/python3
"""T17's storm on the console's SSH server, with paramiko: CLIENTS threads
from STORM_ADDRESS, each offering GUESSES wrong passwords for admin (a new
connection whenever meshd closes one), while the admin logs in with KEY from
127.0.0.1 every 10 s until the storm is over. Prints, one per line:

  guesses N          passwords offered in all (answered or refused by
                     meshd closing the connection first)
  accepted N         wrong passwords that logged in
  most N             the most failures one connection was allowed
  refused N          connections refused before authentication (the
                     penalty, MaxStartups' early drop); each waits a second
  let_in T           each storm connection meshd let in: its wall clock time
  admin OK/TRIED MAX_S   the admin's key logins that got in, and the slowest"""
import socket
import sys
import threading
import time

import paramiko

port, storm_address, clients, guesses, key_file = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                                   int(sys.argv[4]), sys.argv[5])
lock = threading.Lock()
stats = {"guesses": 0, "accepted": 0, "most": 0, "refused": 0}
let_in = []
storm_over = threading.Event()


def connect(address):
    s = socket.socket()
    s.bind((address, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    t = paramiko.Transport(s)
    t.start_client(timeout=10)
    return t


def storm():
    left = guesses
    while left > 0:
        try:
            t = connect(storm_address)
        except Exception:
            with lock:
                stats["refused"] += 1
                stats["guesses"] += 1
            left -= 1
            time.sleep(1)
            continue
        with lock:
            let_in.append(time.time())
        failures = 0
        while left > 0:
            left -= 1
            with lock:
                stats["guesses"] += 1
            try:
                t.auth_password("admin", "wrong-%d" % left)
                with lock:
                    stats["accepted"] += 1
            except paramiko.AuthenticationException:
                failures += 1
            except Exception:
                break           # meshd closed the connection
        with lock:
            stats["most"] = max(stats["most"], failures)
        t.close()


admin = {"ok": 0, "tried": 0, "slowest": 0.0}


def admin_logins():
    key = paramiko.Ed25519Key.from_private_key_file(key_file)
    while not storm_over.is_set():
        started = time.monotonic()
        admin["tried"] += 1
        try:
            t = connect("127.0.0.1")
            t.auth_publickey("admin", key)
            if t.is_authenticated():
                admin["ok"] += 1
                admin["slowest"] = max(admin["slowest"], time.monotonic() - started)
            t.close()
        except Exception:
            pass
        storm_over.wait(10)


watcher = threading.Thread(target=admin_logins)
watcher.start()
workers = [threading.Thread(target=storm) for _ in range(clients)]
for w in workers:
    w.start()
for w in workers:
    w.join()
storm_over.set()
watcher.join()
for name in ("guesses", "accepted", "most", "refused"):
    print(name, stats[name])
for at in let_in:
    print("let_in %.3f" % at)
print("admin %d/%d %.2f" % (admin["ok"], admin["tried"], admin["slowest"]))
