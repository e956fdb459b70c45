#!/usr/bin/python3
"""Session-token benchmark harness (issue 8): verify one RS256 Clerk
session token with a key parsed once.

Contenders, all on the same token, minted for the run by auth_token.py
with the openssl CLI (a fresh 2048-bit key each run):
  (a) bare OpenSSL: signature check only (auth_bench.c);
  (l) libclerk: clerk_verify_token() with a clerk_jwt_keys_t, every check
      (auth_bench.c, same process as (a), interleaved rounds);
  (n) @clerk/backend verifyToken(token, { jwtKey }) on Node.js
      (node/verify_token.mjs, pinned by node/package-lock.json).

Reported per verification, median of --runs runs:
  - callgrind instructions, marginal: (Ir(N2) - Ir(N1)) / (N2 - N1), so
    start-up and key parsing cancel (the stable figure; deterministic);
  - instructions from perf_event_open() when the machine exposes the
    counter;
  - CPU microseconds (user + system, getrusage / process.cpuUsage) and
    wall microseconds.
Ratios: (l)/(a) (issue 8 target: at most 1.15), (n)/(l), the throughput
of libclerk over @clerk/backend's (target: at least 10), and (n)/(a), the
most any verifier built on OpenSSL's RSA could reach.

--smoke is the CI check (ctest): callgrind counts of (a) and (l) only,
small N, and exit status 1 when (l)/(a) exceeds --budget.  No timing.
Only the Python standard library is used.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import auth_token  # noqa: E402

SKIP = 77  # ctest SKIP_RETURN_CODE: a needed tool is missing
# (l)/(a) instruction budget of the smoke check.  Issue 8's target is 1.15;
# the implementation measures 1.048 (the RSA check is ~83 % of a
# verification; see AUTH_RESULTS.md), so the budget sits just above that to
# catch regressions.  Counts are deterministic (+-0.001 between keys), so
# there is no tolerance on top.
BUDGET = 1.08
FIELD_RE = re.compile(r"(\w+)=(\S+)")


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def run_checked(cmd, timeout, cwd=None):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=timeout, cwd=cwd)
    if res.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (
            " ".join(os.path.basename(c) for c in cmd[:3]), res.returncode,
            res.stderr.strip()[-2000:]))
    return res.stdout


def parse_lines(text):
    """{contender: {field: value}} from the contender=... lines."""
    out = {}
    for line in text.splitlines():
        if line.startswith("contender="):
            fields = dict(FIELD_RE.findall(line))
            out[fields["contender"]] = fields
    if not out:
        raise RuntimeError("no report line in: %r" % text[-500:])
    return out


class Bench:
    def __init__(self, args, tok_dir, meta):
        self.args = args
        self.key = os.path.join(tok_dir, "jwt_key.pem")
        self.token = os.path.join(tok_dir, "token.jwt")
        self.meta = meta

    def c_cmd(self, n, only=None):
        cmd = [self.args.bench, self.key, self.token, str(self.meta["now"]),
               self.meta["azp"], str(n)]
        if only:
            cmd.append(only)
        return cmd

    def timed_c(self):
        return parse_lines(run_checked(self.c_cmd(self.args.n), 1800))

    def timed_node(self):
        cmd = [self.args.node, os.path.join(self.args.node_dir,
                                            "verify_token.mjs"),
               self.key, self.token, self.meta["azp"], str(self.args.n_node)]
        return parse_lines(run_checked(cmd, 1800, cwd=self.args.node_dir))

    def callgrind_ir(self, n, only, out_file):
        cmd = ["valgrind", "--tool=callgrind",
               "--callgrind-out-file=" + out_file,
               "--dump-instr=no"] + self.c_cmd(n, only)
        run_checked(cmd, 600)
        with open(out_file) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
        raise RuntimeError("no totals in " + out_file)

    def marginal_ir(self, only, work_dir):
        n1, n2 = self.args.ir
        ir1 = self.callgrind_ir(n1, only, os.path.join(
            work_dir, "callgrind.auth.%s.n1" % only))
        ir2 = self.callgrind_ir(n2, only, os.path.join(
            work_dir, "callgrind.auth.%s.n2" % only))
        return (ir2 - ir1) / float(n2 - n1)


def node_usable(args):
    if args.no_node:
        return False
    if not args.node:
        log("bench: node not found; leaving out @clerk/backend")
        return False
    if not os.path.isdir(os.path.join(args.node_dir, "node_modules",
                                      "@clerk", "backend")):
        log("bench: @clerk/backend not installed; run `npm ci --prefix %s` "
            "(tests/bench/auth_run.sh does)" % args.node_dir)
        return False
    return True


def node_version(args):
    try:
        with open(os.path.join(args.node_dir, "node_modules", "@clerk",
                               "backend", "package.json")) as f:
            backend = json.load(f)["version"]
        node = run_checked([args.node, "--version"], 30).strip()
        return "@clerk/backend %s on Node.js %s" % (backend, node)
    except (OSError, ValueError, KeyError, RuntimeError):
        return "@clerk/backend"


def main(argv):
    ap = argparse.ArgumentParser(description="session-token benchmark")
    ap.add_argument("--bench", required=True,
                    help="the clerk_bench_auth binary")
    ap.add_argument("--work-dir", required=True,
                    help="folder for the key, the token and callgrind files "
                         "(emptied first)")
    ap.add_argument("--node-dir", default=os.path.join(HERE, "node"))
    ap.add_argument("--node", default=shutil.which("node"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--n", type=int, default=20000,
                    help="timed verifications per C contender and run")
    ap.add_argument("--n-node", type=int, default=5000,
                    help="timed verifications of @clerk/backend per run")
    ap.add_argument("--ir", default="20,220",
                    help="N1,N2 of the callgrind runs")
    ap.add_argument("--budget", type=float, default=BUDGET)
    ap.add_argument("--smoke", action="store_true",
                    help="CI check: callgrind (a) and (l) only, budget")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--no-node", action="store_true")
    args = ap.parse_args(argv)
    args.ir = [int(x) for x in args.ir.split(",")]
    if len(args.ir) != 2 or not 0 < args.ir[0] < args.ir[1]:
        ap.error("--ir wants N1,N2 with 0 < N1 < N2")
    if args.smoke:
        args.no_timing = True
        args.no_node = True
        args.no_callgrind = False
        args.runs = 1
        args.ir = [10, 60]

    needed = ["openssl"] + ([] if args.no_callgrind else ["valgrind"])
    missing = [t for t in needed if not shutil.which(t)]
    if missing:
        log("bench: missing tools: %s" % ", ".join(missing))
        # CI installs them (cmake/install-deps.sh): there, a gap fails.
        return 1 if os.environ.get("CI") else SKIP
    if not os.access(args.bench, os.X_OK):
        log("bench: %s is not built" % args.bench)
        return 2
    with_node = not args.no_timing and node_usable(args)

    work = os.path.abspath(args.work_dir)
    if os.path.isdir(work):
        shutil.rmtree(work)
    tok_dir = os.path.join(work, "token")
    meta = auth_token.mint(tok_dir)
    bench = Bench(args, tok_dir, meta)
    log("bench: token of %d bytes, 2048-bit RSA key" % meta["bytes"])

    # results[metric][contender] = [value per run]
    results = {}

    def add(metric, who, value):
        results.setdefault(metric, {}).setdefault(who, []).append(value)

    if not args.no_callgrind:
        # Deterministic: one measurement is the figure.
        for who in ("a", "l"):
            log("bench: callgrind (%s), N=%d,%d" % (who, args.ir[0],
                                                    args.ir[1]))
            add("ir", who, bench.marginal_ir(who, work))
    if not args.no_timing:
        for run in range(args.runs):
            # Alternate C and Node.js, so that a trend in the machine's
            # load does not favour one of them.
            steps = [("c", bench.timed_c)]
            if with_node:
                steps.append(("node", bench.timed_node))
            if run % 2 == 1:
                steps.reverse()
            for name, fn in steps:
                log("bench: run %d (%s)" % (run + 1, name))
                for who, rep in fn().items():
                    who = "n" if who == "node" else who
                    add("cpu_us", who, float(rep["cpu_us"]))
                    add("wall_us", who, float(rep["wall_us"]))
                    if rep.get("instructions", "na") != "na":
                        add("perf_ir", who, float(rep["instructions"]))
    return report(results, args, meta, node_version(args) if with_node
                  else None)


METRICS = [("ir", "instructions (callgrind)", "%.0f"),
           ("perf_ir", "instructions (perf)", "%.0f"),
           ("cpu_us", "CPU us", "%.2f"),
           ("wall_us", "wall us", "%.2f")]


def med_ratio(res, num, den):
    """(a) and (l) run in one process, interleaved: the median of the
    per-run ratios.  Node.js runs in another process, at another moment:
    the ratio of the medians, which one slow run moves less."""
    if num not in res or den not in res:
        return None
    if "n" in (num, den):
        x, y = statistics.median(res[num]), statistics.median(res[den])
        return x / y if y else float("inf")
    return statistics.median(x / y if y else float("inf")
                             for x, y in zip(res[num], res[den]))


def report(results, args, meta, node_label):
    failed = False
    header = ["metric (per verification)", "(a) OpenSSL", "(l) libclerk",
              "(n) @clerk/backend", "(l)/(a)", "(n)/(l)", "(n)/(a)"]
    rows = []
    verdicts = []
    for metric, label, fmt in METRICS:
        res = results.get(metric)
        if not res:
            continue
        row = [label]
        for who in ("a", "l", "n"):
            row.append(fmt % statistics.median(res[who]) if who in res
                       else "-")
        la = med_ratio(res, "l", "a")
        nl = med_ratio(res, "n", "l")
        na = med_ratio(res, "n", "a")
        row.append("%.3f" % la if la is not None else "-")
        row.append("%.1f" % nl if nl is not None else "-")
        row.append("%.1f" % na if na is not None else "-")
        rows.append(row)
        if metric == "ir" and la is not None and la > args.budget:
            failed = True
            verdicts.append("FAIL: (l)/(a) instructions %.3f > budget %.2f"
                            % (la, args.budget))
        elif metric == "ir" and la is not None:
            verdicts.append("ok: (l)/(a) instructions %.3f <= budget %.2f"
                            % (la, args.budget))
    table = [header] + rows
    cols = [max(len(r[i]) for r in table) for i in range(len(header))]
    print("session-token benchmark: one RS256 token of %d bytes, 2048-bit "
          "key parsed once; median of %d run(s); callgrind N=%d,%d; "
          "timed N=%d (C), %d (Node.js)" % (
              meta["bytes"], 1 if args.no_timing else args.runs,
              args.ir[0], args.ir[1], args.n, args.n_node))
    if node_label:
        print("(n) is " + node_label)
    for r in table:
        print("  ".join(c.ljust(cols[i]) if i == 0 else c.rjust(cols[i])
                        for i, c in enumerate(r)))
    for v in verdicts:
        print(v)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        log("bench: %s" % e)
        sys.exit(1)
