"""Bring a document to the one form the builders read.

* The `openapi` field must say 3.0.x or 3.1.x.
* Relative external `$ref`s (`common.yml#/components/schemas/Money`,
  `./pet.yml`) are bundled: the target is added to the document's own
  components under its name and the reference made local.
* OpenAPI 3.1 schema forms become their 3.0 equivalents:
  `type: [T, "null"]` -> `type: T, nullable: true`;
  `type: [A, B]` -> `anyOf: [{type: A}, {type: B}]`;
  a `{type: "null"}` member of oneOf/anyOf -> dropped, parent nullable;
  `const: v` -> `enum: [v]`; `enum` listing null -> nullable.
  (`examples` is an annotation and needs nothing.)

Nodes are changed in place, so their JSON pointers (diag.Diagnostics) stay.
"""

import os

import yaml

from .diag import escape

# Keys whose values are not schemas (names, literal values).
_LITERAL = ("example", "examples", "default", "enum", "const", "mapping",
            "x-speakeasy-name-override")
_NAMED = ("properties", "patternProperties", "schemas", "parameters",
          "responses", "requestBodies", "headers", "securitySchemes",
          "definitions", "$defs", "content", "paths")


def check_version(spec, diag):
    v = str(spec.get("openapi") or "")
    if not v:
        if "swagger" in spec:
            diag.error("#/swagger", "Swagger %s is not supported; convert "
                       "the document to OpenAPI 3.0 or 3.1"
                       % spec.get("swagger"))
        else:
            diag.error("#", "no `openapi` version field")
        return None
    if v.startswith("3.0.") or v == "3.0":
        return "3.0"
    if v.startswith("3.1.") or v == "3.1":
        return "3.1"
    diag.error("#/openapi", "OpenAPI %s is not supported (3.0.x and 3.1.x "
               "are)" % v)
    return None


# --------------------------------------------------------------------------
# External references
# --------------------------------------------------------------------------

def _section(path_keys):
    """The components section a $ref found under these keys points into."""
    parent = path_keys[-1] if path_keys else ""
    grand = path_keys[-2] if len(path_keys) > 1 else ""
    if grand == "parameters" or parent == "parameters":
        return "parameters"
    if grand == "responses":
        return "responses"
    if parent == "requestBody":
        return "requestBodies"
    return "schemas"


def bundle(spec, diag, spec_path):
    """Make every relative external $ref local (see the module doc)."""
    comps = spec.setdefault("components", {}) or {}
    spec["components"] = comps
    # absolute path -> loaded document; the document itself is one of them
    docs = {os.path.abspath(spec_path): spec}
    base_dir = os.path.dirname(os.path.abspath(spec_path))

    def load(path, where):
        if path not in docs:
            try:
                with open(path, encoding="utf-8") as f:
                    docs[path] = yaml.safe_load(f)
            except (OSError, yaml.YAMLError) as e:
                diag.error(where, "cannot read $ref target %s: %s" % (
                    path, e.__class__.__name__))
                docs[path] = None
                return None
            diag.add_document(docs[path], os.path.basename(path) + "#")
        return docs[path]

    def resolve(doc, frag):
        node = doc
        for tok in [t for t in frag.split("/") if t]:
            tok = tok.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and tok.isdigit():
                node = node[int(tok)] if int(tok) < len(node) else None
            elif isinstance(node, dict):
                node = node.get(tok)
            else:
                node = None
            if node is None:
                return None
        return node

    # (node, keys, directory of the document it is in, that document's path)
    work = [(spec, [], base_dir, None)]
    while work:
        node, keys, here, doc_path = work.pop()
        if isinstance(node, list):
            for i, v in enumerate(node):
                work.append((v, keys + [str(i)], here, doc_path))
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.startswith("#") and doc_path is not None:
                ref = doc_path + ref  # local to the external document
            if not ref.startswith("#"):
                if "://" in ref:
                    diag.error(node, "remote $ref %s is not supported "
                               "(only relative files)" % ref)
                    continue
                file_part, _, frag = ref.partition("#")
                path = os.path.normpath(os.path.join(here, file_part))
                doc = load(path, node)
                if doc is None:
                    continue
                target = resolve(doc, frag)
                if not isinstance(target, dict):
                    diag.error(node, "$ref %s does not resolve" % ref)
                    continue
                toks = [t for t in frag.split("/") if t]
                if len(toks) == 3 and toks[0] == "components":
                    section, name = toks[1], toks[2]
                else:
                    section = _section(keys)
                    name = toks[-1] if toks else os.path.splitext(
                        os.path.basename(path))[0]
                name = name.replace("~1", "/").replace("~0", "~")
                table = comps.setdefault(section, {}) or {}
                comps[section] = table
                if name in table and table[name] is not target:
                    diag.error(node, "$ref %s: components/%s/%s exists "
                               "already with other content" % (
                                   ref, section, name))
                    continue
                fresh = name not in table
                table[name] = target
                node["$ref"] = "#/components/%s/%s" % (section,
                                                       escape(name))
                if fresh:
                    work.append((target, ["components", section, name],
                                 os.path.dirname(path), path))
                continue
        for k, v in node.items():
            if k in _LITERAL:
                continue
            work.append((v, keys + [k], here, doc_path))


# --------------------------------------------------------------------------
# OpenAPI 3.1 schema forms
# --------------------------------------------------------------------------

def _is_null_schema(s):
    if not isinstance(s, dict):
        return False
    t = s.get("type")
    return (t == "null" or t == ["null"] or
            ("const" in s and s["const"] is None) or s.get("enum") == [None])


def _schema_31(s, v31):
    t = s.get("type")
    if isinstance(t, list):
        kinds = [x for x in t if x != "null"]
        if len(kinds) < len(t):
            s["nullable"] = True
        if len(kinds) == 1:
            s["type"] = kinds[0]
        elif not kinds:
            del s["type"]
        else:
            del s["type"]
            members = []
            for k in kinds:
                m = {"type": k}
                if k == "array" and "items" in s:
                    m["items"] = s["items"]
                if k == "object":
                    for key in ("properties", "additionalProperties",
                                "required"):
                        if key in s:
                            m[key] = s[key]
                members.append(m)
            for key in ("items", "properties", "additionalProperties"):
                s.pop(key, None)
            s["anyOf"] = members
    elif t == "null":
        del s["type"]
        s["nullable"] = True
    if "const" in s and "enum" not in s:
        s["enum"] = [s["const"]]
    if v31 and isinstance(s.get("enum"), list) and None in s["enum"]:
        s["nullable"] = True
        s["enum"] = [x for x in s["enum"] if x is not None]
    for comb in ("oneOf", "anyOf"):
        members = s.get(comb)
        if isinstance(members, list) and any(_is_null_schema(m)
                                             for m in members):
            members[:] = [m for m in members if not _is_null_schema(m)]
            s["nullable"] = True


def schemas_31(spec, version):
    """Rewrite OpenAPI 3.1 schema forms in place (see the module doc)."""
    v31 = version == "3.1"
    stack = [(spec, False)]
    seen = set()
    while stack:
        node, named = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack.extend((v, False) for v in node)
            continue
        if not isinstance(node, dict):
            continue
        if not named:
            _schema_31(node, v31)
        for k, v in node.items():
            if named:
                stack.append((v, False))  # a name's value is a node
            elif k not in _LITERAL:
                stack.append((v, k in _NAMED))
