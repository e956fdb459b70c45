#!/usr/bin/python3
"""Names do not depend on the order of the document.

usage: check_order.py --spec SPEC [--rounds N]

SPEC (the fixture) is rewritten with its paths, the methods of each path,
its component schemas and its tags in other orders (reversed, then N-1
seeded shuffles), next to a copy of the files it references, and generated
each time (without clang-format).  Every round must give the same set of
files, the same set of C identifiers in them, and the same function for
each operationId as the document in its own order: a `_2` suffix is decided
by a stable key, never by where something is in the document.
"""

import argparse
import os
import random
import re
import shutil
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "openapi"))

import clerkgen  # noqa: E402
from clerkgen import render  # noqa: E402

IDENT = re.compile(r"\b(?:clerk|CLERK)_\w+")


def symbols(spec_path):
    """({file: set of identifiers}, {operationId: function})."""
    api = clerkgen.load(spec_path, "fixture.yml")
    files = {}
    for rel, text in render.outputs(api):
        files[rel] = set(IDENT.findall(text))
    funcs = {op.operation_id: op.func for op in api.operations}
    return files, funcs


def reorder(mapping, rng):
    items = list(mapping.items())
    if rng is None:
        items.reverse()
    else:
        rng.shuffle(items)
    return dict(items)


def shuffled(spec, rng):
    spec = dict(spec)
    paths = {}
    for path, item in reorder(spec.get("paths") or {}, rng).items():
        paths[path] = reorder(item, rng) if isinstance(item, dict) else item
    spec["paths"] = paths
    comps = dict(spec.get("components") or {})
    for section in ("schemas", "parameters", "responses", "requestBodies"):
        if section in comps:
            comps[section] = reorder(comps[section], rng)
    spec["components"] = comps
    if spec.get("tags"):
        tags = list(spec["tags"])
        if rng is None:
            tags.reverse()
        else:
            rng.shuffle(tags)
        spec["tags"] = tags
    return spec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    with open(args.spec, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    want_files, want_funcs = symbols(args.spec)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="clerkgen-order.") as tmp:
        src_dir = os.path.dirname(os.path.abspath(args.spec))
        for name in os.listdir(src_dir):  # files reached by relative $ref
            if name.endswith((".yml", ".yaml", ".json")):
                shutil.copy(os.path.join(src_dir, name), tmp)
        for round_ in range(args.rounds):
            rng = None if round_ == 0 else random.Random(round_)
            path = os.path.join(tmp, "fixture.yml")
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(shuffled(spec, rng), f, sort_keys=False)
            files, funcs = symbols(path)
            what = "reversed" if rng is None else "shuffle seed %d" % round_
            if set(files) != set(want_files):
                failures += 1
                print("%s: files differ: +%s -%s" % (
                    what, sorted(set(files) - set(want_files)),
                    sorted(set(want_files) - set(files))))
            for rel in sorted(set(files) & set(want_files)):
                if files[rel] != want_files[rel]:
                    failures += 1
                    print("%s: %s: identifiers differ: +%s -%s" % (
                        what, rel, sorted(files[rel] - want_files[rel]),
                        sorted(want_files[rel] - files[rel])))
            for op_id, func in sorted(want_funcs.items()):
                if funcs.get(op_id) != func:
                    failures += 1
                    print("%s: %s is %s, not %s" % (
                        what, op_id, funcs.get(op_id), func))
    if failures:
        print("FAIL: %d difference(s)" % failures)
        return 1
    print("OK: %d orders, %d files, %d operations: the same names" % (
        args.rounds, len(want_files), len(want_funcs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
