#!/usr/bin/env python3
"""Run an example program against the Prism mock of a contract fixture.

usage: run_example.py STATE_FILE PROGRAM [ARG...]

STATE_FILE is written by prism_ctl.py (line 1: the mock's base URL); the
program runs with CLERK_API_URL set to it (with a "/": Prism serves the
API's paths at its root, so no "/v1" may be added) and a test secret key,
for at most 120 s, and its exit status is this script's.
"""

import os
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        base_url = f.readline().strip()
    env = dict(os.environ, CLERK_API_URL=base_url.rstrip("/") + "/",
               CLERK_SECRET_KEY="sk_test_example")
    try:
        return subprocess.run(argv[2:], env=env, timeout=120).returncode
    except subprocess.TimeoutExpired:
        sys.stderr.write("run_example: %s timed out\n" % argv[2])
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
