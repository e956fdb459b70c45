#!/usr/bin/python3
"""libclerk benchmark harness: (l) libclerk against (a) raw libcurl + cJSON.

Starts nginx (config tests/bench/nginx.conf.in) on two free 127.0.0.1
ports, HTTP and HTTPS with a certificate from a test CA made here by the
openssl CLI, serving the payloads made by gen_data.py.  Then for each
workload (one user, a list of 100 users) and scheme (HTTP, HTTPS) it runs
both clients and reports, as the ratio (l)/(a) from the same run:
  - callgrind instructions per request, marginal:
      (Ir(N2) - Ir(N1)) / (N2 - N1), so start-up and TLS set-up cancel;
  - wall and CPU microseconds per request (N timed requests after one
    warm-up request), and peak RSS;
  - TCP connections and TLS handshakes the server saw from each client.
Each ratio is the median over --runs runs.

--smoke is the CI check (ctest): instruction counts only, small N, and
exit status 1 if a ratio exceeds its budget by more than --tolerance.

Only the Python standard library is used here (gen_data.py needs PyYAML).
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

# Instruction budgets (l)/(a) per workload; the smoke check fails above
# budget + tolerance (10 %).  Issue 5's targets are 1.10 (user) and 1.30,
# then 1.00 (list); the direct decoder measures ~0.62 and ~0.57, so the
# budgets sit close above that: falling back to the tree-walking decoder
# (1.11 both) or any regression of 20 % or more fails CI.
BUDGETS = {"user": 0.75, "list": 0.70}
SKIP = 77  # ctest SKIP_RETURN_CODE: a needed tool is missing


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_checked(cmd, **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, **kw)
    if res.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(cmd), res.returncode, res.stderr.strip()[-2000:]))
    return res.stdout


def make_certs(run_dir):
    """A test CA and a server certificate for 127.0.0.1 it signed."""
    ossl = shutil.which("openssl")
    ca_key = os.path.join(run_dir, "ca.key")
    ca_pem = os.path.join(run_dir, "ca.pem")
    key = os.path.join(run_dir, "server.key")
    csr = os.path.join(run_dir, "server.csr")
    pem = os.path.join(run_dir, "server.pem")
    ext = os.path.join(run_dir, "server.ext")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    run_checked([ossl, "req", "-x509"] + ec + [
        "-keyout", ca_key, "-out", ca_pem, "-days", "2",
        "-subj", "/CN=libclerk bench test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run_checked([ossl, "req", "-new"] + ec + [
        "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"])
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run_checked([ossl, "x509", "-req", "-in", csr, "-CA", ca_pem,
                 "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                 "-out", pem, "-extfile", ext])
    return ca_pem


class Nginx:
    """nginx in the foreground under `timeout`; stop() ends it."""

    def __init__(self, run_dir, data_dir, lifetime):
        self.run_dir = run_dir
        self.http_port = free_port()
        self.https_port = free_port()
        while self.https_port == self.http_port:
            self.https_port = free_port()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(run_dir, "tmp", sub), exist_ok=True)
        with open(os.path.join(HERE, "nginx.conf.in")) as f:
            conf = f.read()
        for k, v in (("RUN_DIR", run_dir), ("DATA_DIR", data_dir),
                     ("HTTP_PORT", str(self.http_port)),
                     ("HTTPS_PORT", str(self.https_port))):
            conf = conf.replace("@%s@" % k, v)
        self.conf = os.path.join(run_dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.access_log = os.path.join(run_dir, "access.log")
        open(self.access_log, "w").close()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.out = open(os.path.join(run_dir, "nginx.out"), "w")
        # `timeout` ends nginx even if this script is killed outright.
        self.proc = subprocess.Popen(
            ["timeout", "-s", "TERM", "-k", "5", str(int(lifetime)), nginx,
             "-p", run_dir, "-c", self.conf, "-e",
             os.path.join(run_dir, "error.log")],
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.out,
            start_new_session=True)
        deadline = time.time() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: see %s/error.log and "
                                   "nginx.out" % run_dir)
            if all(self._listening(p) for p in (self.http_port,
                                                 self.https_port)):
                break
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("nginx did not start listening")
            time.sleep(0.05)

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def url(self, scheme, path):
        port = self.http_port if scheme == "http" else self.https_port
        return "%s://127.0.0.1:%d%s" % (scheme, port, path)

    def log_mark(self):
        return os.path.getsize(self.access_log)

    def connections_since(self, mark, scheme):
        """(TCP connections, TLS handshakes, full handshakes, requests)
        in the access log lines written after `mark`."""
        port = str(self.http_port if scheme == "http" else self.https_port)
        # nginx writes each line with one write() before the response
        # finishes; the client has exited, so every line is there.
        with open(self.access_log) as f:
            f.seek(mark)
            lines = f.read().splitlines()
        conns = {}
        requests = 0
        for line in lines:
            parts = line.split(" ")
            if len(parts) < 5 or parts[0] != port:
                continue
            requests += 1
            if parts[1] not in conns:
                conns[parts[1]] = parts[3]
        tls = len(conns) if scheme == "https" else 0
        full = sum(1 for r in conns.values() if r != "r") if tls else 0
        return len(conns), tls, full, requests

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


REPORT_RE = re.compile(r"(\w+)=(\S+)")


def parse_report(text):
    for line in text.splitlines():
        if line.startswith("requests="):
            return {k: v for k, v in REPORT_RE.findall(line)}
    raise RuntimeError("no report line in client output: %r" % text)


def client_cmd(binary, url, n, ca):
    cmd = [binary, url, str(n)]
    if ca:
        cmd.append(ca)
    return cmd


def run_client(binary, url, n, ca, timeout):
    res = subprocess.run(client_cmd(binary, url, n, ca),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (
            os.path.basename(binary), res.returncode, res.stderr.strip()))
    return parse_report(res.stdout)


def callgrind_ir(binary, url, n, ca, out_file, timeout):
    """Total instructions executed by the client for n timed requests."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file,
           "--dump-instr=no"] + client_cmd(binary, url, n, ca)
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError("callgrind %s exited %d: %s" % (
            os.path.basename(binary), res.returncode, res.stderr[-2000:]))
    report = parse_report(res.stdout)
    with open(out_file) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1]), report
    raise RuntimeError("no totals in " + out_file)


