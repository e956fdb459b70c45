#!/usr/bin/python3
"""Schema-valid sample documents for every generated component model.

usage: gen_samples.py --spec SPEC --repo REPO --json OUT.json --c OUT.c

For each component schema that the generator turns into an object or union
model, two documents are derived from the schema alone (deterministic, no
randomness):
  full     every property present, nullable ones with a value
  minimal  only required properties, nullable ones null, arrays empty
OUT.json lists {"schema", "mode", "doc"}; OUT.c maps each schema name to
its generated K_OBJ type descriptor (names from the generator's own
view-model, so they cannot drift).
"""

import argparse
import json
import os
import sys

SAFE = 2 ** 53 - 1


class Cycle(Exception):
    pass


class Sampler:
    def __init__(self, spec):
        self.spec = spec
        self.stack = []

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            name = s["$ref"].split("/")[-1]
            s = self.spec["components"]["schemas"][name]
        return s

    def merged(self, s):
        """allOf flattened into one object schema."""
        s = self.resolve(s)
        if "allOf" not in s:
            return s
        out = {"type": "object", "properties": {}, "required": []}
        for part in s["allOf"]:
            p = self.merged(part)
            out["properties"].update(p.get("properties") or {})
            out["required"] += p.get("required") or []
            if p.get("nullable"):
                out["nullable"] = True
        for k, v in s.items():
            if k not in ("allOf",):
                if k == "properties":
                    out["properties"].update(v)
                elif k == "required":
                    out["required"] += v
                else:
                    out[k] = v
        return out

    def value(self, s, mode, name, top=False):
        ref = s.get("$ref") if isinstance(s, dict) else None
        if ref:
            if ref in self.stack:
                raise Cycle(ref)
            self.stack.append(ref)
        try:
            return self._value(self.merged(s), mode, name, top)
        finally:
            if ref:
                self.stack.pop()

    def _value(self, s, mode, name, top):
        if mode == "minimal" and s.get("nullable") and not top:
            return None
        members = s.get("oneOf") or s.get("anyOf")
        if members and not s.get("properties"):
            # A union: its first member (a nullable single-member oneOf
            # counts as nullable above).
            return self.value(members[0], mode, name)
        t = s.get("type")
        if "enum" in s:
            vals = [v for v in s["enum"] if v is not None]
            if vals:
                return vals[0]
        if t == "object" or s.get("properties"):
            props = s.get("properties") or {}
            ap = s.get("additionalProperties")
            typed = isinstance(ap, dict) and bool(ap)
            if not props and typed:
                # A typed map: two keys (one in minimal mode).
                out = {"k1_" + name: self.value(ap, mode, name)}
                if mode == "full":
                    out["k2_" + name] = self.value(ap, mode, name)
                return out
            if not props:
                return {"key": "value", "n": 1}
            req = set(s.get("required") or [])
            out = {}
            for pname, pschema in props.items():
                if mode == "minimal" and pname not in req:
                    continue
                out[pname] = self.value(pschema, mode, pname)
            # A required name the schema never defines: the generator
            # gives it a free-form field (after the properties).
            for pname in s.get("required") or []:
                if pname not in props and pname not in out:
                    out[pname] = {"key": "value", "n": 1}
            # Properties and additionalProperties: an extra key, kept.
            if mode == "full" and (typed or ap is True or ap == {}):
                out["x_extra"] = (self.value(ap, mode, name) if typed
                                  else {"key": "value", "n": 1})
            return out
        if t == "array":
            if mode == "minimal":
                return []
            return [self.value(s.get("items") or {}, mode, name)]
        if t == "string":
            ex = s.get("example")
            if isinstance(ex, str):
                return ex
            if s.get("format") == "date-time":
                return "2024-01-02T03:04:05Z"
            return "s_" + name
        if t == "integer":
            ex = s.get("example")
            if isinstance(ex, int) and not isinstance(ex, bool) and \
                    abs(ex) <= SAFE:
                return ex
            return 1700000000123 if s.get("format") == "int64" else 42
        if t == "number":
            return 0.5
        if t == "boolean":
            return mode == "full"
        # No type: free-form.
        return {"key": "value", "n": 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--c", required=True)
    args = ap.parse_args()

    sys.path.insert(0, os.path.join(args.repo, "openapi"))
    import clerkgen  # noqa: E402

    api = clerkgen.load(args.spec)
    spec = api.spec
    sampler = Sampler(spec)
    samples = []
    table = []
    for m in api.models:
        if m.source != "component" or m.kind not in ("object", "union"):
            continue
        schema = {"$ref": "#/components/schemas/" + m.where}
        ok = False
        for mode in ("full", "minimal"):
            try:
                doc = sampler.value(schema, mode, m.where, top=True)
            except Cycle:
                continue
            samples.append({"schema": m.where, "mode": mode, "doc": doc})
            ok = True
        if ok:
            table.append((m.where, m.type_desc))

    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(samples, f, indent=1, sort_keys=False)
        f.write("\n")
    with open(args.c, "w", encoding="utf-8") as f:
        f.write("/* Generated by tests/model/gen_samples.py; do not edit. */\n")
        f.write('#include "model_samples.h"\n\n')
        f.write('#include "internal/descriptors.h"\n\n')
        f.write("const model_sample_type_t model_sample_types[] = {\n")
        for where, desc in table:
            f.write('    { "%s", &%s },\n' % (where, desc))
        f.write("};\n\n")
        f.write("const size_t model_sample_type_count =\n"
                "    sizeof(model_sample_types) / "
                "sizeof(model_sample_types[0]);\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
