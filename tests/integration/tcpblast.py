#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The kernel side of app/examples/tcpblast.c, run in the peer's namespace.

  tcpblast.py sink ADDR PORT TIMEOUT_S READYFILE
      listen on ADDR:PORT (touch READYFILE once listening), take one
      connection, read to EOF, print "bytes N sha256 HEX secs T MBps R".
  tcpblast.py source HOST PORT BYTES SEED TIMEOUT_S
      connect, send BYTES of stream SEED, shut down the write side, wait
      for the peer's EOF (everything delivered), print as sink.
  tcpblast.py source-hold HOST PORT BYTES SEED TIMEOUT_S
      as source, but once the peer has acknowledged every byte print
      "acked N secs T MBps R" and wait for a line on stdin before shutting
      down (tools/bench-gro-rx.py reads the receiver's counters then).
  tcpblast.py gen BYTES SEED     the stream on stdout

The stream is tcpblast.c's: splitmix64 seeded with SEED; its first 8192
outputs (little-endian) make a 64 KiB base block B; block j of the stream
is B XOR (output 8192+j repeated), little-endian. Every failure (timeout
included) is one line on stderr and exit 1.
"""
import fcntl
import hashlib
import socket
import struct
import sys
import termios
import time

M = (1 << 64) - 1
BLK = 65536


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)


def stream(nbytes, seed):
    x = seed & M
    words = []
    for _ in range(BLK // 8):
        x, z = splitmix64(x)
        words.append(z.to_bytes(8, "little"))
    base = int.from_bytes(b"".join(words), "little")
    while nbytes > 0:
        x, key = splitmix64(x)
        pat = int.from_bytes(key.to_bytes(8, "little") * (BLK // 8), "little")
        blk = (base ^ pat).to_bytes(BLK, "little")
        n = min(nbytes, BLK)
        yield blk[:n] if n < BLK else blk
        nbytes -= n


def report(n, h, t0):
    secs = time.monotonic() - t0
    print(f"bytes {n} sha256 {h.hexdigest()} secs {secs:.3f} "
          f"MBps {n / 1e6 / secs if secs > 0 else 0:.1f}", flush=True)


def fail(mode, what, n):
    sys.stderr.write(f"tcpblast.py {mode}: FAIL: {what} after {n} bytes\n")
    sys.exit(1)


def sink(addr, port, timeout, ready):
    deadline = time.monotonic() + timeout
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    open(ready, "w").close()
    ls.settimeout(timeout)
    got = 0
    try:
        c, _ = ls.accept()
    except socket.timeout:
        fail("sink", "timeout waiting for a connection", 0)
    t0 = time.monotonic()
    h = hashlib.sha256()
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("sink", "timeout before EOF", got)
        c.settimeout(left)
        try:
            n = c.recv_into(buf)
        except socket.timeout:
            fail("sink", "timeout before EOF", got)
        except OSError as e:
            fail("sink", f"recv: {e}", got)
        if n == 0:
            break
        h.update(view[:n])
        got += n
    report(got, h, t0)
    c.close()
    ls.close()


def unacked(s):
    """Bytes sent or queued that the peer has not acknowledged (SIOCOUTQ,
    which is TIOCOUTQ: tcp_ioctl() answers write_seq - snd_una)."""
    return struct.unpack("i", fcntl.ioctl(s.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]


def wait_acked(s, sent, t0, deadline):
    while unacked(s) > 0:
        if time.monotonic() > deadline:
            fail("source", "timeout waiting for the peer's ACKs", sent)
        time.sleep(0.001)
    secs = time.monotonic() - t0
    print(f"acked {sent} secs {secs:.3f} MBps {sent / 1e6 / secs:.1f}", flush=True)
    sys.stdin.readline()


def source(host, port, nbytes, seed, timeout, hold=False):
    deadline = time.monotonic() + timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    sent = 0
    try:
        s.connect((host, port))
    except OSError as e:
        fail("source", f"connect: {e}", 0)
    t0 = time.monotonic()
    h = hashlib.sha256()
    for blk in stream(nbytes, seed):
        h.update(blk)
        left = deadline - time.monotonic()
        if left <= 0:
            fail("source", "timeout sending", sent)
        s.settimeout(left)
        try:
            s.sendall(blk)
        except socket.timeout:
            fail("source", "timeout sending", sent)
        except OSError as e:
            fail("source", f"send: {e}", sent)
        sent += len(blk)
    if hold:
        wait_acked(s, sent, t0, deadline)
    s.shutdown(socket.SHUT_WR)
    # the peer closes once it has read everything
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("source", "timeout waiting for the peer's EOF", sent)
        s.settimeout(left)
        try:
            if not s.recv(4096):
                break
        except socket.timeout:
            fail("source", "timeout waiting for the peer's EOF", sent)
        except OSError as e:
            fail("source", f"recv (waiting for EOF): {e}", sent)
    report(sent, h, t0)
    s.close()


def main(a):
    if len(a) == 5 and a[0] == "sink":
        sink(a[1], int(a[2]), float(a[3]), a[4])
    elif len(a) == 6 and a[0] in ("source", "source-hold"):
        source(a[1], int(a[2]), int(a[3]), int(a[4], 0), float(a[5]),
               a[0] == "source-hold")
    elif len(a) == 3 and a[0] == "gen":
        out = sys.stdout.buffer
        for blk in stream(int(a[1]), int(a[2], 0)):
            out.write(blk)
        out.flush()
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
