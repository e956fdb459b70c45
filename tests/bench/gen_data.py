#!/usr/bin/python3
"""Generate the benchmark payloads from the OpenAPI document.

Writes, into OUT_DIR:
  user.json   one `User` with every property of the schema filled in
              (nullable fields get a value, not null; arrays a few items;
              oneOf members chosen round-robin so that every variant shows up)
  users.json  a JSON array of 100 such users, each with its own ids

The output is deterministic: the same spec gives byte-identical files (no
randomness, no clock).  Only PyYAML and the standard library are used.

Usage: /usr/bin/python3 gen_data.py SPEC.yml OUT_DIR [--count 100]
"""

import argparse
import json
import os
import sys

import yaml

ARRAY_ITEMS = 2      # items per array
# The User's arrays of large objects (accounts with nested organizations)
# get one item each, so that one user is about 10 KB like a busy real one.
ONE_ITEM_ARRAYS = ("external_accounts", "saml_accounts",
                   "enterprise_accounts", "organization_memberships")
MAX_DEPTH = 12       # recursion guard for self-referencing schemas
BASE_TS = 1700000000000  # Unix ms, a fixed instant


class Generator:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.counter = 0
        self.variant_turn = {}
        self.prefix = "u0"

    def tick(self):
        self.counter += 1
        return self.counter

    def resolve(self, schema):
        """Follow $ref and merge allOf into one schema dict."""
        seen = 0
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            extra = {k: v for k, v in schema.items() if k != "$ref"}
            schema = dict(self.schemas[name])
            schema.update(extra)
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop")
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            props = {}
            required = []
            for part in schema["allOf"]:
                part = self.resolve(part)
                for k, v in part.items():
                    if k == "properties":
                        props.update(v)
                    elif k == "required":
                        required.extend(v)
                    elif k not in merged:
                        merged[k] = v
            props.update(merged.get("properties", {}))
            required.extend(merged.get("required", []))
            if props:
                merged["properties"] = props
            if required:
                merged["required"] = required
            if "type" not in merged and props:
                merged["type"] = "object"
            schema = merged
        return schema

    @staticmethod
    def is_union(schema):
        """oneOf/anyOf of real members; `anyOf: [{required: [a]}, ...]`
        only constrains the schema it sits in and is not a union."""
        members = schema.get("oneOf") or schema.get("anyOf") or []
        return any(("$ref" in m or "type" in m or "properties" in m or
                    "allOf" in m) for m in members)

    def pick_variant(self, schema, key):
        members = schema.get("oneOf") or schema.get("anyOf")
        turn = self.variant_turn.get(key, 0)
        self.variant_turn[key] = turn + 1
        index = turn % len(members)
        member = members[index]
        tag = None
        disc = schema.get("discriminator")
        if disc:
            ref = member.get("$ref")
            for value, target in disc.get("mapping", {}).items():
                if target == ref:
                    tag = (disc["propertyName"], value)
                    break
        return member, tag

    def string(self, name, schema):
        n = self.tick()
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return values[n % len(values)] if name != "object" else values[0]
        fmt = schema.get("format", "")
        lname = name.lower()
        if lname == "id" or lname.endswith("_id"):
            return "%s_%s_2b%06dQxJ7mVn" % (name.split("_")[0], self.prefix, n)
        if "email" in lname:
            return "person.%s.%d@example.com" % (self.prefix, n)
        if "phone" in lname:
            return "+1555%07d" % n
        if lname.endswith("url") or fmt == "uri":
            return "https://img.example.com/%s/%s/%d.png" % (
                lname, self.prefix, n)
        if fmt == "date-time":
            return "2024-01-%02dT10:%02d:00Z" % (1 + n % 28, n % 60)
        if "name" in lname:
            return "Name%s%d" % (self.prefix.title(), n)
        return "%s %s %d" % (name.split("_")[0], self.prefix, n)

    def free_form(self, name):
        n = self.tick()
        return {
            "plan": "pro",
            "seats": n % 50,
            "beta": n % 2 == 0,
            "tags": [name, None],
            "ext": {"ratio": 0.25 + n % 4},
        }

    def value(self, name, schema, depth, path):
        schema = self.resolve(schema)
        if depth > MAX_DEPTH:
            return None
        if self.is_union(schema):
            member, tag = self.pick_variant(schema, path)
            v = self.value(name, member, depth + 1, path)
            if tag and isinstance(v, dict):
                v[tag[0]] = tag[1]
            return v
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        if t is None and "properties" in schema:
            t = "object"
        if t == "object":
            props = schema.get("properties")
            if not props:
                return self.free_form(name)
            out = {}
            for key, sub in props.items():
                out[key] = self.value(key, sub, depth + 1, path + "." + key)
            return out
        if t == "array":
            count = ARRAY_ITEMS
            if depth == 1 and name in ONE_ITEM_ARRAYS:
                count = 1
            return [self.value(name, schema.get("items", {}), depth + 1,
                               path + "[]")
                    for _ in range(count)]
        if t == "string":
            return self.string(name, schema)
        if t == "integer":
            n = self.tick()
            if schema.get("format") == "int64" and (
                    name.endswith("_at") or "expire" in name):
                return BASE_TS + n * 1000
            return n % 97
        if t == "number":
            return (self.tick() % 1000) + 0.5
        if t == "boolean":
            return self.tick() % 2 == 0
        return self.free_form(name)

    def user(self, index):
        self.prefix = "u%d" % index
        u = self.value("user", {"$ref": "#/components/schemas/User"}, 0,
                       "User")
        u["id"] = "user_%03d_2bQxJ7mVnW8kLp" % index
        return u


def dump(obj):
    return json.dumps(obj, indent=None, separators=(",", ":"),
                      ensure_ascii=False, sort_keys=False)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec", help="path of the Clerk OpenAPI document")
    ap.add_argument("out_dir", help="where user.json and users.json go")
    ap.add_argument("--count", type=int, default=100)
    args = ap.parse_args(argv)

    with open(args.spec, "r", encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    os.makedirs(args.out_dir, exist_ok=True)

    gen = Generator(spec)
    one = gen.user(0)
    gen = Generator(spec)
    many = [gen.user(i) for i in range(args.count)]

    files = {"user.json": dump(one), "users.json": dump(many)}
    for fname, text in files.items():
        path = os.path.join(args.out_dir, fname)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
