#!/usr/bin/python3
"""The generator refuses a document all at once (tests/generator/refused.yml).

usage: check_refused.py --gen openapi/generate.py --spec refused.yml
                        --scratch DIR

Runs the generator on the document and checks: exit status 2, no Python
traceback, nothing written, and every `# expect: <pointer> <text>` comment
of the document matched by one `error: <pointer>: ...<text>...` line.
"""

import argparse
import os
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--scratch", required=True)
    args = ap.parse_args()
    with open(args.spec, encoding="utf-8") as f:
        expect = re.findall(r"^\s*#\s*expect:\s*(\S+)\s+(.+)$", f.read(), re.M)
    os.makedirs(args.scratch, exist_ok=True)
    p = subprocess.run([sys.executable, args.gen, "--spec", args.spec,
                        "--out", args.scratch, "--no-format"],
                       capture_output=True, text=True, check=False)
    problems = []
    if p.returncode != 2:
        problems.append("exit status %d, not 2" % p.returncode)
    if "Traceback" in p.stderr:
        problems.append("a Python traceback")
    errors = [line.strip() for line in p.stderr.splitlines()
              if line.strip().startswith("error: ")]
    for ptr, text in expect:
        text = text.strip()
        if not any(e.startswith("error: %s: " % ptr) and text in e
                   for e in errors):
            problems.append("not reported: %s (%s)" % (ptr, text))
    if os.listdir(args.scratch):
        problems.append("files were written to " + args.scratch)
    if problems:
        print(p.stderr)
        for x in problems:
            print("FAIL: " + x)
        return 1
    print("%d refusals reported at once, exit status 2" % len(expect))
    return 0


if __name__ == "__main__":
    sys.exit(main())
