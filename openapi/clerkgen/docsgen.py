"""Reference documentation: the view-model -> Markdown pages in docs/.

One page per tag (docs/api/<module>.md: every operation with its C
signatures, HTTP method and path, parameters, request body fields, result,
documented error statuses and a call example), one page per model
(docs/models/<model>.md: fields with C type, required, nullable,
description) and an index (docs/README.md).  Everything a template prints
is computed here; the templates (templates/docs/*.md.j2) only loop and
substitute, and look like the Markdown they produce.

Pages are deterministic (spec order or sorted, no dates) and written only
when their bytes change; pages no longer produced are removed.
"""

import html
import os
import re

from . import docs
from .render import environment

DOCS_DIR = "docs"


# --------------------------------------------------------------- text helpers

def clean(text):
    """Spec prose as Markdown text: HTML stripped, entities unescaped (the
    C-comment escapes of docs.clean are not needed here)."""
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\t", "    ")
    text = docs._BREAK_RE.sub("\n", text)
    text = docs._TAG_RE.sub("", text)
    return html.unescape(text).replace("\u00a0", " ").strip()


def cell(text):
    """Prose as one Markdown table cell: one line, pipes escaped."""
    text = " ".join(clean(text).split())
    return text.replace("|", "\\|") or "-"


def prose(text):
    """Prose as Markdown paragraphs: lines of a paragraph joined, list
    items kept one per line."""
    out = []
    for block in re.split(r"\n\s*\n", clean(text)):
        lines, current = [], []
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            if docs._LIST_RE.match(line) and current:
                lines.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            lines.append(" ".join(current))
        if lines:
            out.append("\n".join(lines))
    return "\n\n".join(out)


def code(text):
    """Inline code, with a backtick-safe fence."""
    return "``%s``" % text if "`" in text else "`%s`" % text


def yes_no(flag):
    return "yes" if flag else "no"


def signature(ret, name, args):
    """A C prototype: on one line when it fits in 80 columns, else one
    argument per line."""
    ret = ret if ret.endswith("*") else ret.rstrip() + " "
    one = "%s%s(%s);" % (ret, name, ", ".join(args))
    if len(one) <= 80:
        return one
    return "%s%s(\n%s);" % (ret, name, ",\n".join("    " + a for a in args))


def model_link(model, from_dir):
    rel = "../models/" if from_dir == "api" else ""
    return "[%s](%s%s.md)" % (code(model.c_type), rel, model.file)


def member_type(kind, c_type, t, from_dir):
    """A member's C type as Markdown: models linked, enums named."""
    if kind in ("K_OBJ", "K_ARRAY", "K_MAP") and (t.shape == "model" or (
            t.shape in ("array", "map") and t.elem.shape == "model")):
        return type_link(t, from_dir)
    enum = t.enum if t.shape == "enum" else (
        t.elem.enum if t.shape in ("array", "map") and t.elem.shape == "enum"
        else None)
    if enum is not None:
        return "%s (values: %s)" % (code(c_type.strip()), code(enum.c_type))
    return code(c_type.strip())


def type_link(t, from_dir):
    """A Type as Markdown: the C type, linked to its model page."""
    if t.shape == "model":
        return model_link(t.model, from_dir)
    if t.shape in ("array", "map") and t.elem.shape == "model":
        return "%s of %s" % (code(t.describe),
                             model_link(t.elem.model, from_dir))
    return code(t.describe)


# ----------------------------------------------------------- example values

def _sample(kind, t, c_type):
    """A C expression for a required member of the given storage kind."""
    if kind == "K_STR":
        return '"..."'
    if kind == "K_OPT_STR":
        return 'CLERK_STR("...")'
    if kind == "K_OPT_BOOL":
        return "CLERK_BOOL(true)"
    if kind == "K_OPT_INT":
        return "CLERK_INT(1)"
    if kind == "K_OPT_NUM":
        return "CLERK_DOUBLE(1.0)"
    if kind == "K_ENUM" and t.enum.values:
        return "CLERK_ENUM(%s)" % t.enum.values[0].const
    if kind == "K_ARRAY" and t.elem.shape == "string":
        return 'CLERK_ARRAY(clerk_str_array_t, char *, "...")'
    return None


def _members(members):
    """`.a = x, .b = y` for the members that have a sample; the others are
    named in a comment (they need values of their own)."""
    set_ = ["." + name + " = " + val for name, val in members if val]
    todo = [name for name, val in members if not val]
    inner = ", ".join(set_) or "0"
    if todo:
        inner += " /* also %s */" % ", ".join("." + n for n in todo)
    return inner


def _initializer(c_type, members):
    """`&(T){ .a = x, .b = y }`: a compound literal of the required
    members."""
    return "&(%s){ %s }" % (c_type, _members(members))


def _required_samples(model):
    return [(f.name, _sample(f.kind, f.type, f.c_type))
            for f in model.fields if f.required]


