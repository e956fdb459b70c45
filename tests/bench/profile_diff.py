#!/usr/bin/python3
"""Where the (l) - (a) instructions go, per function, per request.

Reads the callgrind files a harness run left in <build>/bench-run/work
(or bench-smoke/work) and prints, for one workload/scheme, the marginal
instructions per request of each function -- (Ir(N2) - Ir(N1)) / (N2 - N1),
self cost by default, inclusive with --inclusive -- for client (a) and
client (l), sorted by the difference.

Usage: profile_diff.py WORK_DIR user.http N1 N2 [--inclusive] [--top 40]
"""

import argparse
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(.*)$")


def costs(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100",
         "--inclusive=" + ("yes" if inclusive else "no"), path],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        universal_newlines=True, check=True).stdout
    result = {}
    started = False
    for line in out.splitlines():
        if "file:function" in line:
            started = True
            continue
        if not started:
            continue
        m = LINE.match(line)
        if not m:
            continue
        name = m.group(2).strip()
        # Drop the object file and the recursion depth mark.
        name = re.sub(r"\s+\[.*\]$", "", name)
        name = re.sub(r"'\d+$", "", name)
        name = name.split(":", 1)[-1] if ":" in name else name
        result[name] = result.get(name, 0) + int(m.group(1).replace(",", ""))
    return result


def marginal(work, tag, n1, n2, inclusive):
    c1 = costs("%s/callgrind.%s.n1" % (work, tag), inclusive)
    c2 = costs("%s/callgrind.%s.n2" % (work, tag), inclusive)
    return {k: (c2.get(k, 0) - c1.get(k, 0)) / float(n2 - n1)
            for k in set(c1) | set(c2)}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("what", help="workload.scheme, e.g. list.http")
    ap.add_argument("n1", type=int)
    ap.add_argument("n2", type=int)
    ap.add_argument("--inclusive", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args(argv)
    a = marginal(args.work, args.what + ".a", args.n1, args.n2,
                 args.inclusive)
    l = marginal(args.work, args.what + ".l", args.n1, args.n2,
                 args.inclusive)
    ta = sum(a.values()) if not args.inclusive else None
    tl = sum(l.values()) if not args.inclusive else None
    rows = sorted(set(a) | set(l), key=lambda k: -abs(l.get(k, 0) -
                                                      a.get(k, 0)))
    if ta:
        print("total per request: a=%.0f l=%.0f l-a=%.0f (%.3f)" % (
            ta, tl, tl - ta, tl / ta))
    print("%12s %12s %12s  function" % ("(a)", "(l)", "(l)-(a)"))
    for k in rows[:args.top]:
        print("%12.0f %12.0f %12.0f  %s" % (a.get(k, 0), l.get(k, 0),
                                           l.get(k, 0) - a.get(k, 0), k))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
