#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host check of the xenconsole client against a real xenstored (socket
only, no Xen): it finds the tty in xenstore, passes bytes both ways
unchanged, detaches on Ctrl-] with the terminal restored, and says
clearly when a domain does not exist or has no console.  Run by
test_console.c; needs tools/xenstore and tools/console built."""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
XENSTORED = os.path.join(ROOT, "tools", "xenstore", "build", "xenstored")
XENSTORE = os.path.join(ROOT, "tools", "xenstore", "build", "xenstore")
CLIENT = os.path.join(ROOT, "tools", "console", "build", "xenconsole")


def read_until(fd, want, timeout=5.0):
    got = b""
    end = time.monotonic() + timeout
    while want not in got:
        left = end - time.monotonic()
        assert left > 0, "wanted %r, got %r" % (want, got)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            assert chunk, "EOF waiting for %r (got %r)" % (want, got)
            got += chunk
    return got


def main():
    for p in (XENSTORED, XENSTORE, CLIENT):
        if not os.access(p, os.X_OK):
            print("check_client: %s not built" % p)
            return 1
    tmp = tempfile.mkdtemp(prefix="check-client-")
    env = dict(os.environ, XENSTORED_PATH=os.path.join(tmp, "socket"))
    xsd = subprocess.Popen([XENSTORED, "-N", "-D", "-R", tmp, "-L",
                            os.path.join(tmp, "xenstored.log")], env=env,
                           stdin=subprocess.DEVNULL)
    client = None
    try:
        end = time.monotonic() + 10
        while subprocess.run([XENSTORE, "exists", "/"], env=env,
                             stderr=subprocess.DEVNULL).returncode:
            assert time.monotonic() < end, "xenstored did not answer"
            assert xsd.poll() is None, "xenstored exited"
            time.sleep(0.05)

        def xs(*args):
            subprocess.run([XENSTORE] + list(args), env=env, check=True)

        # The "guest": the master side of a pty whose slave is the tty.
        gm, gs = pty.openpty()
        xs("write", "/local/domain/3/name", "guest1",
           "/local/domain/3/console/tty", os.ttyname(gs))
        xs("write", "/local/domain/4/name", "noconsole")

        # Errors, without a terminal.
        p = subprocess.run([CLIENT, "7"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        assert p.returncode == 1, p
        assert p.stderr.decode() == "Error: Domain '7' does not exist.\n", \
            p.stderr
        p = subprocess.run([CLIENT, "x7"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        assert p.returncode == 2 and b"not a domain id" in p.stderr, p

        # The user's terminal: another pty, raw while attached.
        um, us = pty.openpty()
        before = termios.tcgetattr(us)
        client = subprocess.Popen([CLIENT, "3"], env=env, stdin=us,
                                  stdout=us, stderr=us, close_fds=True,
                                  start_new_session=True)
        # Typed bytes reach the guest unchanged (no echo, no CR mapping):
        # wait until the client has made the terminal raw first.
        end = time.monotonic() + 10
        while termios.tcgetattr(us)[3] & termios.ECHO:
            assert time.monotonic() < end, "terminal never made raw"
            assert client.poll() is None, "client exited early"
            time.sleep(0.02)
        os.write(um, b"ls\r\x03")
        assert read_until(gm, b"ls\r\x03") == b"ls\r\x03"
        os.write(gm, b"guest says\r\n")
        read_until(um, b"guest says\r\n")
        # Ctrl-]: what came before it still goes, then a clean exit with
        # the terminal as it was.
        os.write(um, b"q\x1dzz")
        assert client.wait(timeout=10) == 0
        assert read_until(gm, b"q") == b"q"
        r, _, _ = select.select([gm], [], [], 0.2)
        assert not r, "bytes after the escape reached the guest"
        assert termios.tcgetattr(us) == before, "terminal not restored"
        client = None

        # A console that appears while the client waits (xm create -c).
        gm2, gs2 = pty.openpty()
        xs("write", "/local/domain/5/name", "late")
        um2, us2 = pty.openpty()
        client = subprocess.Popen([CLIENT, "--wait", "20", "5"], env=env,
                                  stdin=us2, stdout=us2, stderr=us2,
                                  close_fds=True, start_new_session=True)
        xs("write", "/local/domain/5/console/tty", os.ttyname(gs2))
        os.write(gm2, b"late hello")
        read_until(um2, b"late hello")
        os.write(um2, b"\x1d")
        assert client.wait(timeout=10) == 0
        client = None

        # No console: a clear message naming the node, after the wait.
        t0 = time.monotonic()
        p = subprocess.run([CLIENT, "-w", "1", "4"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        assert p.returncode == 1, p
        err = p.stderr.decode()
        assert "domain 4 (noconsole) has no pv console 0" in err, err
        assert "/local/domain/4/console/tty" in err, err
        assert "within 1 s" in err, err
        assert time.monotonic() - t0 >= 1, "gave up before its wait"
    finally:
        if client is not None:
            client.kill()
            client.wait()
        xsd.send_signal(signal.SIGTERM)
        try:
            xsd.wait(timeout=10)
        except subprocess.TimeoutExpired:
            xsd.kill()
            xsd.wait()
        shutil.rmtree(tmp)
    print("check_client: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
