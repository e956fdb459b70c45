"""Realistic sample requests derived from the OpenAPI document.

Used by gen_contract.py (which turns them into C arguments) and by
check_samples.py (which sends them to Prism directly, so that a violation
can be blamed on the samples or on the library).  Standard library only; the
document is given already parsed (a dict).

For every operation, `op_sample()` gives
  path_args   one string per {param} in path order, honouring the
              parameter's pattern ("user_2abc..." for ^user_\\w{27}$) or,
              without one, "<kind>_123" derived from the name;
  query       {name: value} for every required query parameter and every
              optional one (arrays get two items, booleans true/false,
              integers inside their bounds);
  body        JSON value (dict) for JSON bodies: every required field plus
              several optional ones, chosen for variety (an explicit null
              where the schema is nullable, an array, a boolean, a
              number, a nested object), recursively;
  files       for multipart bodies: {field: (filename, bytes)} and text
              fields in `body`.

Values are deterministic: the same document gives the same samples.
"""

import re

try:
    import re._parser as sre_parse  # Python >= 3.11
    from re import _constants as sre_c
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse
    import sre_constants as sre_c

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
MAX_OPTIONAL_TOP = 6
MAX_OPTIONAL_NESTED = 3
MAX_DEPTH = 6

# Small PNG (1x1, transparent) for the multipart file parts.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049"
    "454e44ae426082")


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("external $ref not supported: " + ref)
            cur = self.doc
            for part in ref[2:].split("/"):
                cur = cur[part.replace("~1", "/").replace("~0", "~")]
            node = cur
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop at " + ref)
        return node

    def merged(self, schema):
        """Resolve $ref and merge allOf into one object-ish schema.

        An anyOf/oneOf whose members only list `required` names (e.g. the
        CreateSAMLConnection body: `domain` or `domains`) is a constraint
        on an object, not a union: the first member's names are added to
        `required` and the keyword is dropped."""
        schema = self.resolve(schema)
        for key in ("anyOf", "oneOf"):
            members = schema.get(key)
            if members and "properties" in schema and all(
                    isinstance(m, dict) and set(m) <= {"required"}
                    for m in members):
                schema = {k: v for k, v in schema.items() if k != key}
                schema["required"] = list(schema.get("required", [])) + [
                    r for r in members[0].get("required", [])
                    if r not in schema.get("required", [])]
        if "allOf" not in schema:
            return schema
        out = {k: v for k, v in schema.items() if k != "allOf"}
        props = dict(out.get("properties", {}))
        req = list(out.get("required", []))
        for part in schema["allOf"]:
            m = self.merged(part)
            for k, v in m.items():
                if k == "properties":
                    props.update(v)
                elif k == "required":
                    req += [r for r in v if r not in req]
                elif k not in out:
                    out[k] = v
        if props:
            out["properties"] = props
        if req:
            out["required"] = req
        return out

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    yield path, method, item[method], item

    def parameters(self, op, item):
        params = []
        for p in list(item.get("parameters", [])) + list(
                op.get("parameters", [])):
            params.append(self.resolve(p))
        return params


# ----------------------------------------------------------------- strings

def from_pattern(pattern, salt=0):
    """A string matching a (simple) regular expression."""
    tree = sre_parse.parse(pattern)
    out = []
    emit(tree, out, salt)
    s = "".join(out)
    if not re.search(pattern, s):
        raise ValueError("could not satisfy pattern %r (got %r)"
                         % (pattern, s))
    return s


def emit(tree, out, salt):
    for op, av in tree:
        if op == sre_c.LITERAL:
            out.append(chr(av))
        elif op == sre_c.NOT_LITERAL:
            out.append("a" if chr(av) != "a" else "b")
        elif op == sre_c.ANY:
            out.append("a")
        elif op == sre_c.IN:
            out.append(pick_in(av, salt))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            lo, hi, sub = av
            n = lo if lo > 0 else min(hi, 1) if hi != sre_c.MAXREPEAT else 1
            for i in range(n):
                emit(sub, out, salt + i)
        elif op == sre_c.SUBPATTERN:
            emit(av[-1], out, salt)
        elif op == sre_c.BRANCH:
            emit(av[1][salt % len(av[1])], out, salt)
        elif op == sre_c.AT:
            pass
        else:
            raise ValueError("unsupported regex construct %s" % op)