def _body_example(body):
    t = body.type
    if t.shape == "model" and t.model.kind == "object":
        return _initializer(t.model.c_type, _required_samples(t.model))
    if t.shape == "array" and t.elem.shape == "model" and \
            t.elem.model.kind == "object":
        item = t.elem.model
        return "&(%s){ .items = (%s[]){ { %s } }, .count = 1 }" % (
            t.array.c_type, item.c_type, _members(_required_samples(item)))
    return "NULL" if not body.required else "&(%s){ 0 }" % body.c_type


def _param_sample(p):
    """A C expression for a required query parameter; an object one is a
    compound literal of its required properties."""
    if p.kind == "K_OBJ":
        return _initializer(p.type.model.c_type,
                            _required_samples(p.type.model))
    return _sample(p.kind, p.type, p.c_type)


def call_example(op):
    """A plain-flavour call of `op`, its failure check and its free."""
    args = ["client"] + ['"<%s>"' % p.wire for p in op.path_params]
    if op.body is not None:
        args.append(_body_example(op.body))
    if op.query:
        req = [p for p in op.query if p.required]
        args.append(_initializer(op.params_type, [
            (p.name, _param_sample(p)) for p in req]) if req else "NULL")
    call = "%s(%s)" % (op.func, ", ".join(args))
    if op.has_result:
        free = op.result_free_call[:-2]
        lines = ["%sresult = %s;" % (op.result_ptr, call),
                 "if (result == NULL)",
                 '    fprintf(stderr, "%s\\n", clerk_last_error()->message);',
                 "%s(result);" % free]
    else:
        lines = ["clerk_status_t st = %s;" % call,
                 "if (st != CLERK_OK)",
                 '    fprintf(stderr, "%s\\n", clerk_last_error()->message);']
    return "\n".join(lines)


# --------------------------------------------------------------- page views

class FieldRow:
    def __init__(self, f, from_dir):
        self.json = code(f.json_name)
        self.member = code(f.name)
        self.c_type = member_type(f.kind, f.c_type, f.type, from_dir)
        self.required = yes_no(f.required)
        self.nullable = yes_no(f.nullable)
        text = docs.clean(f.description)
        if f.deprecated:
            text = "Deprecated. " + text
        self.description = cell(text)


class ExtraRow:
    """The member keeping an object's additionalProperties."""

    def __init__(self, x, from_dir):
        self.json = "(other keys)"
        self.member = code(x.name)
        self.c_type = member_type(x.kind, x.c_type, x.type, from_dir)
        self.required = yes_no(False)
        self.nullable = yes_no(False)
        self.description = cell(
            "The keys no property names (additionalProperties), in "
            "document order" + (", typed." if x.kind == "K_MAP"
                                else ": a cJSON object, NULL when none."))


def field_rows(model, from_dir):
    rows = [FieldRow(f, from_dir) for f in model.fields]
    if model.extra is not None:
        rows.append(ExtraRow(model.extra, from_dir))
    return rows


class OpView:
    """What the tag template prints for one operation."""

    def __init__(self, op):
        self.op = op
        self.func = op.func
        self.anchor = op.func
        self.title = cell(op.doc_title)
        self.method = op.method
        self.path = op.path
        self.operation_id = op.operation_id
        self.deprecated = op.deprecated
        summary = " ".join(docs.clean(op.summary).split())
        desc = op.description or ""
        self.description = prose(desc) if desc.strip() and \
            docs.clean(desc) != summary else ""
        plain_ret = op.plain_ret
        sigs = [signature(plain_ret, op.func, op.plain_args),
                signature("clerk_status_t", op.detailed, op.detailed_args),
                signature("clerk_call_id_t", op.async_func, op.async_args)]
        self.signatures = "\n\n".join(sigs)
        self.path_params = [(code(p.wire), code("const char *" + p.name),
                             cell(p.description)) for p in op.path_params]
        self.query = [(code(p.wire), code(p.name),
                       member_type(p.kind, p.c_type, p.type, "api"),
                       yes_no(p.required), cell(p.description))
                      for p in op.query]
        self.params_type = op.params_type
        self.body = None
        self.body_fields = []
        if op.body is not None:
            b = op.body
            self.body = "%s body, %s: %s." % (
                b.media_type,
                "required" if b.required else "optional (NULL: none)",
                type_link(b.type, "api"))
            if b.type.shape == "model" and b.type.model.kind == "object":
                self.body_fields = field_rows(b.type.model, "api")
        self.result_statuses = str(op.success_status)
        if op.multi:
            self.result_statuses = ", ".join(str(c)
                                             for c in op.multi.statuses)
            self.result = "%s: `status` and one member per body type (%s), " \
                "freed with %s; the detailed flavour's response is %s " \
                "(free with %s())." % (
                    code(op.multi.c_type), ", ".join(
                        "%s (%s) for %s" % (
                            code(m.name), type_link(m.type, "api"),
                            " and ".join(str(c) for c in m.statuses))
                        for m in op.multi.members),
                    code(op.result_free_call), code(op.response_type),
                    op.response_free)
        elif op.has_result:
            self.result = "%s (%s), freed with %s; the detailed flavour's " \
                "response is %s (free with %s())." % (
                    type_link(op.result, "api"), code(op.result_ptr.strip()),
                    code(op.result_free_call), code(op.response_type),
                    op.response_free)
        else:
            self.result = "none: the plain flavour returns `CLERK_OK` on " \
                "HTTP %d; the detailed flavour's response is " \
                "`clerk_response_t` (free with clerk_response_free())." % (
                    op.success_status)
        self.success_status = op.success_status
        self.errors = [(str(code_), cell(d)) for code_, d in op.error_statuses]
        self.example = call_example(op)