def marginal_ir(binary, url, n1, n2, ca, work_dir, tag, timeout):
    ir1, _ = callgrind_ir(binary, url, n1, ca,
                          os.path.join(work_dir, "callgrind.%s.n1" % tag),
                          timeout)
    ir2, rep = callgrind_ir(binary, url, n2, ca,
                            os.path.join(work_dir, "callgrind.%s.n2" % tag),
                            timeout)
    return (ir2 - ir1) / float(n2 - n1), rep


def check_same_reading(rep_a, rep_l, what):
    """Both clients must have read the same values from the same body."""
    keys = ("values", "str_bytes", "nulls", "trues", "num_sum")
    diff = [k for k in keys if rep_a.get(k) != rep_l.get(k)]
    if diff:
        return "%s: clients read different data: %s" % (what, ", ".join(
            "%s a=%s l=%s" % (k, rep_a.get(k), rep_l.get(k)) for k in diff))
    return None


def ratio(l, a):
    return l / a if a else float("inf")


def main(argv):
    ap = argparse.ArgumentParser(description="libclerk benchmark harness")
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--baseline", help="client (a) binary")
    ap.add_argument("--baseline-arena",
                    help="client (a'') binary: (a) with a bump arena for "
                         "cJSON (left out of --smoke)")
    ap.add_argument("--libclerk", help="client (l) binary")
    ap.add_argument("--spec", default=os.environ.get("CLERK_OPENAPI_SPEC"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smoke", action="store_true",
                    help="CI check: instructions only, small N, budgets")
    ap.add_argument("--tolerance", type=float, default=0.10)
    ap.add_argument("--workloads", default="user,list")
    ap.add_argument("--schemes", default="http,https")
    ap.add_argument("--n-user", type=int, default=1000)
    ap.add_argument("--n-list", type=int, default=200)
    ap.add_argument("--ir-user", default="20,120",
                    help="N1,N2 for the callgrind runs of the user workload")
    ap.add_argument("--ir-list", default="2,8")
    ap.add_argument("--skip", default="",
                    help="workload/scheme pairs to leave out, e.g. "
                         "list/https")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args(argv)

    if args.smoke:
        # Timed runs only for the page faults (deterministic enough to
        # check); CPU and wall times are printed, never checked.
        args.runs = 1
        args.n_user = min(args.n_user, 200)
        args.n_list = min(args.n_list, 20)
    bench_dir = os.path.join(os.path.abspath(args.build_dir),
                             "bench-smoke" if args.smoke else "bench-run")
    baseline = args.baseline or os.path.join(
        args.build_dir, "tests", "bench", "clerk_bench_baseline")
    baseline_arena = args.baseline_arena or os.path.join(
        args.build_dir, "tests", "bench", "clerk_bench_baseline_arena")
    libclerk = args.libclerk or os.path.join(
        args.build_dir, "tests", "bench", "clerk_bench_libclerk")
    clients = [("a", os.path.abspath(baseline))]
    if os.path.exists(baseline_arena) and not args.smoke:
        clients.append(("a2", os.path.abspath(baseline_arena)))
    if os.path.exists(libclerk):
        clients.append(("l", os.path.abspath(libclerk)))
    elif args.libclerk:
        log("bench: %s does not exist" % libclerk)
        return 2
    elif args.smoke:
        log("bench: the libclerk client is not built (no generated users "
            "API yet): nothing to compare")
        return SKIP
    else:
        log("bench: %s not built; measuring the baseline alone" % libclerk)

    needed = ["nginx", "openssl", "timeout"]
    if not args.no_callgrind:
        needed.append("valgrind")
    missing = [t for t in needed if not (shutil.which(t) or (
        t == "nginx" and os.path.exists("/usr/sbin/nginx")))]
    if missing:
        log("bench: missing tools: %s" % ", ".join(missing))
        # CI installs them (cmake/install-deps.sh): there, a gap is a failure.
        return 1 if os.environ.get("CI") else SKIP
    if not args.spec or not os.path.exists(args.spec):
        log("bench: OpenAPI spec not found (--spec / CLERK_OPENAPI_SPEC)")
        return 2

    if os.path.isdir(bench_dir):
        shutil.rmtree(bench_dir)
    data_dir = os.path.join(bench_dir, "data")
    work_dir = os.path.join(bench_dir, "work")
    os.makedirs(work_dir)
    run_checked(["/usr/bin/python3", os.path.join(HERE, "gen_data.py"),
                 args.spec, data_dir])
    ca = make_certs(bench_dir)

    workloads = [w for w in args.workloads.split(",") if w]
    skip = set(x for x in args.skip.split(",") if x)
    schemes = [s for s in args.schemes.split(",") if s]
    paths = {"user": "/v1/users/user_x", "list": "/v1/users"}
    n_timed = {"user": args.n_user, "list": args.n_list}
    ir_n = {"user": [int(x) for x in args.ir_user.split(",")],
            "list": [int(x) for x in args.ir_list.split(",")]}
    lifetime = 180 if args.smoke else 3600

    # results[(workload, scheme)][metric][client] = [per run values]
    results = {}
    problems = []
    server = Nginx(bench_dir, data_dir, lifetime)
    try:
        for run in range(args.runs):
            for w in workloads:
                for s in schemes:
                    if "%s/%s" % (w, s) in skip:
                        continue
                    url = server.url(s, paths[w])
                    cab = ca if s == "https" else None
                    key = (w, s)
                    res = results.setdefault(key, {})
                    reports = {}
                    # Alternate which client goes first, so that a trend
                    # in the machine's load does not favour one of them.
                    order = clients if run % 2 == 0 else clients[::-1]
                    for name, binary in order:
                        log("bench: run %d %s %s (%s)" % (run + 1, w, s,
                                                          name))
                        if not args.no_timing:
                            mark = server.log_mark()
                            rep = run_client(binary, url, n_timed[w], cab,
                                             timeout=1800)
                            conns, tls, full, reqs = \
                                server.connections_since(mark, s)
                            reports[name] = rep
                            for metric, val in (
                                    ("wall_us", float(rep["wall_us"])),
                                    ("cpu_us", float(rep["cpu_us"])),
                                    ("user_us", float(rep["user_us"])),
                                    ("sys_us", float(rep["sys_us"])),
                                    ("minflt", float(rep["minflt"])),
                                    ("maxrss_kb", float(rep["maxrss_kb"])),
                                    ("tcp_conns", float(conns)),
                                    ("tls_handshakes", float(tls)),
                                    ("full_handshakes", float(full))):
                                res.setdefault(metric, {}).setdefault(
                                    name, []).append(val)
                            if reqs != n_timed[w] + 1:
                                problems.append(
                                    "%s %s %s: server logged %d requests, "
                                    "expected %d" % (w, s, name, reqs,
                                                     n_timed[w] + 1))
                        if not args.no_callgrind:
                            n1, n2 = ir_n[w]
                            ir, rep = marginal_ir(
                                binary, url, n1, n2, cab, work_dir,
                                "%s.%s.%s" % (w, s, name), timeout=1800)
                            reports.setdefault(name, rep)
                            res.setdefault("ir", {}).setdefault(
                                name, []).append(ir)
                    for other in ("l", "a2"):
                        if "a" in reports and other in reports and run == 0:
                            p = check_same_reading(reports["a"],
                                                   reports[other],
                                                   "%s %s %s" % (w, s, other))
                            if p:
                                problems.append(p)
    finally:
        server.stop()

    return report(results, clients, workloads, schemes, args, problems)


METRICS = [("ir", "instructions/request", "%.0f"),
           ("cpu_us", "CPU us/request (user+sys)", "%.1f"),
           ("user_us", "  user us/request", "%.1f"),
           ("sys_us", "  system us/request", "%.1f"),
           ("minflt", "page faults/request", "%.2f"),
           ("wall_us", "wall us/request", "%.1f"),
           ("maxrss_kb", "peak RSS KiB", "%.0f"),
           ("tcp_conns", "TCP connections", "%.0f"),
           ("tls_handshakes", "TLS handshakes", "%.0f"),
           ("full_handshakes", "  of them full", "%.0f")]

# Issue 13's targets, (l) against a baseline of the same run:
# metric -> (baseline client, largest ratio).
TARGETS = {"cpu_us": ("a2", 1.2), "minflt": ("a", 1.2),
           "maxrss_kb": ("a", 1.0)}

# The smoke check's page-fault budget: (l) may take at most
# FAULT_RATIO x (a)'s minor faults per request plus FAULT_SLACK.  Both
# clients fault almost nothing per request once warm (a steady heap); a
# library that gives its heap back to the system and takes it again on
# every call faults hundreds of times per 1 MB response.
FAULT_RATIO = 1.2
FAULT_SLACK = 2.0

CLIENT_LABELS = {"a": "(a) curl+cJSON", "a2": "(a'') +arena",
                 "l": "(l) libclerk"}


def median_ratio(res, metric, num, den):
    ratios = [ratio(x, y) for x, y in zip(res[metric][num], res[metric][den])]
    return statistics.median(ratios)


def report(results, clients, workloads, schemes, args, problems):
    names = [name for name, _ in clients]
    have_l = "l" in names
    bases = [b for b in ("a", "a2") if b in names] if have_l else []
    failed = False
    rows = []
    verdicts = []
    for w in workloads:
        for s in schemes:
            res = results.get((w, s), {})
            for metric, label, fmt in METRICS:
                if metric not in res:
                    continue
                if s == "http" and metric in ("tls_handshakes",
                                              "full_handshakes"):
                    continue
                row = ["%s/%s" % (w, s), label]
                row += [fmt % statistics.median(res[metric][n])
                        for n in names]
                row += ["%.3f" % median_ratio(res, metric, "l", b)
                        for b in bases]
                if metric == "ir" and args.smoke:
                    r = median_ratio(res, "ir", "l", "a")
                    limit = BUDGETS[w] * (1.0 + args.tolerance)
                    if r > limit:
                        failed = True
                        row.append("FAIL > %.3f" % limit)
                    else:
                        row.append("ok <= %.3f" % limit)
                if metric == "minflt" and args.smoke and have_l:
                    a = statistics.median(res[metric]["a"])
                    lv = statistics.median(res[metric]["l"])
                    limit = a * FAULT_RATIO + FAULT_SLACK
                    if lv > limit:
                        failed = True
                        row.append("FAIL > %.2f" % limit)
                    else:
                        row.append("ok <= %.2f" % limit)
                rows.append(row)
                target = TARGETS.get(metric)
                if (have_l and not args.smoke and target is not None and
                        target[0] in names):
                    r = median_ratio(res, metric, "l", target[0])
                    base = statistics.median(res[metric][target[0]])
                    lv = statistics.median(res[metric]["l"])
                    # The verdict is the printed ratio's: the median of
                    # the runs' own ratios (a ratio of medians can pair
                    # values from different runs); faults compare values,
                    # as the baseline's may be 0.
                    if metric == "minflt":
                        met = lv <= base * target[1]
                    else:
                        met = r <= target[1]
                    note = ""
                    if not met and metric == "minflt" and \
                            lv <= base * FAULT_RATIO + FAULT_SLACK:
                        note = " (under %.0f fault(s) per request more: " \
                            "the smoke budget)" % FAULT_SLACK
                    runs = " ".join(
                        "%.2f" % ratio(x, y) for x, y in
                        zip(res[metric]["l"], res[metric][target[0]]))
                    verdicts.append("%s/%s %s: (l)/%s = %.3f (runs: %s; "
                                    "medians %s against %s),"
                                    " target <= %.1f: %s%s" % (
                                        w, s, metric,
                                        CLIENT_LABELS[target[0]].split(" ")[0],
                                        r, runs, fmt % lv, fmt % base,
                                        target[1],
                                        "met" if met else "NOT met", note))
    header = ["workload", "metric"] + [CLIENT_LABELS[n] for n in names] + \
        ["(l)/%s" % CLIENT_LABELS[b].split(" ")[0] for b in bases] + \
        ["budget"]
    width = max((len(r) for r in rows), default=len(header) - 1)
    header = header[:width]
    table = [header] + rows
    cols = [max(len(r[i]) if i < len(r) else 0 for r in table)
            for i in range(len(header))]
    n_runs = 1 if args.smoke else args.runs
    print("libclerk benchmark: median of %d run(s); instructions are "
          "marginal (callgrind, N=%s user, %s list); timed runs N=%d user, "
          "%d list" % (n_runs, args.ir_user, args.ir_list, args.n_user,
                       args.n_list))
    try:
        print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
    except OSError:
        pass
    for r in table:
        print("  ".join(c.rjust(cols[i]) if i >= 2 else c.ljust(cols[i])
                        for i, c in enumerate(r)))
    for v in verdicts:
        print(v)
    for p in problems:
        print("PROBLEM: " + p)
    if problems:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
