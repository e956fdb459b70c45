#!/usr/bin/python3
"""Generate libclerk's api/, model/ and docs/ from an OpenAPI 3.0 document.

usage: generate.py [--spec FILE] [--out DIR] [--no-format]
                   [--check [--scratch DIR]]

--spec   the OpenAPI YAML (default: $CLERK_OPENAPI_SPEC, else
         ../shared/openapi/clerk-bapi-2026-05-12.yml next to the repo)
--out    directory receiving api/, model/ and docs/ (the Markdown
         reference; default: the repository root)
--check  generate into a scratch directory (--scratch, else a temporary
         one) and report differences with --out instead of writing it
         (exit status 1 when they differ)
"""

import argparse
import filecmp
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import clerkgen  # noqa: E402
from clerkgen import docsgen, render  # noqa: E402

REPO = os.path.dirname(HERE)
DEFAULT_SPEC = os.path.join(os.path.dirname(REPO), "shared", "openapi",
                            "clerk-bapi-2026-05-12.yml")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--spec", default=os.environ.get("CLERK_OPENAPI_SPEC")
                    or DEFAULT_SPEC)
    ap.add_argument("--out", default=REPO)
    ap.add_argument("--style", default=os.path.join(REPO, ".clang-format"))
    ap.add_argument("--no-format", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--scratch", help="with --check: generate here (kept) "
                    "instead of a temporary directory")
    args = ap.parse_args(argv)

    try:
        api = clerkgen.load(args.spec)
    except clerkgen.GeneratorError as e:
        problems = e.problems or [("#", str(e))]
        sys.stderr.write("%s: %d construct%s not supported:\n" % (
            args.spec, len(problems), "" if len(problems) == 1 else "s"))
        for ptr, msg in problems:
            sys.stderr.write("  error: %s: %s\n" % (ptr, msg))
        return 2
    if api.fallbacks:
        sys.stderr.write("%s: %d value%s generated as free-form cJSON *:\n"
                         % (args.spec, len(api.fallbacks),
                            "" if len(api.fallbacks) == 1 else "s"))
        for ptr, msg in api.fallbacks:
            sys.stderr.write("  note: %s: %s\n" % (ptr, msg))
    if not args.check:
        changed = render.write(api, args.out, args.style,
                               fmt=not args.no_format)
        changed += docsgen.write(api, args.out)
        for rel in changed:
            print("updated " + rel)
        return 0
    with tempfile.TemporaryDirectory(prefix="clerkgen-check.") as tmp:
        scratch = args.scratch or tmp
        render.write(api, scratch, args.style, fmt=not args.no_format)
        docsgen.write(api, scratch)
        diffs = []
        for sub in ("api", "model", docsgen.DOCS_DIR):
            diffs += compare(os.path.join(scratch, sub),
                             os.path.join(args.out, sub), sub)
    for d in diffs:
        print(d)
    return 1 if diffs else 0


def compare(a, b, prefix):
    out = []
    if not os.path.isdir(b):
        return ["missing " + prefix]
    cmp = filecmp.dircmp(a, b)
    out += ["missing %s/%s" % (prefix, n) for n in cmp.left_only]
    out += ["stale %s/%s" % (prefix, n) for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files,
                                           shallow=False)
    out += ["differs %s/%s" % (prefix, n) for n in mismatch + errors]
    for sub in cmp.common_dirs:
        out += compare(os.path.join(a, sub), os.path.join(b, sub),
                       prefix + "/" + sub)
    return sorted(out)


if __name__ == "__main__":
    sys.exit(main())