class EnumView:
    def __init__(self, e):
        self.c_type = e.c_type
        self.where = e.where
        self.values = [(code(v.const), code(v.wire)) for v in e.values]
        self.unknown = e.unknown


class ModuleView:
    def __init__(self, mod):
        self.mod = mod
        self.file = mod.file
        self.tag = mod.tag
        self.header = "clerk/api/%s.h" % mod.file
        self.description = prose(mod.description)
        self.ops = [OpView(op) for op in mod.ops]
        self.enums = [EnumView(e) for e in mod.enums]


class ModelView:
    def __init__(self, m, used_by):
        self.m = m
        self.file = m.file
        self.c_type = m.c_type
        self.where = m.where
        self.kind = m.kind
        self.header = "clerk/model/%s.h" % m.file
        self.deprecated = m.deprecated
        self.description = prose(m.description)
        self.fields = field_rows(m, "models") if m.kind == "object" else []
        self.variants = [(code(v.member),
                          model_link(v.model, "models") if v.model
                          else type_link(v.type, "models"),
                          code(str(v.tag)) if v.tag is not None else "-")
                         for v in m.variants]
        self.chosen = ("chosen by the `%s` property" % m.discriminator
                       if m.discriminator else "the first that decodes")
        self.unknown = None
        if m.unknown_member:
            self.unknown = (code(m.unknown_member),
                            "%s: the object as received (kind %s; lenient "
                            "decoding only)" % (code("cJSON *"),
                                                code(m.unknown_const)))
        if any(v.model is None for v in m.variants):
            self.chosen = "chosen by the JSON type of the value, then " + (
                self.chosen)
        self.enum_values = []
        self.enum_type = None
        if m.kind == "enum":
            self.enum_type = m.enum.c_type
            self.enum_values = [(code(v.const), code(v.wire))
                                for v in m.enum.values]
        self.alias_of = type_link(m.alias_of, "models") \
            if m.kind == "alias" else None
        self.functions = [signature(fn.ret, fn.name, fn.args)
                          for fn in m.functions]
        self.enums = [EnumView(e) for e in m.enums
                      if m.kind != "enum" or e is not m.enum]
        self.used_by = used_by


def _used_by(api):
    """Model name -> [(module file, func)] of the operations taking or
    returning it directly."""
    out = {}
    for op in api.operations:
        for m in op.models():
            out.setdefault(m.name, [])
            entry = (op.module.file, op.func)
            if entry not in out[m.name]:
                out[m.name].append(entry)
    return out


# ------------------------------------------------------------------- output

def outputs(api):
    """Yield (relative path, text) for every page, in order."""
    env = environment()
    t = {name: env.get_template("docs/%s.md.j2" % name)
         for name in ("index", "tag", "model")}
    modules = [ModuleView(mod) for mod in api.modules]
    used = _used_by(api)
    models = [ModelView(m, used.get(m.name, [])) for m in api.models]
    yield "%s/README.md" % DOCS_DIR, t["index"].render(
        api=api, modules=modules, models=models,
        op_count=len(api.operations))
    for mv in modules:
        yield "%s/api/%s.md" % (DOCS_DIR, mv.file), t["tag"].render(
            api=api, mv=mv)
    for mv in models:
        yield "%s/models/%s.md" % (DOCS_DIR, mv.file), t["model"].render(
            api=api, mv=mv)


def write(api, out_dir):
    """Write docs/ under out_dir; returns the changed paths (written or
    removed)."""
    changed = []
    produced = set()
    for rel, text in outputs(api):
        produced.add(rel)
        path = os.path.join(out_dir, rel)
        data = text.encode("utf-8")
        old = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                old = f.read()
        if old != data:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            changed.append(rel)
    root = os.path.join(out_dir, DOCS_DIR)
    for sub in ("api", "models"):
        folder = os.path.join(root, sub)
        if not os.path.isdir(folder):
            continue
        for n in sorted(os.listdir(folder)):
            rel = "%s/%s/%s" % (DOCS_DIR, sub, n)
            if n.endswith(".md") and rel not in produced:
                os.unlink(os.path.join(folder, n))
                changed.append(rel)
    return sorted(changed)
