#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Bounded load against a local HTTPS server, for pveproxy's tests.

  http-stress.py keepalive HOST PORT PATH COOKIE CONNECTIONS REQUESTS
      CONNECTIONS concurrent keep-alive connections, REQUESTS each; prints
      the number of 200 answers and exits 1 unless all were 200.
  http-stress.py slowloris HOST PORT SOURCE CONNECTIONS SECONDS
      opens CONNECTIONS from SOURCE sending one header byte every second
      for SECONDS (never completing the request); prints how many the
      server accepted.
  http-stress.py reuse HOST PORT PATH COOKIE SIGNAL_PID
      one keep-alive connection: a request, SIGHUP to SIGNAL_PID, then two
      more on the same connection; prints the status codes.
"""
import os
import signal
import socket
import ssl
import sys
import threading
import time


def context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect(host, port, source=None):
    sock = socket.create_connection((host, port), timeout=30,
                                    source_address=(source, 0) if source else None)
    return context().wrap_socket(sock, server_hostname=host)


def request(conn, host, path, cookie):
    conn.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: PVEAuthCookie={cookie}\r\n"
                  "Connection: keep-alive\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status = int(head.split()[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        body += conn.recv(65536)
    return status


def keepalive(host, port, path, cookie, n, reqs):
    ok = 0
    lock = threading.Lock()
    barrier = threading.Barrier(n)

    def worker():
        nonlocal ok
        try:
            conn = connect(host, int(port))
            barrier.wait(timeout=60)
            good = sum(1 for _ in range(reqs) if request(conn, host, path, cookie) == 200)
            conn.close()
        except Exception as e:  # counted as failures
            print(f"# {e}", file=sys.stderr)
            good = 0
        with lock:
            ok += good

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    print(ok)
    return 0 if ok == n * reqs else 1


def slowloris(host, port, source, n, seconds):
    conns = []
    for _ in range(n):
        try:
            c = connect(host, int(port), source)
            c.sendall(b"GET / HTTP/1.1\r\n")
            conns.append(c)
        except Exception:
            pass
    print(len(conns), flush=True)
    deadline = time.time() + seconds
    while time.time() < deadline:
        for c in list(conns):
            try:
                c.sendall(b"X")
            except Exception:
                conns.remove(c)
        time.sleep(1)
    for c in conns:
        c.close()
    return 0


def reuse(host, port, path, cookie, pid):
    conn = connect(host, int(port))
    codes = [request(conn, host, path, cookie)]
    os.kill(int(pid), signal.SIGHUP)
    time.sleep(0.5)
    codes += [request(conn, host, path, cookie), request(conn, host, path, cookie)]
    print(" ".join(map(str, codes)))
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "keepalive":
        sys.exit(keepalive(args[0], args[1], args[2], args[3], int(args[4]), int(args[5])))
    if cmd == "slowloris":
        sys.exit(slowloris(args[0], args[1], args[2], int(args[3]), int(args[4])))
    if cmd == "reuse":
        sys.exit(reuse(*args))
    sys.exit(__doc__)
