#!/usr/bin/python3
"""Decode alone: libclerk's typed decode against cJSON and simdjson.

For the two benchmark documents of gen_data.py (one User with every field,
a list of 100 of them) it measures, per decode:
  - instructions, counted by callgrind inside the decode function only
    (--toggle-collect=*decode_once*), marginal between N1 and N2 decodes:
    (Ir(N2) - Ir(N1)) / (N2 - N1);
  - nanoseconds per decode and per byte (best of five rounds, release
    included; noisy on a shared machine, instructions are the measure);
for (l) libclerk: clerk_user_parse / the User array decode of
clerk_users_list (decode_bench.c clerk), (c) cJSON_ParseWithLength + a
walk over every value (decode_bench.c cjson), (s) simdjson On-Demand
visiting every value (decode_simdjson.cpp; when built).

--smoke is the CI check (ctest bench_smoke_decode): instructions only,
small N, exit status 1 when (l)/(s) (or (l)/(c) without simdjson) exceeds
its budget by more than --tolerance.  Standard library only (gen_data.py
needs PyYAML).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77

# (l)/(s) budgets per document (issue 13's target is 2.0 for both), and
# (l)/(c) when simdjson is not built.  Measured: see README.md.
# Measured in Release: 1.89 and 1.91; tests/run.sh's RelWithDebInfo build
# (-O2, asserts on; its simdjson runs more instructions too) measures 1.78
# and 1.80, and (l)/(c) 0.48 for both.  The budgets sit just above the
# latter so that a regression fails.
BUDGET_SIMDJSON = {"user": 1.85, "list": 1.85}
BUDGET_CJSON = {"user": 0.50, "list": 0.50}


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def ir(cmd):
    res = subprocess.run(
        ["valgrind", "--tool=callgrind", "--toggle-collect=*decode_once*",
         "--callgrind-out-file=/dev/null"] + cmd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)
    if res.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), res.stderr[-2000:]))
    m = re.search(r"Collected\s*:\s*([0-9]+)", res.stderr)
    if m is None:
        m = re.search(r"I\s+refs:\s+([0-9,]+)", res.stderr)
    return int(m.group(1).replace(",", ""))


def marginal(cmd_for, n1, n2):
    return (ir(cmd_for(n2)) - ir(cmd_for(n1))) / float(n2 - n1)


def nanos(cmd):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    return float(out.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--decode", required=True, help="decode_bench binary")
    ap.add_argument("--simdjson", help="decode_simdjson binary")
    ap.add_argument("--spec", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--n-user", default=None, help="N1,N2 for one user")
    ap.add_argument("--n-list", default=None, help="N1,N2 for the list")
    ap.add_argument("--time-n-user", type=int, default=2000)
    ap.add_argument("--time-n-list", type=int, default=20)
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--tolerance", type=float, default=0.10)
    args = ap.parse_args()

    if shutil.which("valgrind") is None:
        log("decode_run: valgrind missing")
        return 1 if os.environ.get("CI") else SKIP
    os.makedirs(args.work_dir, exist_ok=True)
    subprocess.run([sys.executable if sys.executable else "/usr/bin/python3",
                    os.path.join(HERE, "gen_data.py"), args.spec,
                    args.work_dir], check=True)
    n_user = [int(x) for x in (args.n_user or ("3,8" if args.smoke else "10,30")).split(",")]
    n_list = [int(x) for x in (args.n_list or "1,2").split(",")]
    docs = [("user", os.path.join(args.work_dir, "user.json"), n_user,
             args.time_n_user),
            ("list", os.path.join(args.work_dir, "users.json"), n_list,
             args.time_n_list)]
    clients = [("l", "libclerk typed decode",
                lambda f, n: [args.decode, "clerk", f, str(n)]),
               ("c", "cJSON parse + walk",
                lambda f, n: [args.decode, "cjson", f, str(n)])]
    if args.simdjson:
        clients.append(("s", "simdjson On-Demand, every value",
                        lambda f, n: [args.simdjson, f, str(n)]))
    timing = not (args.smoke or args.no_timing)
    results = {}
    for doc, path, (n1, n2), tn in docs:
        size = os.path.getsize(path)
        for key, _, cmd in clients:
            cost = marginal(lambda n: cmd(path, n), n1, n2)
            ns = None
            if timing:
                ns = nanos(cmd(path, tn) + ["time"])
            results[(doc, key)] = (cost, ns, size)

    print("| document | decoder | instructions | ns per byte | (l)/this |")
    print("|---|---|---:|---:|---:|")
    for doc, path, _, _ in docs:
        size = os.path.getsize(path)
        label = "one User (%.1f KB)" % (size / 1000.0) if doc == "user" else \
            "100 Users (%.2f MB)" % (size / 1e6)
        lcost = results[(doc, "l")][0]
        for key, name, _ in clients:
            cost, ns, _ = results[(doc, key)]
            print("| %s | %s | %s | %s | %s |" % (
                label, name, "{:,.0f}".format(cost),
                "%.2f" % (ns / size) if ns is not None else "–",
                "%.2f" % (lcost / cost) if key != "l" else "–"))
    failed = False
    for doc, _, _, _ in docs:
        lcost = results[(doc, "l")][0]
        if args.simdjson:
            ratio = lcost / results[(doc, "s")][0]
            budget = BUDGET_SIMDJSON[doc]
            versus = "simdjson"
        else:
            ratio = lcost / results[(doc, "c")][0]
            budget = BUDGET_CJSON[doc]
            versus = "cJSON"
        ok = ratio <= budget * (1 + args.tolerance)
        log("decode %s: (l)/%s %.2f, budget %.2f (+%d %%): %s" % (
            doc, versus, ratio, budget, int(args.tolerance * 100),
            "ok" if ok else "OVER"))
        failed = failed or not ok
    if args.smoke and failed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
