#!/usr/bin/env python3
"""Generate the C contract calls for every operation of the spec.

    gen_contract.py --spec SPEC --derived DERIVED --openapi-dir DIR --out OUT

Run by CMake at build time (never committed): imports the generator's
view-model (DIR/clerkgen, `clerkgen.load(SPEC)`), derives a realistic
sample request per operation from the schemas of DERIVED (the copy Prism
serves; contract_samples.py), and writes into OUT:

  contract_ops_<N>.c       (N < --chunks) one call function per operation: path
                           arguments, a params struct and a body built with
                           designated initializers and compound literals of
                           the generated types (every required field plus
                           several optional ones, arrays, booleans, explicit
                           nulls, free-form JSON, files), calling the plain
                           or the _detailed flavour;
  contract_ops.c           the table of all operations (contract_op_t, see
                           contract_support.h) with the result and body
                           type descriptors, the expected request body
                           JSON, the declared error statuses and the
                           expectation flags below.

The assertions are not generated: contract_runner.c compares what the
library decoded with the raw bodies Prism sent, so adding an operation to
the spec needs no hand-written test.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import contract_samples as cs  # noqa: E402

# ---------------------------------------------------------------------------
# Known spec bugs: the explicit expectation list.
#
# Each entry names the schema that is wrong in the published document, the
# reason, and what the contract runner asserts instead of plain equality.
# Affected operations are every operation whose response reaches the schema
# (computed below from the view-model and printed into contract_ops.c, so the
# list of operations is explicit in the build output and in test logs).
# ---------------------------------------------------------------------------
SPEC_BUGS = [
    {
        # SAMLConnection lists `authenticatable` and
        # `disable_jit_provisioning` in `required` but never defines them
        # under `properties`.  Prism's dynamic mode therefore never sends
        # them (it only generates defined properties).
        #   lenient (default) decoding: the data is returned, the two
        #     fields are simply absent;
        #   strict decoding (client option strict_decoding): CLERK_E_DECODE
        #     with meta.json_path ending in ".authenticatable" or
        #     ".disable_jit_provisioning" whenever the response contains a
        #     SAMLConnection.
        "schema": "SAMLConnection",
        "flag": "CONTRACT_X_MISSING_REQUIRED",
        "fields": ["authenticatable", "disable_jit_provisioning"],
    },
    {
        # Same defect as SAMLConnection (same two undefined required
        # properties), same expectations.
        "schema": "EnterpriseConnection",
        "flag": "CONTRACT_X_MISSING_REQUIRED",
        "fields": ["authenticatable", "disable_jit_provisioning"],
    },
    {
        # JWKS.keys[] is a oneOf of 7 key schemas without a discriminator
        # whose members overlap: every private key is also a valid public
        # key of the same family (ed25519/ecdsa/rsa PrivateKey = PublicKey
        # + `d`, ...), and `kty` does not tell public from private.  The
        # decoder takes the first member that decodes, so a private key
        # decodes as the public variant and its private members (`d`, `p`,
        # `q`, ...) are not kept.  (JWKS.rsa.PrivateKey also requires an
        # undefined `crv`, so it can never match strictly.)
        #   asserted: the data is returned (lenient and strict), the keys
        #     are compared with the variant the decoder chose, and keys of
        #     the raw body that only another variant defines are reported
        #     as the expected loss instead of a failure.
        "schema": "JWKS",
        "flag": "CONTRACT_X_OVERLAPPING_UNION",
        "fields": [],
    },
]

# Error statuses forced with `Prefer: code=N` (one op per tag and status).
FORCED_STATUSES = (400, 401, 404, 422)


def c_string(text):
    out = ['"']
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            for byte in ch.encode("utf-8"):
                out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


def c_json(value):
    return c_string(json.dumps(value, separators=(",", ":"),
                               ensure_ascii=True))


def c_int(v):
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        else:
            raise ValueError("not an integer: %r" % (v,))
    return "INT64_C(%d)" % v


def c_num(v):
    if isinstance(v, bool):
        raise ValueError("not a number: %r" % (v,))
    r = repr(float(v))
    return r


class GenError(Exception):
    pass


class Emitter:
    """JSON sample value + view-model type -> C initializer text."""

    def __init__(self, op_name):
        self.op = op_name

    def err(self, where, msg):
        raise GenError("%s: %s: %s" % (self.op, where, msg))

    # -- enums --------------------------------------------------------------
    def enum_const(self, enum, value, where):
        for v in enum.values:
            if v.wire == str(value):
                return v.const
        self.err(where, "value %r not in enum %s" % (value, enum.c_type))

    # -- fields (storage depends on presence) --------------------------------
    def field(self, f, v, where):
        k = f.kind
        if v is None:
            nulls = {"K_STR": "NULL", "K_OPT_STR": "CLERK_STR_NULL",
                     "K_OPT_INT": "CLERK_INT_NULL",
                     "K_OPT_BOOL": "CLERK_BOOL_NULL",
                     "K_OPT_NUM": "CLERK_DOUBLE_NULL",
                     "K_ENUM": "CLERK_ENUM_NULL",
                     "K_JSON": "contract_json(cc, \"null\")",
                     "K_OBJ": "NULL",
                     "K_ARRAY": "{ NULL, 0, CLERK_NULL }",
                     "K_MAP": "{ NULL, NULL, 0, CLERK_NULL }"}
            if k not in nulls:
                self.err(where, "null for %s" % k)
            return nulls[k]
        if k == "K_STR":
            return c_string(v)
        if k == "K_OPT_STR":
            return "CLERK_STR(%s)" % c_string(v)
        if k == "K_BOOL":
            return "true" if v else "false"
        if k == "K_OPT_BOOL":
            return "CLERK_BOOL(%s)" % ("true" if v else "false")
        if k == "K_INT":
            return c_int(v)
        if k == "K_OPT_INT":
            return "CLERK_INT(%s)" % c_int(v)
        if k == "K_NUM":
            return c_num(v)
        if k == "K_OPT_NUM":
            return "CLERK_DOUBLE(%s)" % c_num(v)
        if k == "K_ENUM":
            return "CLERK_ENUM(%s)" % self.enum_const(f.type.enum, v, where)
        if k == "K_JSON":
            return "contract_json(cc, %s)" % c_json(v)
        if k == "K_FILE":
            return "&contract_png_file"
        if k == "K_OBJ":
            return "&(%s){ %s }" % (f.type.model.c_type,
                                    self.model(f.type.model, v, where)
                                    or "0")
        if k == "K_ARRAY":
            return self.array(f.type, v, where)
        if k == "K_MAP":
            return self.map(f.type, v, where)
        self.err(where, "unsupported field kind %s" % k)

    # -- values stored by value (array items, bodies) ----------------------
    def item(self, t, v, where):
        s = t.shape
        if s == "string":
            return c_string(v)
        if s == "boolean":
            return "true" if v else "false"
        if s == "integer":
            return c_int(v)
        if s == "number":
            return c_num(v)
        if s == "enum":
            return "CLERK_ENUM(%s)" % self.enum_const(t.enum, v, where)
        if s == "json":
            return "contract_json(cc, %s)" % c_json(v)
        if s == "model":
            return "{ %s }" % (self.model(t.model, v, where) or "0")
        if s == "array":
            return self.array(t, v, where)
        if s == "map":
            return self.map(t, v, where)
        self.err(where, "unsupported item shape %s" % s)

    def map_value(self, m, v, where):
        """A value of map `m` (nullable scalars are clerk_opt_*_t)."""
        opt = {"clerk_opt_str_t": ("CLERK_STR", c_string),
               "clerk_opt_int64_t": ("CLERK_INT", c_int),
               "clerk_opt_bool_t": ("CLERK_BOOL",
                                    lambda x: "true" if x else "false"),
               "clerk_opt_double_t": ("CLERK_DOUBLE", c_num)}
        if m.value_c_type in opt:
            mac, conv = opt[m.value_c_type]
            return mac + ("_NULL" if v is None else "(%s)" % conv(v))
        if v is None and m.elem.shape == "enum":
            return "CLERK_ENUM_NULL"
        if v is None:
            self.err(where, "null value in %s" % m.c_type)
        return self.item(m.elem, v, where)

    def map(self, t, v, where):
        if not isinstance(v, dict):
            self.err(where, "expected an object, got %r" % (v,))
        if not v:
            return "{ NULL, NULL, 0, CLERK_SET }"
        keys = ", ".join(c_string(k) for k in v)
        vals = ", ".join(self.map_value(t.map, x, "%s.%s" % (where, k))
                         for k, x in v.items())
        return "{ (char *[]){ %s }, (%s[]){ %s }, %d, CLERK_SET }" % (
            keys, t.map.value_c_type, vals, len(v))

    def array(self, t, v, where):
        if not isinstance(v, list):
            self.err(where, "expected a list, got %r" % (v,))
        if not v:
            return "{ NULL, 0, CLERK_SET }"
        elem_c = t.array.item_c_type
        items = ", ".join(self.item(t.elem, x, "%s[%d]" % (where, i))
                          for i, x in enumerate(v))
        return "{ (%s[]){ %s }, %d, CLERK_SET }" % (elem_c, items, len(v))

    def model(self, m, v, where):
        if not isinstance(v, dict):
            self.err(where, "expected an object for %s, got %r" % (
                m.c_type, v))
        if m.kind == "union":
            return self.union(m, v, where)
        if m.kind != "object":
            self.err(where, "model kind %s" % m.kind)
        by_json = {f.json_name: f for f in m.fields}
        parts = []
        extra = {k: x for k, x in v.items() if k not in by_json}
        if extra and m.extra is not None:
            x = m.extra
            parts.append(".%s = %s" % (x.name, (
                self.map(x.type, extra, where) if x.kind == "K_MAP"
                else "contract_json(cc, %s)" % c_json(extra))))
            v = {k: x for k, x in v.items() if k in by_json}
        for key, val in v.items():
            f = by_json.get(key)
            if f is None:
                self.err(where, "no field %r in %s" % (key, m.c_type))
            sub = "%s.%s" % (where, key)
            parts.append(".%s = %s" % (f.name, self.field(f, val, sub)))
            if val is None and f.null_member:
                parts.append(".%s = true" % f.null_member)
        return ", ".join(parts)

    def union(self, m, v, where):
        chosen = None
        if m.discriminator and m.discriminator in v:
            for var in m.variants:
                if var.tag == v[m.discriminator]:
                    chosen = var
                    break
        if chosen is None:
            for var in m.variants:
                names = {f.json_name for f in var.model.fields}
                if set(v) <= names:
                    chosen = var
                    break
        if chosen is None:
            self.err(where, "no variant of %s fits %r" % (m.c_type,
                                                           sorted(v)))
        return ".kind = %s, .as.%s = &(%s){ %s }" % (
            chosen.const, chosen.member, chosen.model.c_type,
            self.model(chosen.model, v, where) or "0")

    # -- query parameters ------------------------------------------------------
    def query(self, p, v, where):
        k = p.kind
        if k == "K_STR":
            return c_string(v)
        if k == "K_OPT_BOOL":
            return "CLERK_BOOL(%s)" % ("true" if v else "false")
        if k == "K_OPT_INT":
            return "CLERK_INT(%s)" % c_int(v)
        if k == "K_OPT_NUM":
            return "CLERK_DOUBLE(%s)" % c_num(v)
        if k == "K_ENUM":
            return "CLERK_ENUM(%s)" % self.enum_const(p.type.enum, v, where)
        if k == "K_ARRAY":
            return self.array(p.type, v, where)
        self.err(where, "unsupported query kind %s" % k)


# ---------------------------------------------------------------------------
# Spec-bug reachability
# ---------------------------------------------------------------------------

def reaches(t, targets, seen):
    """Does a view-model Type reach a model whose spec name is in targets?"""
    if t is None:
        return set()
    if t.shape in ("array", "map"):
        return reaches(t.elem, targets, seen)
    if t.shape != "model":
        return set()
    m = t.model
    if m.name in seen:
        return set()
    seen.add(m.name)
    found = set()
    if m.where in targets:
        found.add(m.where)
    for f in m.fields:
        found |= reaches(f.type, targets, seen)
    for var in m.variants:
        found |= reaches(type(t)("model", model=var.model), targets, seen)
    return found


def result_descriptor(op):
    return op.result.descriptor if op.result is not None else None


def extern_for(desc):
    """An extern declaration for a generated descriptor (not built-ins)."""
    if desc is None:
        return None
    name = desc.lstrip("&")
    if name.startswith("clerk__type_"):
        return None
    return "extern const clerk__type_t %s;" % name


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

BANNER = ("/* Generated by tests/contract/gen_contract.py from %s; "
          "build product, do not edit. */\n")


def op_key(path, method):
    return (path, method.upper())


def emit_call(op, sample, e):
    """The C call function of one operation."""
    lines = []
    fn = "call_%s" % op.c_name
    done = "async_done_%s" % op.c_name
    rtype = op.response_type if op.has_result else "clerk_response_t"
    lines.append("/* %s: %s %s */" % (op.operation_id, op.method,
                                      op.path.replace("*/", "*\\/")))
    # The _async flavour's callback: takes the response over.
    lines.append("static void %s(%s *r, void *payload)" % (done, rtype))
    lines.append("{")
    lines.append("    contract_call_t *cc = payload;")
    lines.append("")
    lines.append("    cc->async_calls++;")
    lines.append("    cc->response = r;")
    if op.has_result:
        lines.append("    cc->meta = &r->meta;")
        lines.append("    cc->data = (void *)r->data;")
    else:
        lines.append("    cc->meta = r;")
    lines.append("    cc->status = cc->meta->status;")
    lines.append("}")
    lines.append("")
    lines.append("static void %s(contract_call_t *cc)" % fn)
    lines.append("{")
    args = []
    for p, v in zip(op.path_params, sample["path_args"]):
        args.append(c_string(v))
    if op.body is not None:
        bt = op.body.type
        body_c = op.body.c_type
        if bt.shape == "model":
            init = "{ %s }" % (e.model(bt.model, _body_value(op, sample),
                                       "$") or "0")
        elif bt.shape == "array":
            init = e.array(bt, sample["body"], "$")
        elif bt.shape == "json":
            init = "contract_json(cc, %s)" % c_json(sample["body"])
        else:
            raise GenError("%s: body shape %s" % (op.c_name, bt.shape))
        decl = body_c + ("body" if body_c.endswith("*") else " body")
        lines.append("    %s = %s;" % (decl, init))
        args.append("&body")
    if op.query:
        inits = []
        for p in op.query:
            if p.wire in sample["query"]:
                inits.append(".%s = %s" % (p.name, e.query(
                    p, sample["query"][p.wire], "?" + p.wire)))
        lines.append("    %s params = { %s };" % (
            op.params_type, ", ".join(inits) if inits else "0"))
        args.append("&params")
    argtext = "".join(", " + a for a in args)
    if op.body is not None:
        lines.append("    contract_check_body(cc, &body);")
    lines.append("    if (cc->flavour == CONTRACT_PLAIN) {")
    if op.has_result:
        lines.append("        cc->result = %s(cc->client%s);" % (op.func,
                                                                 argtext))
    else:
        lines.append("        cc->status = %s(cc->client%s);" % (op.func,
                                                                 argtext))
    lines.append("    } else if (cc->flavour == CONTRACT_ASYNC) {")
    lines.append("        cc->call_id = %s(cc->loop, cc->client%s, %s, cc);"
                 % (op.async_func, argtext, done))
    lines.append("    } else {")
    if op.has_result:
        lines.append("        %s *r = NULL;" % op.response_type)
        lines.append("        cc->status = %s(&r, cc->client%s);" % (
            op.detailed, argtext))
        lines.append("        cc->response = r;")
        lines.append("        if (r != NULL) {")
        lines.append("            cc->meta = &r->meta;")
        lines.append("            cc->data = (void *)r->data;")
        lines.append("        }")
    else:
        lines.append("        clerk_response_t *r = NULL;")
        lines.append("        cc->status = %s(&r, cc->client%s);" % (
            op.detailed, argtext))
        lines.append("        cc->response = r;")
        lines.append("        cc->meta = r;")
    lines.append("    }")
    lines.append("}")
    lines.append("")
    # Free functions with a uniform signature.
    if op.has_result:
        free_fn = op.result_free_call.replace("()", "")
        lines.append("static void free_result_%s(void *p)" % op.c_name)
        lines.append("{")
        lines.append("    %s(p);" % free_fn)
        lines.append("}")
        lines.append("")
        lines.append("static void free_response_%s(void *p)" % op.c_name)
        lines.append("{")
        lines.append("    %s(p);" % op.response_free)
        lines.append("}")
    else:
        lines.append("static void free_response_%s(void *p)" % op.c_name)
        lines.append("{")
        lines.append("    clerk_response_free(p);")
        lines.append("}")
    lines.append("")
    return "\n".join(lines)


def _body_value(op, sample):
    """Multipart samples keep text fields in `body` and files apart."""
    body = dict(sample["body"] or {})
    for name in sample.get("files", {}):
        body[name] = "<file>"
    return body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--derived", required=True)
    ap.add_argument("--openapi-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunks", type=int, default=4)
    args = ap.parse_args()

    sys.path.insert(0, args.openapi_dir)
    import clerkgen  # noqa: E402  (the generator's view-model)

    api = clerkgen.load(args.spec)
    with open(args.derived, "r", encoding="utf-8") as f:
        spec = cs.Spec(json.load(f))
    samples = {}
    for path, method, op, item in spec.operations():
        samples[op_key(path, method)] = cs.op_sample(spec, path, method, op,
                                                     item)
    spec_name = os.path.basename(args.spec)
    os.makedirs(args.out, exist_ok=True)

    bug_targets = {b["schema"]: b for b in SPEC_BUGS}
    errors = []
    per_module = {}
    rows = []
    externs = set()
    call_texts = []
    first_of = {}  # (tag, status) -> (op.c_name, has_body)
    raw_ops = {op_key(p, m): (o, it) for p, m, o, it in spec.operations()}
    for op in api.operations:
        sample = samples.get(op_key(op.path, op.method))
        if sample is None:
            errors.append("%s: no sample for %s %s" % (op.c_name, op.method,
                                                       op.path))
            continue
        e = Emitter(op.c_name)
        try:
            text = emit_call(op, sample, e)
        except (GenError, ValueError, KeyError) as ex:
            errors.append(str(ex))
            continue
        per_module.setdefault(op.module.name, []).append(text)
        call_texts.append(text)
        rdesc = result_descriptor(op)
        bdesc = op.body.descriptor if op.body is not None else None
        for d in (rdesc, bdesc):
            x = extern_for(d)
            if x:
                externs.add(x)
        bugs = reaches(op.result, bug_targets, set()) if op.result else set()
        flags = {bug_targets[b]["flag"] for b in bugs}
        # The result *is* a buggy schema: every response has the defect, so
        # strict decoding must fail on every call, not just sometimes.
        if (op.result is not None and op.result.shape == "model"
                and op.result.model.where in bug_targets
                and bug_targets[op.result.model.where]["fields"]):
            flags.add("CONTRACT_X_MISSING_ALWAYS")
        flags = sorted(flags) or ["0"]
        tag = op.tags[0] if op.tags else op.module.name
        codes = []
        raw_op = raw_ops[op_key(op.path, op.method)][0]
        for code, _ in op.error_statuses:
            if code.isdigit() and int(code) in FORCED_STATUSES:
                codes.append(int(code))
                resp = spec.resolve(raw_op["responses"][code])
                has_body = "application/json" in (resp.get("content") or {})
                first_of.setdefault((tag, int(code)), (op.c_name, has_body))
        body_json = "NULL"
        if op.body is not None and op.body.kind == "json":
            body_json = c_json(sample["body"])
        rows.append({
            "op": op, "rdesc": rdesc, "bdesc": bdesc, "flags": flags,
            "bugs": sorted(bugs), "tag": tag, "codes": codes,
            "body_json": body_json})

    if errors:
        for line in errors:
            sys.stderr.write("gen_contract: %s\n" % line)
        sys.stderr.write("gen_contract: %d operations could not be "
                         "generated\n" % len(errors))
        return 1

    headers = sorted({"clerk/api/%s.h" % op.module.name
                      for op in api.operations})
    prologue = (BANNER % spec_name
                + "#include \"contract_support.h\"\n\n"
                + "".join("#include <%s>\n" % h for h in headers)
                + "\n")
    # A fixed number of chunk files (CMake knows the outputs in advance;
    # two cores compile them in parallel).
    texts = []
    for op_rows in per_module.values():
        texts.extend(op_rows)
    chunks = [[] for _ in range(args.chunks)]
    for i, r in enumerate(rows):
        chunks[i % args.chunks].append(r)
    call_text = {r["op"].c_name: t for r, t in zip(rows, call_texts)}
    for i, chunk in enumerate(chunks):
        with open(os.path.join(args.out, "contract_ops_%d.c" % i), "w",
                  encoding="utf-8", newline="\n") as f:
            f.write(prologue)
            for r in chunk:
                f.write(call_text[r["op"].c_name])
                f.write("\n")
                f.write(row_text(r))
    # The master table.
    with open(os.path.join(args.out, "contract_ops.c"), "w",
              encoding="utf-8", newline="\n") as f:
        f.write(prologue)
        for x in sorted(externs):
            f.write(x + "\n")
        f.write("\n")
        for r in rows:
            f.write("extern const contract_op_t contract_op_%s;\n"
                    % r["op"].c_name)
        f.write("\n/*\n * Spec bugs (gen_contract.py SPEC_BUGS) and the "
                "operations whose\n * responses reach them:\n")
        for b in SPEC_BUGS:
            hit = [r["op"].c_name for r in rows if b["schema"] in r["bugs"]]
            f.write(" *   %s (%s): %d operations\n" % (
                b["schema"], b["flag"], len(hit)))
            for name in hit:
                f.write(" *     %s\n" % name)
        f.write(" */\n\nconst contract_op_t *const contract_ops[] = {\n")
        for r in rows:
            f.write("    &contract_op_%s,\n" % r["op"].c_name)
        f.write("};\n\nconst size_t contract_op_count = %d;\n\n" % len(rows))
        f.write("/* One operation per (tag, status) for the forced error "
                "statuses. */\nconst contract_forced_t contract_forced[] "
                "= {\n")
        for (tag, code), (name, has_body) in sorted(first_of.items()):
            f.write("    { %s, %d, %s, &contract_op_%s },\n" % (
                c_string(tag), code, "true" if has_body else "false", name))
        f.write("};\n\nconst size_t contract_forced_count = %d;\n" % len(
            first_of))
        f.write("\nconst char *const contract_bug_fields[] = {\n")
        fields = sorted({x for b in SPEC_BUGS for x in b["fields"]})
        for x in fields:
            f.write("    %s,\n" % c_string(x))
        f.write("    NULL\n};\n")
    return 0


def row_text(r):
    op = r["op"]
    codes = r["codes"]
    codes_c = "{ %s }" % ", ".join(str(c) for c in codes) if codes else "{ 0 }"
    lines = []
    lines.append("extern const clerk__type_t %s;" % r["rdesc"].lstrip("&")
                 if r["rdesc"] and extern_for(r["rdesc"]) else "")
    lines.append("extern const clerk__type_t %s;" % r["bdesc"].lstrip("&")
                 if r["bdesc"] and extern_for(r["bdesc"]) else "")
    lines.append("static const int codes_%s[] = %s;" % (op.c_name, codes_c))
    lines.append("const contract_op_t contract_op_%s = {" % op.c_name)
    lines.append("    %s, %s, %s, %s, %s," % (
        c_string(op.func), c_string(op.operation_id), c_string(op.method),
        c_string(op.path), c_string(r["tag"])))
    lines.append("    %s, %s, %s, %dL," % (
        r["rdesc"] or "NULL", r["bdesc"] or "NULL", r["body_json"],
        op.success_status))
    lines.append("    codes_%s, %d, %s," % (op.c_name, len(codes),
                                           " | ".join(r["flags"])))
    lines.append("    call_%s, %s, free_response_%s" % (
        op.c_name, ("free_result_%s" % op.c_name) if op.has_result
        else "NULL", op.c_name))
    lines.append("};")
    return "\n".join(x for x in lines if x) + "\n\n"


if __name__ == "__main__":
    sys.exit(main())
