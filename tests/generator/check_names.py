#!/usr/bin/python3
"""Every operationId has a function, and every generated C name is unique.

usage: check_names.py --spec SPEC --out DIR [--runtime-include DIR]

DIR holds the generated api/ and model/.  Checks:
  * each operationId of SPEC has a plain, a _detailed and an _async function
    declared in api/<module>.h and defined in api/<module>.c;
  * no identifier (type, struct/enum tag, function, enum constant, macro)
    is defined twice across the generated headers, nor clashes with the
    runtime headers (include/clerk/*.h);
  * every exported name starts with clerk_/CLERK_ (short-name macros aside);
  * no model or module file is one the generator writes itself (all.h,
    arrays.h, version.h) or another's.
"""

import argparse
import collections
import glob
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "openapi"))

import clerkgen  # noqa: E402

DEFS = [
    ("type", re.compile(r"^\}\s*(\w+);", re.M)),
    ("tag", re.compile(r"^typedef (?:struct|enum|union) (\w+) \{", re.M)),
    ("type", re.compile(r"^typedef [^;{]*?\(\*\s*(\w+)\)\(", re.M)),
    ("function", re.compile(r"\bCLERK_EXTERN\b[^;(]*?\b(\w+)\(", re.S)),
    ("constant", re.compile(r"^\s+(CLERK_\w+)(?: = -?\d+)?,\s*$", re.M)),
    ("macro", re.compile(r"^#define (\w+)", re.M)),
]


def definitions(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for kind, rx in DEFS:
        for name in rx.findall(text):
            out.append((kind, name))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runtime-include",
                    default=os.path.join(REPO, "include", "clerk"))
    args = ap.parse_args()
    errors = []

    with open(args.spec, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    op_ids = [op.get("operationId") for item in spec["paths"].values()
              for method, op in item.items()
              if method in ("get", "put", "post", "delete", "patch",
                            "options", "head", "trace")]
    api = clerkgen.load(args.spec)
    by_id = {op.operation_id: op for op in api.operations}
    for op_id in op_ids:
        op = by_id.get(op_id)
        if op is None:
            errors.append("operationId %s: no operation" % op_id)
            continue
        base = os.path.join(args.out, "api", op.module.file)
        for ext in (".h", ".c"):
            try:
                with open(base + ext, encoding="utf-8") as f:
                    text = f.read()
            except OSError as e:
                errors.append("%s: %s" % (op_id, e))
                continue
            for fn in (op.func, op.detailed, op.async_func):
                if not re.search(r"\b%s\(" % re.escape(fn), text):
                    errors.append("%s: %s not in api/%s%s" % (
                        op_id, fn, op.module.file, ext))

    # Each file is written once: no model or module is named like a file
    # the generator writes itself, nor like another model or module.
    files = collections.Counter(["model/all", "model/arrays", "api/all",
                                 "api/version"])
    files.update("model/" + m.file for m in api.models)
    files.update("api/" + mod.file for mod in api.modules)
    for name, n in sorted(files.items()):
        if n > 1:
            errors.append("%s.h is written %d times" % (name, n))

    seen = collections.defaultdict(list)
    headers = sorted(glob.glob(os.path.join(args.out, "api", "*.h")) +
                     glob.glob(os.path.join(args.out, "model", "*.h")))
    for h in headers:
        for kind, name in definitions(h):
            if kind == "macro" and name.endswith("_H"):
                continue  # include guards are checked by compiling
            seen[name].append(os.path.relpath(h, args.out))
            if not name.lower().startswith("clerk_") and kind != "macro":
                errors.append("%s: %s %s lacks the clerk_ prefix" % (
                    os.path.relpath(h, args.out), kind, name))
    for name, where in sorted(seen.items()):
        if len(where) > 1:
            errors.append("%s defined %d times: %s" % (
                name, len(where), ", ".join(where)))
    runtime = {}
    for h in sorted(glob.glob(os.path.join(args.runtime_include, "*.h"))):
        for kind, name in definitions(h):
            runtime[name] = os.path.basename(h)
    for name in sorted(set(seen) & set(runtime)):
        errors.append("%s clashes with the runtime's %s" % (name,
                                                            runtime[name]))

    for e in errors:
        print("FAIL " + e)
    print("%d operations, %d generated names, %d problems" % (
        len(op_ids), len(seen), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