def pick_in(items, salt):
    # A deterministic character from a class, varying with salt.
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    negate = any(op == sre_c.NEGATE for op, _ in items)
    cands = []
    for op, av in items:
        if op == sre_c.LITERAL:
            cands.append(chr(av))
        elif op == sre_c.RANGE:
            lo, hi = av
            cands += [chr(c) for c in range(lo, min(hi, lo + 36) + 1)]
        elif op == sre_c.CATEGORY:
            if av == sre_c.CATEGORY_DIGIT:
                cands += list("0123456789")
            elif av == sre_c.CATEGORY_WORD:
                cands += list(alphabet)
            elif av == sre_c.CATEGORY_SPACE:
                cands.append(" ")
            elif av == sre_c.CATEGORY_NOT_SPACE:
                cands += list(alphabet)
    if negate:
        bad = set(cands)
        cands = [c for c in alphabet if c not in bad]
    if not cands:
        raise ValueError("empty character class")
    return cands[(salt * 7 + 3) % len(cands)]


def id_prefix(name):
    """`user_id` -> "user", `organization_id` -> "org", ..."""
    base = re.sub(r"(_id|ID|_key_or_id|_identification_id)$", "", name)
    short = {"organization": "org", "oauth_application": "oauthapp",
             "saml_connection": "samlc", "enterprise_connection": "entc",
             "invitation": "inv", "email_address": "idn",
             "phone_number": "idn", "session": "sess", "client": "client",
             "template": "jtmp", "machine": "mch", "other_machine": "mch",
             "apiKey": "ak", "m2m_token": "mt"}
    base = short.get(base, base.lower())
    return re.sub(r"[^a-z0-9]+", "_", base).strip("_") or "id"


def string_value(schema, name, salt):
    if "enum" in schema:
        vals = [v for v in schema["enum"] if v is not None]
        return vals[salt % len(vals)]
    fmt = schema.get("format")
    lo = schema.get("minLength", 0)
    hi = schema.get("maxLength")
    if "pattern" in schema:
        v = from_pattern(schema["pattern"], salt)
    elif fmt == "email" or name.endswith("email_address") or name == "email":
        v = "jane.doe+%d@example.com" % salt
    elif fmt == "uri" or name.endswith("_url") or name == "url":
        v = "https://example.com/clerk/%d" % salt
    elif fmt == "date-time":
        v = "2026-05-12T10:00:00Z"
    elif fmt == "date":
        v = "2026-05-12"
    elif fmt == "binary":
        v = "file"
    elif name.endswith("phone_number"):
        v = "+15555550%03d" % (100 + salt)
    elif name.endswith("_id") or name == "id":
        v = "%s_2x%d" % (id_prefix(name), 100 + salt)
    elif isinstance(schema.get("example"), str) and lo <= len(
            schema["example"]) <= (hi or 10 ** 9):
        v = schema["example"]
    else:
        v = "sample %s %d" % (name or "value", salt)
    if hi is not None and len(v) > hi:
        v = v[:hi]
    while len(v) < lo:
        v += "x"
    return v


def int_value(schema, salt):
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    if "enum" in schema:
        return schema["enum"][salt % len(schema["enum"])]
    if lo is not None and schema.get("exclusiveMinimum") is True:
        lo = lo + 1
    if hi is not None and schema.get("exclusiveMaximum") is True:
        hi = hi - 1
    v = 10 + salt
    if lo is not None and v < lo:
        v = int(lo)
    if hi is not None and v > hi:
        v = int(hi)
    return int(v)


def num_value(schema, salt):
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    v = 12.5 + salt
    if lo is not None and v <= lo:
        v = lo + 0.5
    if hi is not None and v >= hi:
        v = hi if schema.get("exclusiveMaximum") is not True else hi - 0.5
    return v


# ------------------------------------------------------------------ values

