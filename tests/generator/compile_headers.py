#!/usr/bin/python3
"""Compile every generated public header alone, as C11 and as C++.

usage: compile_headers.py --out DIR [--include DIR] [--cc CC]... [--cxx CXX]...
                          [--jobs N] [--sources]

For each header DIR/api/*.h and DIR/model/*.h (model/internal/ is not
public), a translation unit that only includes it is compiled with
-fsyntax-only -Wall -Wextra -Wpedantic -Werror by each C compiler (-std=c11)
and each C++ compiler (-std=c++11).  With --sources, DIR's .c files are
compiled too (C compilers only), against --src (the runtime's private
headers).
"""

import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import tempfile

WARN = ["-Wall", "-Wextra", "-Wpedantic", "-Werror"]


def stage(out_dir, tmp):
    """<clerk/api/...> and <clerk/model/...> for a generated tree."""
    root = os.path.join(tmp, "stage")
    os.makedirs(os.path.join(root, "clerk"))
    for sub in ("api", "model"):
        os.symlink(os.path.abspath(os.path.join(out_dir, sub)),
                   os.path.join(root, "clerk", sub))
    return root


def run(cmd, source):
    proc = subprocess.run(cmd, input=source, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--include", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "include"))
    ap.add_argument("--src", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "src"))
    ap.add_argument("--cc", action="append", default=[])
    ap.add_argument("--cxx", action="append", default=[])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sources", action="store_true")
    args = ap.parse_args()
    if not args.cc and not args.cxx:
        ap.error("give at least one --cc or --cxx")

    headers = sorted(glob.glob(os.path.join(args.out, "api", "*.h")) +
                     glob.glob(os.path.join(args.out, "model", "*.h")))
    if not headers:
        print("no headers under " + args.out)
        return 1
    with tempfile.TemporaryDirectory(prefix="clerk-hdr.") as tmp:
        inc = ["-I", args.include, "-I", stage(args.out, tmp)]
        jobs = []
        for h in headers:
            rel = "clerk/%s" % os.path.relpath(h, args.out)
            # (A declaration after it: a header may hold only macros, as
            # api/version.h does, and ISO C forbids an empty unit.)
            source = "#include <%s>\ntypedef int clerk_check_t;\n" % rel
            for cc in args.cc:
                jobs.append((rel + " [%s]" % cc, [
                    cc, "-x", "c", "-std=c11", "-fsyntax-only"] + WARN + inc
                    + ["-"], source))
            for cxx in args.cxx:
                jobs.append((rel + " [%s]" % cxx, [
                    cxx, "-x", "c++", "-std=c++11", "-fsyntax-only"] + WARN
                    + inc + ["-"], source))
        if args.sources:
            for c in sorted(glob.glob(os.path.join(args.out, "api", "*.c")) +
                            glob.glob(os.path.join(args.out, "model", "*.c"))):
                with open(c, encoding="utf-8") as f:
                    text = f.read()
                for cc in args.cc:
                    jobs.append((os.path.relpath(c, args.out) + " [%s]" % cc,
                                 [cc, "-x", "c", "-std=c11", "-fsyntax-only",
                                  "-iquote", os.path.dirname(c),
                                  "-I", args.src] + WARN + inc + ["-"], text))
        failed = 0
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = pool.map(lambda j: (j[0],) + run(j[1], j[2]), jobs)
            for name, rc, output in results:
                if rc != 0:
                    failed += 1
                    print("FAIL %s\n%s" % (name, output.strip()))
    print("%d compilations, %d failed" % (len(jobs), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
