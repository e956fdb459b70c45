#!/usr/bin/python3
"""Async benchmark: many GET /users/{id} calls in flight on local nginx.

usage: async_bench.py --build-dir DIR [--spec SPEC] [--n 10000]
                      [--concurrency 64,256] [--protocols h1,h2]
                      [--clients async,pool,sync,node] [--threads 8]
                      [--runs 1]

Starts nginx (async_nginx.conf.in) on two free 127.0.0.1 TLS ports, one
HTTP/1.1 only and one offering HTTP/2 by ALPN, with a certificate from a
test CA made by the openssl CLI, serving the fully populated User of
gen_data.py (about 10 KB) for every GET /v1/users/{id}.  For each protocol
and number of calls in flight it runs, one after the other:
  async  libclerk's _async calls on one thread (async_bench async), a
         window of that many calls in flight, with as many HTTP/1.1
         connections (HTTP/2 streams) as calls in flight, as Node opens;
  pool   the same with the loop's default limits (async_bench pool: 16
         connections per host, 100 streams), the rest queued in the loop;
  sync   libclerk's synchronous calls in --threads threads sharing one
         client (async_bench sync; the same for every concurrency);
  node   @clerk/backend users.getUser() with Promise.all over that many
         workers (node_bench.mjs, Node.js; install with
         `npm ci --prefix tests/bench`).
Each client reports its calls/s, CPU per call (user + system time of the
timed part) and peak RSS; the harness adds the TCP connections and the
protocol nginx saw (its access log).  Prints a Markdown table, the median
of --runs runs, and the ratios against Node.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import free_port, make_certs, run_checked  # noqa: E402

LINE_RE = re.compile(r"(\w+)=(\S+)")


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


class Nginx:
    """nginx in the foreground under `timeout`; stop() ends it."""

    def __init__(self, run_dir, data_dir, lifetime):
        self.run_dir = run_dir
        self.ports = {"h1": free_port(), "h2": free_port()}
        while self.ports["h1"] == self.ports["h2"]:
            self.ports["h2"] = free_port()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(run_dir, "tmp", sub), exist_ok=True)
        with open(os.path.join(HERE, "async_nginx.conf.in")) as f:
            conf = f.read()
        for k, v in (("RUN_DIR", run_dir), ("DATA_DIR", data_dir),
                     ("H1_PORT", str(self.ports["h1"])),
                     ("H2_PORT", str(self.ports["h2"]))):
            conf = conf.replace("@%s@" % k, v)
        self.conf = os.path.join(run_dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.access_log = os.path.join(run_dir, "access.log")
        open(self.access_log, "w").close()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.out = open(os.path.join(run_dir, "nginx.out"), "w")
        self.proc = subprocess.Popen(
            ["timeout", "-s", "TERM", "-k", "5", str(int(lifetime)), nginx,
             "-p", run_dir, "-c", self.conf, "-e",
             os.path.join(run_dir, "error.log")],
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.out,
            start_new_session=True)
        deadline = time.time() + 10
        while not all(self._listening(p) for p in self.ports.values()):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("nginx did not start: see %s/error.log"
                                   % run_dir)
            time.sleep(0.05)

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def mark(self):
        return os.path.getsize(self.access_log)

    def seen_since(self, mark, proto):
        """(connections, protocols) of the requests logged after mark."""
        port = str(self.ports[proto])
        time.sleep(0.2)  # nginx logs a request once it has finished it
        with open(self.access_log) as f:
            f.seek(mark)
            lines = f.read().splitlines()
        conns = set()
        protocols = set()
        for line in lines:
            parts = line.split(" ")
            if len(parts) >= 3 and parts[0] == port:
                conns.add(parts[1])
                protocols.add(parts[2])
        return len(conns), ",".join(sorted(protocols))

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.out.close()


def run_client(cmd, env=None, timeout=1800):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=timeout, env=env)
    if res.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(cmd), res.returncode,
            (res.stdout + res.stderr).strip()[-1500:]))
    vals = dict(LINE_RE.findall(res.stdout.strip().splitlines()[-1]))
    n = float(vals["calls"])
    if vals["ok"] != vals["calls"]:
        raise RuntimeError("%s: %s of %s calls ok" % (cmd[0], vals["ok"],
                                                       vals["calls"]))
    return {"rps": n / float(vals["wall_s"]),
            "cpu_us": float(vals["cpu_s"]) * 1e6 / n,
            "rss_mb": float(vals["rss_kb"]) / 1024.0}


def main(argv):
    ap = argparse.ArgumentParser(description="libclerk async benchmark")
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--spec", default=os.environ.get("CLERK_OPENAPI_SPEC"))
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--concurrency", default="64,256")
    ap.add_argument("--protocols", default="h1,h2")
    ap.add_argument("--clients", default="async,pool,sync,node")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--smoke", action="store_true",
                    help="CI check: fail unless every call succeeded and "
                         "the async calls over HTTP/2 shared at most two "
                         "TCP connections (the warm-up call's and one)")
    args = ap.parse_args(argv)

    client = os.path.join(os.path.abspath(args.build_dir), "tests", "bench",
                          "clerk_bench_async")
    node_script = os.path.join(HERE, "node_bench.mjs")
    clients = [c for c in args.clients.split(",") if c]
    if not os.path.exists(client) and ("async" in clients or
                                       "pool" in clients or
                                       "sync" in clients):
        log("async_bench: %s is not built" % client)
        return 2
    if "node" in clients and not os.path.isdir(
            os.path.join(HERE, "node_modules", "@clerk", "backend")):
        log("async_bench: @clerk/backend is not installed: "
            "npm ci --prefix tests/bench")
        return 2
    if not args.spec or not os.path.exists(args.spec):
        log("async_bench: OpenAPI spec not found (--spec)")
        return 2

    bench_dir = os.path.join(os.path.abspath(args.build_dir),
                             "bench-async-smoke" if args.smoke
                             else "bench-async")
    if os.path.isdir(bench_dir):
        shutil.rmtree(bench_dir)
    data_dir = os.path.join(bench_dir, "data")
    os.makedirs(data_dir)
    run_checked(["/usr/bin/python3", os.path.join(HERE, "gen_data.py"),
                 args.spec, data_dir])
    ca = make_certs(bench_dir)
    node_env = dict(os.environ, NODE_EXTRA_CA_CERTS=ca)
    protocols = [p for p in args.protocols.split(",") if p]
    concs = [int(c) for c in args.concurrency.split(",") if c]

    # results[(proto, conc, client)] = list of per-run dicts
    results = {}
    server = Nginx(bench_dir, data_dir, 3600)
    try:
        for run in range(args.runs):
            for proto in protocols:
                root = "https://127.0.0.1:%d" % server.ports[proto]
                for conc in concs:
                    for name in clients:
                        if name == "sync" and conc != concs[0]:
                            continue  # independent of the concurrency
                        if name == "node":
                            cmd = ["node", node_script, root, str(args.n),
                                   str(conc)]
                            env = node_env
                        else:
                            cmd = [client, name, root + "/v1", ca,
                                   str(args.n),
                                   str(args.threads if name == "sync"
                                       else conc)]
                            env = None
                        mark = server.mark()
                        log("async_bench: run %d %s %s in flight %d ..."
                            % (run + 1, proto, name, conc))
                        r = run_client(cmd, env)
                        r["conns"], r["seen"] = server.seen_since(mark, proto)
                        results.setdefault((proto, conc, name), []).append(r)
    finally:
        server.stop()
    report(results, protocols, concs, clients, args)
    if args.smoke:
        return smoke_check(results)
    return 0


def smoke_check(results):
    bad = []
    for (proto, conc, name), rows in sorted(results.items()):
        if proto != "h2" or name not in ("async", "pool"):
            continue
        for r in rows:
            if r["seen"] != "HTTP/2.0" or r["conns"] > 2:
                bad.append("%s %s %d in flight: %d TCP connections, %s" % (
                    proto, name, conc, r["conns"], r["seen"]))
    for line in bad:
        log("async_bench smoke: FAIL: " + line)
    if not bad:
        log("async_bench smoke: ok (every call succeeded; HTTP/2 calls "
            "multiplexed on one connection)")
    return 1 if bad else 0


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def report(results, protocols, concs, clients, args):
    names = {"async": "libclerk async (1 thread, a connection per call)",
             "pool": "libclerk async (1 thread, default pool)",
             "sync": "libclerk sync (%d threads)" % args.threads,
             "node": "@clerk/backend Promise.all"}
    print("%d calls GET /v1/users/{id} (~10 KB user), TLS, median of %d "
          "run(s)" % (args.n, args.runs))
    print()
    print("| server | in flight | client | protocol used | calls/s | "
          "CPU µs/call | peak RSS MB | TCP conns |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for proto in protocols:
        for conc in concs:
            for name in clients:
                key = (proto, conc if name != "sync" else concs[0], name)
                if key not in results:
                    continue
                rows = results[key]
                print("| %s | %s | %s | %s | %.0f | %.1f | %.1f | %d |" % (
                    "HTTP/2 (ALPN h2)" if proto == "h2" else "HTTP/1.1",
                    conc if name != "sync" else "%d threads" % args.threads,
                    names[name], rows[0]["seen"], med(rows, "rps"),
                    med(rows, "cpu_us"), med(rows, "rss_mb"),
                    max(r["conns"] for r in rows)))
    print()
    for mine in ("async", "pool"):
        if "node" not in clients or mine not in clients:
            continue
        print("| server | in flight | libclerk | %s/node calls/s | "
              "node/%s CPU per call | node/%s peak RSS |" % (mine, mine, mine))
        print("|---|---:|---|---:|---:|---:|")
        for proto in protocols:
            for conc in concs:
                a = results.get((proto, conc, mine))
                n = results.get((proto, conc, "node"))
                if not a or not n:
                    continue
                print("| %s | %d | %s | %.2f | %.2f | %.2f |" % (
                    proto, conc, names[mine], med(a, "rps") / med(n, "rps"),
                    med(n, "cpu_us") / med(a, "cpu_us"),
                    med(n, "rss_mb") / med(a, "rss_mb")))
        print()
    for mine in ("async", "pool"):
        if "sync" not in clients or mine not in clients:
            continue
        for proto in protocols:
            s = results.get((proto, concs[0], "sync"))
            for conc in concs:
                a = results.get((proto, conc, mine))
                if a and s:
                    print("%s, %d in flight, %s: CPU per call / sync CPU "
                          "per call = %.2f" % (
                              proto, conc, mine,
                              med(a, "cpu_us") / med(s, "cpu_us")))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