class Sampler:
    def __init__(self, spec):
        self.spec = spec

    def kind(self, schema):
        s = self.spec.merged(schema)
        if "oneOf" in s or "anyOf" in s:
            return "union"
        t = s.get("type")
        if t is None and "properties" in s:
            t = "object"
        return t or "any"

    def value(self, schema, name, depth, salt=0):
        s = self.spec.merged(schema)
        if "oneOf" in s or "anyOf" in s:
            members = s.get("oneOf") or s.get("anyOf")
            return self.value(members[0], name, depth, salt)
        t = s.get("type")
        if t is None and "properties" in s:
            t = "object"
        if t == "string":
            return string_value(s, name, salt)
        if t == "integer":
            return int_value(s, salt)
        if t == "number":
            return num_value(s, salt)
        if t == "boolean":
            return salt % 2 == 0
        if t == "array":
            return self.array(s, name, depth, salt)
        if t == "object" or t is None:
            return self.obj(s, name, depth, salt)
        raise ValueError("unknown type %r" % t)

    def array(self, s, name, depth, salt):
        lo = s.get("minItems", 0)
        hi = s.get("maxItems")
        n = max(lo, 2)
        if hi is not None:
            n = min(n, hi)
        item_name = name or "item"
        if item_name.endswith("sses"):
            item_name = item_name[:-2]
        elif item_name.endswith("s") and not item_name.endswith("ss"):
            item_name = item_name[:-1]
        return [self.value(s.get("items", {}), item_name, depth + 1,
                           salt + i) for i in range(n)]

    def obj(self, s, name, depth, salt, top=False):
        props = s.get("properties")
        extra = s.get("additionalProperties")
        if not props and isinstance(extra, dict) and extra:
            # A map: string keys, values of one schema.
            return {"key_%d" % i: self.value(extra, "value", depth + 1,
                                             salt + i) for i in range(2)}
        if not props:
            # Free-form (metadata and the like).
            return {"plan": "pro", "seats": 3, "beta": True,
                    "tags": ["a", "b"]}
        req = [r for r in s.get("required", []) if r in props]
        out = {}
        for r in req:
            out[r] = self.value(props[r], r, depth + 1, salt)
        if depth >= MAX_DEPTH:
            return out
        limit = MAX_OPTIONAL_TOP if top else MAX_OPTIONAL_NESTED
        for pname in self.pick_optional(props, req, limit):
            ps = self.spec.merged(props[pname])
            if ps.get("readOnly"):
                continue
            if ps.get("nullable") and pname in self.null_choice(props, req):
                out[pname] = None
            else:
                out[pname] = self.value(props[pname], pname, depth + 1,
                                        salt + len(out))
        return out

    def null_choice(self, props, req):
        """The first optional nullable property: sent as explicit null."""
        for p in props:
            if p not in req and self.spec.merged(props[p]).get("nullable"):
                return (p,)
        return ()

    def pick_optional(self, props, req, limit):
        """Optional properties for variety: one of each kind first."""
        opt = [p for p in props if p not in req
               and not self.spec.merged(props[p]).get("readOnly")
               and not self.spec.merged(props[p]).get("deprecated")]
        chosen = []
        for p in self.null_choice(props, req):
            chosen.append(p)
        order = ["array", "boolean", "integer", "object", "number", "union",
                 "string", "any"]
        for k in order:
            for p in opt:
                if p not in chosen and self.kind(props[p]) == k:
                    chosen.append(p)
                    break
        for p in opt:
            if p not in chosen:
                chosen.append(p)
        return chosen[:max(limit, len(self.null_choice(props, req)))]


# -------------------------------------------------------------- operations

def op_sample(spec, path, method, op, item):
    """The sample request of one operation (see the module docstring)."""
    sampler = Sampler(spec)
    params = spec.parameters(op, item)
    names = re.findall(r"{([^}]+)}", path)
    path_args = []
    for n in names:
        p = next(x for x in params if x["in"] == "path" and x["name"] == n)
        sch = spec.merged(p.get("schema", {"type": "string"}))
        if "pattern" in sch or "enum" in sch:
            path_args.append(string_value(sch, n, 0))
        else:
            path_args.append("%s_2x%d" % (id_prefix(n), 100 + len(
                path_args)))
    query = {}
    for i, p in enumerate(x for x in params if x["in"] == "query"):
        if p.get("deprecated") and not p.get("required"):
            continue
        query[p["name"]] = sampler.value(p.get("schema", {}), p["name"], 1,
                                         i)
    body = None
    files = {}
    body_kind = None
    rb = spec.resolve(op.get("requestBody")) if op.get(
        "requestBody") else None
    if rb:
        content = rb.get("content", {})
        if "application/json" in content:
            body_kind = "json"
            s = spec.merged(content["application/json"].get("schema", {}))
            if sampler.kind(s) == "object":
                body = sampler.obj(s, "body", 0, 0, top=True)
            else:
                body = sampler.value(s, "body", 0)
        elif "multipart/form-data" in content:
            body_kind = "multipart"
            s = spec.merged(content["multipart/form-data"]["schema"])
            body = {}
            for pname, ps in s.get("properties", {}).items():
                ps = spec.merged(ps)
                if ps.get("format") == "binary":
                    files[pname] = ("logo.png", PNG_1X1)
                else:
                    body[pname] = sampler.value(ps, pname, 1)
    return {"path_args": path_args, "query": query, "body": body,
            "body_kind": body_kind, "files": files}
