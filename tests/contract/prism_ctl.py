#!/usr/bin/env python3
"""Start and stop a Stoplight Prism mock server for the contract tests.

    prism_ctl.py start --prism BIN --spec DERIVED --state FILE
                       [--seed N] [--ttl SECONDS] [--ready-timeout SECONDS]
    prism_ctl.py stop  --state FILE

`start` picks a free port on 127.0.0.1, launches a small supervisor process
(this script, `supervise` mode, in its own session) that runs
`prism mock -h 127.0.0.1 -p PORT [-d --seed N] DERIVED`, waits until Prism
answers HTTP on the port (a request for an unknown path gets Prism's own
NO_PATH_MATCHED problem document, which also proves it is Prism and not some
other server), and writes the state file:

    line 1: base URL, e.g. http://127.0.0.1:41234  (the mock root: Prism
            serves the spec's paths without the /v1 of `servers`)
    line 2: supervisor pid
    line 3: Prism log file

The supervisor stops Prism by itself when
  - it receives SIGTERM/SIGINT/SIGHUP (what `stop` sends), or
  - the process that ran `start` (ctest) has gone away: a suite killed by a
    wrapper's time limit does not leave Prism behind, or
  - the time-to-live has passed (--ttl, default 900 s).

`stop` signals the supervisor and waits for it.  It fails (exit 1) when
Prism had already died during the tests, so a crash of the mock is never
silent.  Standard library only.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time

POLL_S = 0.25


def free_port():
    """Ask the kernel for a port nobody listens on right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def probe(port):
    """True when Prism answers on the port with its own 404 document."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /__clerk_contract_probe__ HTTP/1.1\r\n"
                      b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while len(data) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return False
    return b"stoplight.io/prism" in data


def tail(path, n=30):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- supervise

def supervise(args):
    """Run Prism as a child; end it on a signal, an orphaned suite or TTL."""
    cmd = [args.prism, "mock", "-h", "127.0.0.1", "-p", str(args.port)]
    if args.seed is not None:
        cmd += ["-d", "--seed", str(args.seed)]
    cmd.append(args.spec)
    stop = {"why": None}

    def on_signal(signum, _frame):
        stop["why"] = "signal %d" % signum

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + args.ttl
    while stop["why"] is None:
        if child.poll() is not None:
            sys.stderr.write("prism_ctl: prism exited with %s\n"
                             % child.returncode)
            return 3
        if args.watch_pid and not alive(args.watch_pid):
            stop["why"] = "watched process %d is gone" % args.watch_pid
        elif time.monotonic() > deadline:
            stop["why"] = "time to live (%d s) passed" % args.ttl
        else:
            time.sleep(POLL_S)
    sys.stderr.write("prism_ctl: stopping prism: %s\n" % stop["why"])
    child.terminate()
    try:
        child.wait(timeout=5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    return 0


# ------------------------------------------------------------------- start

def start(args):
    if not os.access(args.prism, os.X_OK):
        sys.stderr.write(
            "prism_ctl: %s not found; run `npm ci --prefix tests/contract` "
            "(Prism is pinned in tests/contract/package-lock.json)\n"
            % args.prism)
        return 1
    if not os.path.exists(args.spec):
        sys.stderr.write("prism_ctl: derived spec %s missing; build the "
                         "contract_spec target\n" % args.spec)
        return 1
    args.state = os.path.abspath(args.state)
    log = args.state + ".log"
    # Watch the process that runs us (ctest); --no-watch for manual use
    # (the time to live still applies).
    watch = 0 if args.no_watch else os.getppid()
    # A port picked here can be taken before Prism binds it: try again
    # with another one when Prism exits early.
    for attempt in range(3):
        port = free_port()
        cmd = [sys.executable, os.path.abspath(__file__), "supervise",
               "--prism", args.prism, "--spec", args.spec,
               "--port", str(port), "--ttl", str(args.ttl),
               "--watch-pid", str(watch)]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        with open(log, "w", encoding="utf-8") as logf:
            sup = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                   stdout=logf, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        deadline = time.monotonic() + args.ready_timeout
        while time.monotonic() < deadline:
            if sup.poll() is not None:
                break
            if probe(port):
                with open(args.state, "w", encoding="utf-8") as f:
                    f.write("http://127.0.0.1:%d\n%d\n%s\n"
                            % (port, sup.pid, log))
                print("prism_ctl: Prism%s ready at http://127.0.0.1:%d "
                      "(supervisor pid %d)"
                      % ("" if args.seed is None else " (seed %d)" % args.seed,
                         port, sup.pid))
                return 0
            time.sleep(POLL_S)
        if sup.poll() is None:
            os.killpg(sup.pid, signal.SIGTERM)
            sup.wait()
            sys.stderr.write("prism_ctl: Prism not ready after %d s\n%s"
                             % (args.ready_timeout, tail(log)))
            return 1
        sys.stderr.write("prism_ctl: attempt %d: Prism exited early\n%s"
                         % (attempt + 1, tail(log)))
    return 1


# -------------------------------------------------------------------- stop

def stop(args):
    try:
        with open(args.state, "r", encoding="utf-8") as f:
            lines = f.read().split("\n")
        pid = int(lines[1])
        log = lines[2]
    except (OSError, ValueError, IndexError) as e:
        sys.stderr.write("prism_ctl: no usable state file %s: %s\n"
                         % (args.state, e))
        return 1
    os.unlink(args.state)
    if not alive(pid):
        sys.stderr.write("prism_ctl: Prism had already stopped\n%s"
                         % tail(log))
        return 1
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(POLL_S)
    if alive(pid):
        os.killpg(pid, signal.SIGKILL)
    # The supervisor exits 3 when Prism died by itself; the log says so.
    if "prism exited" in tail(log):
        sys.stderr.write("prism_ctl: Prism had died\n%s" % tail(log))
        return 1
    print("prism_ctl: stopped supervisor %d" % pid)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("start")
    a.add_argument("--prism", required=True)
    a.add_argument("--spec", required=True)
    a.add_argument("--state", required=True)
    a.add_argument("--seed", type=int)
    a.add_argument("--ttl", type=int, default=900)
    a.add_argument("--ready-timeout", type=int, default=60)
    a.add_argument("--no-watch", action="store_true")
    b = sub.add_parser("stop")
    b.add_argument("--state", required=True)
    c = sub.add_parser("supervise")
    c.add_argument("--prism", required=True)
    c.add_argument("--spec", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--seed", type=int)
    c.add_argument("--ttl", type=int, required=True)
    c.add_argument("--watch-pid", type=int, default=0)
    args = ap.parse_args()
    return {"start": start, "stop": stop, "supervise": supervise}[args.cmd](
        args)


if __name__ == "__main__":
    sys.exit(main())
