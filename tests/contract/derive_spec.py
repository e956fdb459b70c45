#!/usr/bin/env python3
"""Write the copy of the Clerk OpenAPI document that Prism mocks.

Usage: derive_spec.py [SPEC] OUT

SPEC defaults to $CLERK_OPENAPI_SPEC, else
/work/shared/openapi/clerk-bapi-2026-05-12.yml.  OUT is a path inside the
build directory: the derived copy is a build product and is never committed.

What is changed, and why (everything else is left exactly as published):

1. Schemas that say `nullable: true` but declare no `type` (and no $ref /
   allOf / oneOf / anyOf to take one from) get `type: object`.  In the
   2026-05-12 document these are the 13 `claims` properties of the api_keys
   and m2m_tokens bodies and responses.  Prism's OpenAPI 3.0 -> JSON Schema
   conversion cannot represent a type-less nullable schema; the operation's
   request validation is then skipped silently (a body with `"claims": 5`
   and no required field is answered 200 with no violation).  With the type
   added Prism validates those operations like all the others.

The script prints one line per change to stderr (and nothing else), so the
build log shows what the derived copy differs in.
"""

import json
import os
import sys

import yaml

DEFAULT_SPEC = "/work/shared/openapi/clerk-bapi-2026-05-12.yml"

# Keys that give a schema its type without a `type` keyword.
TYPE_GIVERS = ("type", "$ref", "allOf", "oneOf", "anyOf", "not")


def fix_typeless_nullable(node, where, changes):
    """Add `type: object` to every nullable schema without a type."""
    if isinstance(node, dict):
        if node.get("nullable") is True and not any(
                k in node for k in TYPE_GIVERS):
            node["type"] = "object"
            changes.append("type: object added at " + where)
        for key, value in node.items():
            # `example`/`examples` values are data, not schemas.
            if key in ("example", "examples"):
                continue
            fix_typeless_nullable(value, where + "/" + str(key), changes)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            fix_typeless_nullable(value, where + "/" + str(i), changes)


def derive(spec):
    """Apply every change to the parsed document in place; return the log."""
    changes = []
    fix_typeless_nullable(spec, "#", changes)
    return changes


def main(argv):
    args = argv[1:]
    if len(args) == 1:
        src = os.environ.get("CLERK_OPENAPI_SPEC") or DEFAULT_SPEC
        out = args[0]
    elif len(args) == 2:
        src, out = args
    else:
        sys.stderr.write(__doc__)
        return 2
    with open(src, "r", encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    changes = derive(spec)
    for line in changes:
        sys.stderr.write("derive_spec: " + line + "\n")
    # JSON is valid YAML and keeps the file free of YAML anchors/aliases.
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(spec, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
