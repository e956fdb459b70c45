"""Schemas -> C models.  All type logic of the generator lives here.

The result is a view-model: every Model, Field, EnumDef and Type already
carries the C names, the C declaration text, the descriptor expression and
the doc lines that the templates substitute.

Mapping rules (see openapi/README.md for the full table):

* object (properties, after merging allOf)  -> struct model, K_OBJ pointer
* oneOf / anyOf of >= 2 real members        -> tagged-union model
* single-member oneOf/anyOf/allOf wrapper   -> (nullable) reference
* string enum                               -> clerk_enum_t + C enum
* boolean enum ([true])                     -> plain boolean
* free-form object / map / untyped          -> cJSON * (K_JSON)
* array                                     -> clerk_<elem>_array_t
* string format binary                      -> const clerk_file_t *
"""

import textwrap

from . import docs
from .diag import GeneratorError
from .naming import MODEL_FAMILY, Registry, ident, snake, upper_ident

COMBINATORS = ("allOf", "oneOf", "anyOf")
COMMENT_WIDTH_TOP = 77    # " * " at column 0
COMMENT_WIDTH_MEMBER = 73  # "     * " inside a struct


# --------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------

class Type:
    """A C value type, before presence (required/nullable) is applied.

    shape: "string", "boolean", "integer", "number", "json", "file",
           "enum" (enum=EnumDef), "model" (model=Model), "array" (elem=Type),
           "map" (map=MapDef, elem=Type of the values)
    """

    def __init__(self, shape, model=None, enum=None, elem=None,
                 array=None, fallback=None, map_=None):
        self.shape = shape
        self.model = model
        self.enum = enum
        self.elem = elem
        self.array = array  # ArrayDef for shape == "array"
        self.map = map_     # MapDef for shape == "map" (elem: the values)
        # shape "json" standing in for a typed schema: why (for the doc
        # comment and the printed summary); None for free-form JSON.
        self.fallback = fallback

    # The C type and descriptor of a value stored by value in an array or
    # held as a top-level result.
    @property
    def value_c_type(self):
        """C type of one value of this type (items, results, bodies)."""
        return {
            "string": "char *", "boolean": "bool", "integer": "int64_t",
            "number": "double", "json": "cJSON *",
            "file": "const clerk_file_t *", "enum": "clerk_enum_t",
        }.get(self.shape) or (
            self.model.c_type if self.shape == "model"
            else self.map.c_type if self.shape == "map"
            else self.array.c_type)

    @property
    def descriptor(self):
        """Descriptor of a top-level value of this type (result or body)."""
        if self.shape == "model":
            return "&%s" % self.model.type_desc
        if self.shape == "array":
            return "&%s" % self.array.desc
        if self.shape == "map":
            return "&%s" % self.map.desc
        if self.shape == "enum":
            return "&%s" % self.enum.type_desc
        return "&clerk__type_" + {
            "string": "str", "boolean": "bool", "integer": "int",
            "number": "num", "json": "json", "file": "file"}[self.shape]

    @property
    def describe(self):
        """Short human description, for docs."""
        if self.shape == "model":
            return self.model.c_type
        if self.shape == "array":
            return self.array.c_type
        if self.shape == "map":
            return self.map.c_type
        if self.shape == "enum":
            return "%s (clerk_enum_t)" % self.enum.c_type
        return self.value_c_type.strip()

    def models(self):
        """Models this type refers to (for includes)."""
        if self.shape == "model":
            return [self.model]
        if self.shape in ("array", "map"):
            return self.elem.models()
        return []

    def nested_arrays(self):
        """Generated containers (arrays.h) this type needs: arrays of
        arrays and maps, maps of arrays and maps."""
        if self.shape not in ("array", "map"):
            return []
        own = self.array if self.shape == "array" else self.map
        return ([own] if own.generated else []) + self.elem.nested_arrays()


class ArrayDef:
    """An array type: runtime built-in, per-model, per-enum or nested."""

    def __init__(self, c_type, desc, elem, generated=False, name=None):
        self.c_type = c_type      # "clerk_user_array_t"
        self.desc = desc          # "clerk__user_array_type"
        self.elem = elem          # Type of the items
        self.generated = generated  # an array-of-arrays defined in arrays.h
        self.name = name          # "str_array_array" for generated ones

    @property
    def tag(self):
        return self.c_type[:-2]

    @property
    def item_c_type(self):
        return self.elem.value_c_type

    @property
    def elem_desc(self):
        if self.elem.shape in ("array", "map"):
            return self.elem.descriptor
        return None

    kind = "K_ARRAY"
    is_map = False


class MapDef:
    """A map type (additionalProperties with a schema): runtime built-in
    (clerk_str_map_t, ...), per-model, per-enum or nested (arrays.h).
    Values are stored like array items; a nullable value schema gets the
    C type that says null (clerk_opt_str_t, clerk_opt_int64_t, ...)."""

    def __init__(self, c_type, desc, elem, value_c_type, value_desc,
                 generated=False, name=None):
        self.c_type = c_type              # "clerk_str_map_t"
        self.desc = desc                  # "clerk__type_str_map"
        self.elem = elem                  # Type of the values
        self.value_c_type = value_c_type  # "char *", "clerk_opt_str_t"
        self.value_desc = value_desc      # "&clerk__type_str"
        self.generated = generated        # defined in arrays.h
        self.name = name                  # "str_array_map" for generated

    @property
    def tag(self):
        return self.c_type[:-2]

    @property
    def item_c_type(self):
        return self.value_c_type

    @property
    def values_decl(self):
        return declare(self.value_c_type + " *", "values")

    @property
    def get_ret(self):
        return self.value_c_type + (" *" if not self.value_c_type.endswith(
            "*") else "*")

    @property
    def elem_desc(self):
        return self.value_desc

    @property
    def get_here(self):
        """A nested map (arrays.h) gets its _get() there unless its values
        are containers of a model, which arrays.h only forward-declares
        (clerk_map_find() looks keys up in any map)."""
        return not (self.elem.shape in ("array", "map")
                    and self.elem.elem.shape == "model")

    kind = "K_MAP"
    is_map = True


# Maps of scalars: value schema shape -> (map C type, descriptor, value C
# type, value descriptor), plain and nullable.
_BUILTIN_MAPS = {
    ("string", False): ("clerk_str_map_t", "clerk__type_str_map", "char *",
                        "&clerk__type_str"),
    ("string", True): ("clerk_opt_str_map_t", "clerk__type_opt_str_map",
                       "clerk_opt_str_t", "&clerk__type_opt_str"),
    ("integer", False): ("clerk_int64_map_t", "clerk__type_int_map",
                         "int64_t", "&clerk__type_int"),
    ("integer", True): ("clerk_opt_int64_map_t", "clerk__type_opt_int_map",
                        "clerk_opt_int64_t", "&clerk__type_opt_int"),
    ("boolean", False): ("clerk_bool_map_t", "clerk__type_bool_map",
                         "bool", "&clerk__type_bool"),
    ("boolean", True): ("clerk_opt_bool_map_t", "clerk__type_opt_bool_map",
                        "clerk_opt_bool_t", "&clerk__type_opt_bool"),
    ("number", False): ("clerk_double_map_t", "clerk__type_num_map",
                        "double", "&clerk__type_num"),
    ("number", True): ("clerk_opt_double_map_t", "clerk__type_opt_num_map",
                       "clerk_opt_double_t", "&clerk__type_opt_num"),
}


_BUILTIN_ARRAYS = {
    "string": ("clerk_str_array_t", "clerk__type_str_array"),
    "integer": ("clerk_int64_array_t", "clerk__type_int_array"),
    "boolean": ("clerk_bool_array_t", "clerk__type_bool_array"),
    "number": ("clerk_double_array_t", "clerk__type_num_array"),
    "json": ("clerk_json_array_t", "clerk__type_json_array"),
}


# --------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------

class EnumValue:
    def __init__(self, const, wire):
        self.const = const  # CLERK_USER_OBJECT_USER
        self.wire = wire    # "user"

    @property
    def c_string(self):
        return c_string(self.wire)

    @property
    def doc(self):
        return docs.clean(c_string(self.wire))


class EnumDef:
    """A string enum: C enum type + values table + K_ENUM descriptor."""

    def __init__(self, name, where, values, names, static=False,
                 description=""):
        self.name = name                # "user_object"
        self.where = where              # "User.object"
        self.c_type = "clerk_%s_t" % name
        self.tag = "clerk_%s" % name
        self.static = static            # api-local: static descriptors
        prefix = "" if static else "clerk__"
        self.enum_desc = "%s%s_enum" % (prefix, name)
        self.type_desc = "%s%s_type" % (prefix, name)
        self.array_desc = "%s%s_array_type" % (prefix, name)
        self.map_desc = "%s%s_map_type" % (prefix, name)
        self.values_table = "%s_values" % name
        self.array_used = False
        self.map_used = False
        self.description = description
        upper = upper_ident(name)
        self.unknown = names.claim("CLERK_%s_UNKNOWN" % upper)
        self.values = []
        seen = set()
        for wire in values:
            if wire is None or str(wire) in seen:
                continue
            seen.add(str(wire))
            const = "CLERK_%s_%s" % (upper, _enum_const(str(wire)))
            const = names.claim(LEGACY_ENUM_CONSTS.get(const, const))
            self.values.append(EnumValue(const, str(wire)))

    @property
    def where_c(self):
        return c_string(self.where)

    @property
    def doc_lines(self):
        lines = []
        if self.description:
            lines = docs.reflow(self.description, COMMENT_WIDTH_TOP) + [""]
        return lines + docs.reflow(
            "Values of %s (held in a clerk_enum_t)." % self.where,
            COMMENT_WIDTH_TOP)


# Values that are a sign alone.  (Other symbol-only values, such as "*",
# keep the historical EMPTY: renaming them would break Clerk's API.)
_SYMBOLS = {"+": "PLUS", "-": "MINUS"}


# A sign before a word, as in sort keys ("-born", "+born"): DESC_BORN and
# ASC_BORN, so that they differ from "born".
_SIGN_PREFIXES = {"-": "DESC_", "+": "ASC_"}

# Constants Clerk's API published before the sign rule, when the value with
# a sign came after the plain one and took its `_2` suffix; kept so that
# regenerating renames nothing (new rule name -> published name).
LEGACY_ENUM_CONSTS = {
    "CLERK_ORGANIZATION_DOMAINS_LIST_ALL_ENROLLMENT_MODE_ITEM_DESC_%s" % w:
    "CLERK_ORGANIZATION_DOMAINS_LIST_ALL_ENROLLMENT_MODE_ITEM_%s_2" % w
    for w in ("MANUAL_INVITATION", "AUTOMATIC_INVITATION",
              "AUTOMATIC_SUGGESTION", "ENTERPRISE_SSO")
}


def _enum_const(wire):
    """The constant suffix of an enum value: its UPPER_CASE words; "+" and
    "-" are PLUS and MINUS, and before a word ASC_ and DESC_ ("-born" is
    DESC_BORN); "" (and other symbol-only values) EMPTY."""
    words_ = upper_ident(wire, "")
    if not words_:
        return _SYMBOLS.get(wire, "EMPTY")
    sign = _SIGN_PREFIXES.get(wire[:1])
    if sign and wire[1:2].isalnum():
        return sign + words_
    return words_


def _combined_refs(schema):
    """The $refs an allOf/oneOf/anyOf of `schema` names (also nested in
    inline members), in order."""
    out = []
    for key in COMBINATORS:
        for member in (schema or {}).get(key) or []:
            if not isinstance(member, dict):
                continue
            if isinstance(member.get("$ref"), str):
                out.append(member["$ref"])
            else:
                out += _combined_refs(member)
    return out


def c_string(text):
    """A C string literal for `text` (ASCII-escaped)."""
    out = ['"']
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")  # no accidental trigraphs
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            for byte in ch.encode("utf-8"):
                out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


# --------------------------------------------------------------------------
# Fields, variants, models
# --------------------------------------------------------------------------

class Field:
    """One struct member (a property of an object schema)."""

    def __init__(self, json_name, name, type_, required, nullable,
                 description, deprecated, schema):
        self.json_name = json_name
        self.name = name
        self.type = type_
        self.required = required
        self.nullable = nullable
        self.description = description
        self.deprecated = deprecated
        self.schema = schema
        self.null_member = None  # companion bool for nullable K_OBJ
        self.access = None       # "read-only" / "write-only" (spec)
        self.kind, self.c_type, self.descriptor = self._storage()

    def _storage(self):
        # A value must be able to say "absent" even when the schema
        # requires it (lenient decoding keeps a response that lacks it; a
        # request that lacks it is refused), so scalars are always tri-state
        # and a string is a plain `char *` (NULL = absent) only when it
        # cannot be null as well.
        t = self.type
        scalars = {"boolean": ("BOOL", "bool"),
                   "integer": ("INT", "int64"),
                   "number": ("NUM", "double")}
        if t.shape == "string":
            if self.nullable:
                return "K_OPT_STR", "clerk_opt_str_t", "&clerk__type_opt_str"
            return "K_STR", "char *", "&clerk__type_str"
        if t.shape in scalars:
            k, o = scalars[t.shape]
            short = {"BOOL": "bool", "INT": "int", "NUM": "num"}[k]
            return ("K_OPT_" + k, "clerk_opt_%s_t" % o,
                    "&clerk__type_opt_" + short)
        if t.shape == "enum":
            return "K_ENUM", "clerk_enum_t", "&" + t.enum.type_desc
        if t.shape == "json":
            return "K_JSON", "cJSON *", "&clerk__type_json"
        if t.shape == "file":
            return "K_FILE", "const clerk_file_t *", "&clerk__type_file"
        if t.shape == "model":
            return "K_OBJ", t.model.c_type + " *", "&" + t.model.type_desc
        if t.shape == "array":
            return "K_ARRAY", t.array.c_type, "&" + t.array.desc
        if t.shape == "map":
            return "K_MAP", t.map.c_type, "&" + t.map.desc
        raise GeneratorError("no storage for " + t.shape)

    @property
    def decl(self):
        """The member declaration without the semicolon."""
        return declare(self.c_type, self.name)

    @property
    def flags(self):
        return flag_expr((("CLERK__F_REQUIRED", self.required),
                          ("CLERK__F_NULLABLE", self.nullable),
                          ("CLERK__F_READ_ONLY", self.access == "read-only"),
                          ("CLERK__F_WRITE_ONLY",
                           self.access == "write-only")))

    @property
    def presence_doc(self):
        t = self.type
        if self.kind == "K_STR":
            if self.required:
                return "Required (NULL = absent)."
            return "Optional: NULL = absent."
        if self.kind.startswith("K_OPT_"):
            return _state_doc(self.required, self.nullable)
        if self.kind == "K_ENUM":
            base = "One of %s (`value`; unknown strings kept in `raw`)." % (
                t.enum.c_type)
            return base + " " + _state_doc(self.required, self.nullable)
        if self.kind == "K_JSON":
            s = ("Free-form JSON; NULL = absent. Freed with the struct by "
                 "its _free(); a call only reads it (CLERK_JSON(\"...\") "
                 "writes one from text; see clerk/types.h).")
            if self.nullable:
                s += " A JSON null is a cJSON NULL item."
            if t.fallback:
                s += " Not typed by the generator: %s." % t.fallback
            return ("Required. " if self.required else "Optional. ") + s
        if self.kind == "K_OBJ":
            s = "Required" if self.required else "Optional: NULL = absent"
            if self.nullable:
                s += "; nullable: %s is true when null" % self.null_member
            return s + "."
        if self.kind == "K_ARRAY":
            return "Array (items, count). " + _state_doc(
                self.required, self.nullable)
        if self.kind == "K_MAP":
            return _map_doc(t.map) + " " + _state_doc(
                self.required, self.nullable)
        if self.kind == "K_FILE":
            return ("Required file part." if self.required
                    else "Optional file part: NULL = not sent.")
        return "Required."

    @property
    def doc_lines(self):
        lines = docs.reflow(self.description, COMMENT_WIDTH_MEMBER)
        extra = self.presence_doc
        if self.access == "read-only":
            extra = ("Read-only (sent by the server): encoding does not "
                     "require it. " + extra)
        elif self.access == "write-only":
            extra = ("Write-only (sent by the client): decoding does not "
                     "expect it. " + extra)
        if self.deprecated:
            extra = "Deprecated. " + extra
        if lines:
            lines.append("")
        lines.extend(docs.reflow(extra, COMMENT_WIDTH_MEMBER))
        return lines

    @property
    def json_c(self):
        return c_string(self.json_name)

    @property
    def null_offset(self):
        if not self.null_member:
            return "0"
        return "offsetof(%s, %s)" % (self.owner.c_type, self.null_member)


def _map_doc(map_):
    """What a field or member holding a map says about it."""
    s = ("Map (keys, values, count: values[i] is the value of keys[i], in "
         "document order; see clerk/types.h); %s looks a key up." % (
             map_.tag + "_get()" if map_.get_here else "clerk_map_find()"))
    elem = map_.elem
    if elem.shape == "model":
        s += " Values are %s stored by value (a null value is a decode " \
             "error)." % elem.model.c_type
    return s


def _state_doc(required, nullable):
    if required and nullable:
        return ("Required, nullable: state CLERK_NULL = null, CLERK_UNSET = "
                "absent.")
    if required:
        return "Required: state CLERK_UNSET = absent."
    if nullable:
        return "Optional, nullable: state tells absent/null/set."
    return "Optional: state CLERK_UNSET = absent."


def flag_expr(flags):
    """`CLERK__F_A | CLERK__F_B` from (name, wanted) pairs, or `0`."""
    return " | ".join(name for name, wanted in flags if wanted) or "0"


def declare(c_type, name):
    """`char *x`, `int64_t y`: a declaration from a type and a name."""
    if c_type.endswith("*"):
        return c_type + name
    return "%s %s" % (c_type, name)


class ExtraField:
    """The member of an object with both `properties` and
    `additionalProperties` that keeps the other keys: a map typed by the
    additionalProperties schema, or a free-form cJSON object."""

    def __init__(self, name, type_, owner):
        self.name = name
        self.type = type_
        self.owner = owner
        if type_.shape == "map":
            self.kind, self.c_type = "K_MAP", type_.map.c_type
            self.descriptor = "&" + type_.map.desc
        else:
            self.kind, self.c_type = "K_JSON", "cJSON *"
            self.descriptor = "&clerk__type_json"

    @property
    def decl(self):
        return declare(self.c_type, self.name)

    @property
    def doc_lines(self):
        s = ("The other keys of the object (`additionalProperties`), in "
             "document order; decoding keeps them and encoding writes them "
             "after the properties above (a key naming one of them is "
             "refused). ")
        if self.kind == "K_MAP":
            s += _map_doc(self.type.map) + " Unset (count 0): none."
        else:
            s += ("A cJSON object of them, NULL when there are none; freed "
                  "with the struct by its _free().")
        return docs.reflow(s, COMMENT_WIDTH_MEMBER)


class Variant:
    def __init__(self, member, const, tag, type_):
        self.member = member  # union member name
        self.const = const    # CLERK_<U>_<V>
        self.tag = tag        # discriminator value or None
        self.type = type_     # Type: a model, or a value (string, array...)
        self.model = type_.model if type_.shape == "model" else None

    @property
    def tag_c(self):
        return c_string(self.tag) if self.tag is not None else "NULL"

    @property
    def c_type(self):
        """The member's C type in `as`: a model by pointer, values as
        array items hold them."""
        if self.model is not None:
            return self.model.c_type + " *"
        return self.type.value_c_type

    @property
    def decl(self):
        return declare(self.c_type, self.member)

    @property
    def descriptor(self):
        if self.model is not None:
            return "&" + self.model.type_desc
        return self.type.descriptor

    @property
    def doc(self):
        tag = ""
        if self.tag is not None:
            tag = ", tag " + docs.clean(c_string(self.tag))
        if self.model is not None:
            return self.model.c_type + tag
        what = {"string": "a JSON string", "integer": "a JSON integer",
                "number": "a JSON number", "boolean": "a JSON boolean",
                "json": "a JSON object (free-form, owned)"}.get(
            self.type.shape)
        if self.type.shape == "enum":
            what = "a JSON string (%s)" % self.type.enum.c_type
        elif self.type.shape == "array":
            what = "a JSON array (%s)" % self.type.array.c_type
        return what + tag


class Model:
    """A generated model: struct, union, enum-only or alias."""

    def __init__(self, name, where, kind, source):
        self.name = name          # c base name: "user"
        self.where = where        # spec location: "User", "User.verification"
        self.kind = kind          # "object" | "union" | "enum" | "alias"
        self.source = source      # "component" | "inline" | ...
        self.file = name
        self.c_type = "clerk_%s_t" % name
        self.tag = "clerk_%s" % name
        self.guard = "CLERK_MODEL_%s_H" % name.upper()
        self.model_desc = "clerk__%s_model" % name
        self.type_desc = "clerk__%s_type" % name
        self.struct_desc = "clerk__%s_struct_type" % name
        self.description = ""
        self.deprecated = False
        self.fields = []
        self.variants = []
        self.discriminator = None
        self.kind_c_type = "clerk_%s_kind_t" % name
        self.kind_tag = "clerk_%s_kind" % name
        self.none_const = None
        # Unions with a discriminator: kind and `as` member of an object
        # whose tag names no member (kept as received).
        self.unknown_const = None
        self.unknown_member = None
        self.enums = []            # enums defined in this model's files
        self.alias_of = None       # Type, for kind == "alias"
        self.enum = None           # EnumDef, for kind == "enum"
        self.array = ArrayDef("clerk_%s_array_t" % name,
                              "clerk__%s_array_type" % name,
                              Type("model", model=self))
        self.array_used = False
        self.array_result = False  # an array of it is a top-level result
        self.map = MapDef("clerk_%s_map_t" % name,
                          "clerk__%s_map_type" % name,
                          Type("model", model=self), self.c_type,
                          "&" + self.struct_desc)
        self.map_used = False
        self.extra = None          # ExtraField: additionalProperties kept
        self.built = False

    @property
    def is_struct(self):
        return self.kind in ("object", "union")

    @property
    def doc_lines(self):
        return docs.reflow(self.description, COMMENT_WIDTH_TOP)

    @property
    def struct_used(self):
        """Stored by value somewhere (array items, map values)."""
        return self.array_used or self.map_used

    def referenced_models(self):
        seen, out = set(), []
        types = [f.type for f in self.fields]
        if self.extra is not None:
            types.append(self.extra.type)
        types += [v.type for v in self.variants]
        if self.alias_of is not None:
            types.append(self.alias_of)
        for t in types:
            for m in t.models():
                if m is not self and m.name not in seen:
                    seen.add(m.name)
                    out.append(m)
        return sorted(out, key=lambda m: m.file)

    def nested_arrays(self):
        out = []
        for f in self.fields + ([self.extra] if self.extra else []):
            out.extend(f.type.nested_arrays())
        for v in self.variants:
            out.extend(v.type.nested_arrays())
        if self.alias_of is not None:
            out.extend(self.alias_of.nested_arrays())
        return out

    # C text for the templates (the doc helpers are at the end of the file).

    @property
    def header_doc(self):
        return _model_header_doc(self)

    @property
    def struct_doc(self):
        return _model_struct_doc(self)

    @property
    def functions(self):
        return _model_functions(self) if self.is_struct else []

    @property
    def where_c(self):
        return c_string(self.where)

    @property
    def discriminator_c(self):
        return c_string(self.discriminator) if self.discriminator else "NULL"

    @property
    def alias_decl(self):
        return declare(self.alias_of.value_c_type, self.c_type)

    @property
    def includes(self):
        return [x.file for x in self.referenced_models()] + (
            ["arrays"] if self.nested_arrays() else [])


# --------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------

# Keywords that give a schema a shape; a schema without any of them only
# annotates or constrains (description, minimum, readOnly, required, ...).
SHAPE_KEYS = ("$ref", "type", "properties", "items", "enum", "oneOf",
              "anyOf", "allOf", "additionalProperties", "not",
              "patternProperties", "prefixItems")
# Shapes the generator does not model: the value stays free-form JSON and
# the generator says so.
_UNMODELLED = ("not", "patternProperties", "prefixItems", "if")


def constraint_only(schema):
    """A combinator member that only restates `required` (no shape)."""
    return (isinstance(schema, dict) and "$ref" not in schema
            and "type" not in schema and "properties" not in schema
            and "items" not in schema and "enum" not in schema
            and not any(k in schema for k in COMBINATORS))


def shapeless(schema):
    """An allOf member that only annotates (`description`, `minimum`,
    `nullable`, `required`, ...): it adds no type of its own."""
    return isinstance(schema, dict) and not any(k in schema
                                                for k in SHAPE_KEYS)


class SchemaBuilder:
    """Turns schemas into Models, EnumDefs and Types (one per spec)."""

    def __init__(self, spec, names, diag):
        self.spec = spec
        self.names = names              # Registry of global C names
        self.diag = diag                # diag.Diagnostics
        self.schemas = (spec.get("components") or {}).get("schemas") or {}
        self.models = []                # every Model, creation order
        self.by_component = {}          # component name -> Model
        self.nested_arrays = {}         # name -> ArrayDef (arrays.h)
        self.enum_types = {}            # component enum name -> EnumDef
        self._alias_busy = set()
        self._inline = {}               # (id(schema), static) -> Type

    # -- names --------------------------------------------------------------

    def claim(self, base):
        """Claim a model/enum base name in the global namespace; a name the
        runtime owns gets an `_object` suffix ("Client" -> client_object)."""
        base = base or "model"
        return self.names.claim_family(base, MODEL_FAMILY,
                                       alt=base + "_object")

    # -- components ---------------------------------------------------------

    def declare_components(self):
        """First pass: name every component schema, sorted by name (a `_2`
        suffix does not depend on the document's order)."""
        for cname, schema in sorted(self.schemas.items()):
            try:
                kind = self._component_kind(schema or {})
            except GeneratorError as e:
                self.diag.error(e.node if e.node is not None else schema,
                                str(e))
                kind = "alias"
                self.schemas[cname] = {}
            model = Model(self.claim(snake(cname)), cname, kind,
                          "component")
            model.description = (schema or {}).get("description", "")
            model.deprecated = bool((schema or {}).get("deprecated"))
            self.by_component[cname] = model
            self.models.append(model)

    def build_components(self):
        for cname, schema in sorted(self.schemas.items()):
            try:
                self.build_component(cname)
            except GeneratorError as e:
                self.diag.error(e.node if e.node is not None else schema,
                                str(e))

    def build_component(self, cname):
        model = self.by_component[cname]
        if model.built:
            return model
        model.built = True
        schema = self.schemas[cname]
        # The schemas it combines (allOf bases, oneOf/anyOf members) name
        # their own inline properties first (Pet.address is pet_address,
        # also inside ExtendedPet), whatever the build order.
        for ref in _combined_refs(schema):
            if ref.startswith("#/components/schemas/") and \
                    self.ref_name(ref) in self.by_component:
                self.build_component(self.ref_name(ref))
        if model.kind == "object":
            self._fill_object(model, schema)
        elif model.kind == "union":
            self._fill_union(model, schema, self._union_members(schema))
        elif model.kind == "enum":
            model.enum = self._enum(model.name, cname, schema, model)
        else:  # alias
            model.alias_of = self._component_type(cname)
        return model

    def _component_kind(self, schema):
        s = self._unwrap(schema)
        if s is not schema:
            return "alias"
        if self._union_members(s):
            return "union"
        if self._is_object(s):
            return "object"
        if self._is_string_enum(s):
            return "enum"
        return "alias"

    def _component_type(self, cname):
        """The Type a $ref to a component stands for."""
        model = self.by_component.get(cname)
        if model is None:
            raise GeneratorError("$ref to unknown schema " + cname)
        if model.kind in ("object", "union"):
            return Type("model", model=model)
        if model.kind == "enum":
            self.build_component(cname)
            return Type("enum", enum=model.enum)
        if cname in self._alias_busy:
            raise GeneratorError("schema %s is defined by itself (a $ref "
                                 "cycle without an object in it)" % cname,
                                 node=self.schemas[cname])
        self._alias_busy.add(cname)
        try:
            return self.type_of(self.schemas[cname], model.name, model)
        finally:
            self._alias_busy.discard(cname)

    # -- schema shape helpers ----------------------------------------------

    def ref_name(self, ref):
        prefix = "#/components/schemas/"
        if not isinstance(ref, str) or not ref.startswith(prefix):
            raise GeneratorError("$ref %s: only #/components/schemas/ "
                                 "(or relative files) can name a schema"
                                 % ref)
        name = ref[len(prefix):].replace("~1", "/").replace("~0", "~")
        if name not in self.schemas:
            raise GeneratorError("$ref to unknown schema " + name)
        return name

    def deref(self, schema):
        hops = 0
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.schemas[self.ref_name(schema["$ref"])]
            hops += 1
            if hops > 64:
                raise GeneratorError("$ref cycle at %s" % schema.get("$ref"))
        return schema or {}

    def _real_members(self, schema):
        for comb in ("oneOf", "anyOf"):
            if comb in schema:
                return [m for m in schema[comb] if not constraint_only(m)]
        return []

    def _shaped_allof(self, schema):
        return [m for m in schema.get("allOf") or [] if not shapeless(m)]

    def _unwrap(self, schema):
        """A single-member wrapper (allOf/oneOf/anyOf of one real member,
        no own properties; allOf members that only annotate do not count)
        -> that member; else the schema itself."""
        if not isinstance(schema, dict) or schema.get("properties"):
            return schema
        if "allOf" in schema:
            members = self._shaped_allof(schema)
            if len(members) == 1 and not self._real_members(schema):
                return members[0]
            if members:
                return schema
        for comb in ("oneOf", "anyOf"):
            if comb in schema:
                members = self._real_members(schema)
                if len(members) == 1:
                    return members[0]
        return schema

    def _is_string_enum(self, s):
        return "enum" in s and s.get("type", "string") == "string"

    def _merged(self, schema, visiting=()):
        """allOf-merged (properties, required) of an object schema."""
        props, required = {}, []
        if isinstance(schema, dict) and "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            if name in visiting:
                raise GeneratorError(
                    "schema %s includes itself through allOf (%s)" % (
                        name, " -> ".join(list(visiting) + [name])),
                    node=self.schemas[name])
            visiting = tuple(visiting) + (name,)
        schema = self.deref(schema)
        for member in schema.get("allOf", []):
            p, r = self._merged(member, visiting)
            props.update(p)
            required += [x for x in r if x not in required]
        for k, v in (schema.get("properties") or {}).items():
            props[k] = v
        required += [x for x in schema.get("required", [])
                     if x not in required]
        return props, required

    def _is_object(self, s):
        if any(k in s for k in ("oneOf", "anyOf")) and \
                len(self._real_members(s)) >= 2:
            return False
        if "allOf" in s:
            return bool(self._merged(s)[0])
        return bool(s.get("properties"))

    def _member_is_object(self, member):
        s = self.deref(member)
        inner = self._unwrap(s)
        if inner is not s:
            return self._member_is_object(inner)
        return self._is_object(s) or self._is_object_union(s)

    def _is_object_union(self, s):
        """A union all of whose members are objects (a JSON object)."""
        members = self._union_members(s)
        return bool(members) and all(self._member_is_object(m)
                                     for m, _ in members)

    def _value_kind(self, member):
        """The JSON type a union member takes: "model" (an object schema
        or a union of objects), "object" (free-form), "string" (also
        string enums), "integer", "number", "boolean", "array"; None for
        anything else (untyped, binary, unions with primitive members)."""
        try:
            s = self.deref(member)
        except GeneratorError:
            return None
        inner = self._unwrap(s)
        if inner is not s:
            return self._value_kind(inner)
        if self._is_object(s) or self._is_object_union(s):
            return "model"
        if self._real_members(s) or any(k in s for k in _UNMODELLED):
            return None
        t = s.get("type")
        if "enum" in s and t in (None, "string"):
            return "string"
        if t == "string":
            return None if s.get("format") == "binary" else "string"
        if t in ("integer", "number", "boolean", "array"):
            return t
        if t == "object" and not s.get("properties"):
            return "object"
        return None

    def _value_union_problem(self, s, members):
        """Why a oneOf/anyOf with members that are not all objects cannot
        be a typed union, or None when it can."""
        base = [k for k in ("properties", "allOf", "required")
                if s.get(k)]
        if base:
            return ("`%s` beside a oneOf/anyOf whose members are not all "
                    "objects" % base[0])
        kinds = [self._value_kind(m) for m in members]
        if None in kinds:
            return ("oneOf/anyOf member %d is not an object, string, "
                    "number, boolean or array" % (kinds.index(None) + 1))
        if "object" in kinds and kinds.count("object") + \
                kinds.count("model") > 1:
            return ("a free-form object member beside another object "
                    "member (which one an object is cannot be told)")
        return None

    def _value_label(self, member):
        """A union member's name from its JSON type: "string",
        "string_array", "pet_array", "object"; None for objects."""
        kind = self._value_kind(member)
        if kind in ("string", "integer", "number", "boolean", "object"):
            return kind
        if kind != "array":
            return None
        items = self.deref(member).get("items") or {}
        if "$ref" in items:
            return snake(self.ref_name(items["$ref"])) + "_array"
        return (self._value_label(items) or "item") + "_array"

    def _union_members(self, s):
        """The members of a union schema as (label source, schema to type)
        pairs, or [] when `s` is no union of objects.

        oneOf/anyOf of >= 2 objects is a union.  Properties beside the
        oneOf (in the schema itself or in allOf members) are merged into
        every member: `{properties: {id}, oneOf: [A, B]}` is A+id or B+id;
        so is `allOf: [Base, {oneOf: [A, B]}]`."""
        if not isinstance(s, dict):
            return []
        members = self._real_members(s)
        holder = s
        if len(members) < 2:
            # allOf: [Base, {oneOf: [...]}]
            inner = [m for m in s.get("allOf") or []
                     if isinstance(m, dict) and "$ref" not in m
                     and len(self._real_members(m)) >= 2]
            if len(inner) != 1:
                return []
            holder = inner[0]
            members = self._real_members(holder)
        if not all(self._member_is_object(m) for m in members):
            # A union of values (string | array of string, integer |
            # string, Pet | string): chosen by the value's JSON type.
            if holder is not s or self._value_union_problem(s, members):
                return []
            return [(m, m) for m in members]
        base = {k: v for k, v in s.items()
                if k not in ("oneOf", "anyOf", "discriminator", "allOf",
                             "description", "nullable")}
        base_allof = [m for m in s.get("allOf") or [] if m is not holder]
        if base_allof:
            base["allOf"] = base_allof
        if not base.get("properties") and not base.get("allOf") and \
                not base.get("required"):
            return [(m, m) for m in members]
        out = []
        for m in members:
            merged = {"allOf": [base, m]}
            self.diag.alias(merged, m)
            out.append((m, merged))
        return out

    def _union_disc(self, s):
        disc = s.get("discriminator")
        if disc is None:
            for m in s.get("allOf") or []:
                if isinstance(m, dict) and m.get("discriminator"):
                    disc = m["discriminator"]
        return disc or {}

    def _why_untyped(self, schema):
        """Why a schema with a shape becomes free-form JSON, or None when
        it is free-form (untyped, `type: object` without properties)."""
        for k in _UNMODELLED:
            if k in schema:
                return "`%s` is not supported" % k
        members = self._real_members(schema)
        if len(members) >= 2:
            return "a union that cannot be typed: " + (
                self._value_union_problem(schema, members) or
                "a oneOf/anyOf inside allOf with members that are not all "
                "objects")
        if len(self._shaped_allof(schema)) >= 2:
            return "an allOf of members that are not all objects"
        t = schema.get("type")
        if t not in (None, "object", "string", "boolean", "integer",
                     "number", "array"):
            return "type %r is not supported" % (t,)
        return None

    # -- type resolution ----------------------------------------------------

    def nullable(self, schema):
        """Whether a (possibly wrapped) schema allows null."""
        if not isinstance(schema, dict):
            return False
        if schema.get("nullable"):
            return True
        if any(shapeless(m) and m.get("nullable")
               for m in schema.get("allOf") or []):
            return True
        if "$ref" in schema:
            return bool(self.deref(schema).get("nullable"))
        inner = self._unwrap(schema)
        if inner is not schema:
            return self.nullable(inner)
        return False

    def type_of(self, schema, hint, owner, static=False, where=None):
        """Resolve a schema to a Type.  Inline objects, unions and enums are
        named from `hint`; enums are defined in `owner` (a Model or an api
        module with an `enums` list); `where` is the spec location, for
        messages and docs.  A construct the generator refuses is recorded
        (diag) and typed as free-form JSON so that generation goes on."""
        schema = schema or {}
        where = where or hint
        # api-local (static) descriptors belong to one module: a shared
        # components/parameters schema used by two tags gets one each.
        key = (id(schema), id(owner) if static else None)
        if key in self._inline:
            return self._inline[key][1]
        try:
            type_ = self._type_of(schema, hint, owner, static, where)
        except GeneratorError as e:
            self.diag.error(e.node if e.node is not None else schema,
                            str(e))
            type_ = Type("json", fallback="refused (see the generator's "
                         "errors)")
        # The same inline schema reached twice (allOf merges) is one model;
        # keep the schema alive so its id() stays unique.
        self._inline[key] = (schema, type_)
        return type_

    def _type_of(self, schema, hint, owner, static, where):
        if "$ref" in schema:
            return self._component_type(self.ref_name(schema["$ref"]))
        inner = self._unwrap(schema)
        if inner is not schema:
            return self.type_of(inner, hint, owner, static, where)
        members = self._union_members(schema)
        if members:
            model = Model(self.claim(hint), where, "union", "inline")
            model.description = schema.get("description", "")
            self.models.append(model)
            model.built = True
            self._fill_union(model, schema, members)
            return Type("model", model=model)
        t = schema.get("type")
        if "enum" in schema and t in (None, "string"):
            return Type("enum", enum=self._enum(
                self.claim(hint), where, schema, owner, static))
        if t == "string":
            if schema.get("format") == "binary":
                return Type("file")
            return Type("string")  # formats (date-time, email) stay text
        if t in ("boolean", "integer", "number"):
            return Type(t)
        if t == "array":
            elem = self.type_of(schema.get("items") or {}, hint + "_item",
                                owner, static, where + "[]")
            return self.array_of(elem)
        ap = schema.get("additionalProperties")
        if isinstance(ap, dict) and ap and t in (None, "object") and \
                not self._is_object(schema) and \
                not any(k in schema for k in _UNMODELLED + COMBINATORS):
            return self._map_type(schema, ap, hint, owner, static, where)
        if self._is_object(schema):
            model = Model(self.claim(hint), where, "object", "inline")
            model.description = schema.get("description", "")
            self.models.append(model)
            model.built = True
            self._fill_object(model, schema)
            return Type("model", model=model)
        why = self._why_untyped(schema)
        if why:
            self.diag.fallback(schema, "%s: cJSON *: %s" % (where, why))
        return Type("json", fallback=why)

    def map_of(self, elem, nullable):
        """The map whose values have type `elem` (nullable: may be null),
        or None when such values are not typed (the map stays free-form)."""
        if (elem.shape, nullable) in _BUILTIN_MAPS:
            c_type, desc, vc, vd = _BUILTIN_MAPS[(elem.shape, nullable)]
            return Type("map", elem=elem, map_=MapDef(c_type, desc, elem,
                                                      vc, vd))
        if elem.shape == "enum":
            elem.enum.map_used = True
            return Type("map", elem=elem, map_=MapDef(
                "clerk_enum_map_t", elem.enum.map_desc, elem,
                "clerk_enum_t", "&" + elem.enum.type_desc))
        if elem.shape == "model":
            elem.model.map_used = True
            return Type("map", elem=elem, map_=elem.model.map)
        if elem.shape in ("array", "map"):
            inner = elem.array if elem.shape == "array" else elem.map
            name = inner.c_type[len("clerk_"):-2] + "_map"
            m = self.nested_arrays.get(name)
            if m is None:
                m = MapDef("clerk_%s_t" % name, "clerk__%s_type" % name, elem,
                           inner.c_type, elem.descriptor, generated=True,
                           name=name)
                self.nested_arrays[name] = m
            return Type("map", elem=elem, map_=m)
        return None

    def _map_type(self, schema, ap, hint, owner, static, where):
        """The Type of an object schema whose keys are data
        (`additionalProperties: <schema>`, no properties)."""
        elem = self.type_of(ap, hint + "_value", owner, static, where + ".*")
        if elem.shape == "json":
            if elem.fallback:
                why = "a map whose values are not typed: " + elem.fallback
                self.diag.fallback(schema, "%s: cJSON *: %s" % (where, why))
                return Type("json", fallback=why)
            return Type("json")  # values free-form: the map is too
        t = self.map_of(elem, self.nullable(ap))
        if t is None:
            why = "a map of %s values is not supported" % elem.shape
            self.diag.fallback(schema, "%s: cJSON *: %s" % (where, why))
            return Type("json", fallback=why)
        return t

    def array_of(self, elem):
        if elem.shape in _BUILTIN_ARRAYS:
            c_type, desc = _BUILTIN_ARRAYS[elem.shape]
            return Type("array", elem=elem,
                        array=ArrayDef(c_type, desc, elem))
        if elem.shape == "enum":
            elem.enum.array_used = True
            return Type("array", elem=elem, array=ArrayDef(
                "clerk_enum_array_t", elem.enum.array_desc, elem))
        if elem.shape == "model":
            elem.model.array_used = True
            return Type("array", elem=elem, array=elem.model.array)
        if elem.shape in ("array", "map"):
            inner = elem.array if elem.shape == "array" else elem.map
            name = inner.c_type[len("clerk_"):-2] + "_array"
            arr = self.nested_arrays.get(name)
            if arr is None:
                arr = ArrayDef("clerk_%s_t" % name, "clerk__%s_type" % name,
                               elem, generated=True, name=name)
                self.nested_arrays[name] = arr
            return Type("array", elem=elem, array=arr)
        raise GeneratorError("arrays of %s are not supported" % elem.shape)

    # -- builders -------------------------------------------------------------

    def _enum(self, name, where, schema, owner, static=False):
        enum = EnumDef(name, where, schema.get("enum") or [], self.names,
                       static=static,
                       description=schema.get("description", ""))
        owner.enums.append(enum)
        return enum

    def _fill_object(self, model, schema):
        schema = self.deref(schema)
        if not model.description:
            model.description = schema.get("description", "")
        props, required = self._merged(schema)
        members = Registry()
        for json_name, prop in props.items():
            prop = prop or {}
            name = members.claim(ident(json_name))
            hint = "%s_%s" % (model.name, name.rstrip("_"))
            type_ = self.type_of(prop, hint, model,
                                 where="%s.%s" % (model.where, json_name))
            try:
                resolved = self.deref(prop)
            except GeneratorError:
                resolved = {}  # reported by type_of()
            description = prop.get("description") or \
                resolved.get("description", "")
            # readOnly: only the server sends it, writeOnly: only the client
            # does; either way the other side must not require it.
            read_only = bool(prop.get("readOnly") or resolved.get("readOnly"))
            write_only = bool(prop.get("writeOnly")
                              or resolved.get("writeOnly"))
            field = Field(json_name, name, type_, json_name in required,
                          self.nullable(prop), description,
                          bool(prop.get("deprecated")), prop)
            field.access = ("read-only" if read_only else
                            "write-only" if write_only else None)
            if field.kind == "K_OBJ" and field.nullable:
                field.null_member = members.claim(name.rstrip("_")
                                                  + "_is_null")
            field.owner = model
            model.fields.append(field)
        self._fill_extra(model, schema, members)
        # A name the schema requires without defining it still gets a field
        # (any JSON value), so strict decoding can report it missing.
        for json_name in required:
            if json_name in props:
                continue
            field = Field(json_name, members.claim(ident(json_name)),
                          Type("json"), True, False,
                          "Required by the schema, which does not define "
                          "it: kept as any JSON value.", False, {})
            field.owner = model
            model.fields.append(field)

    def _additional(self, schema, visiting=()):
        """The `additionalProperties` of an object schema or of the allOf
        members it merges (the first one given), or None."""
        if isinstance(schema, dict) and "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            if name in visiting:
                return None
            visiting = tuple(visiting) + (name,)
        schema = self.deref(schema)
        ap = schema.get("additionalProperties")
        if ap is not None and ap is not False:
            return ap
        for member in schema.get("allOf", []):
            ap = self._additional(member, visiting)
            if ap is not None:
                return ap
        return None

    def _fill_extra(self, model, schema, members):
        """An object with `properties` and `additionalProperties` keeps the
        other keys: a typed map, or cJSON * when they are free-form."""
        ap = self._additional(schema)
        if ap is None:
            return
        t = Type("json")
        if isinstance(ap, dict) and ap:
            t = self._map_type(ap, ap, model.name + "_additional", model,
                               False, model.where + ".*")
        name = members.claim("additional_properties")
        model.extra = ExtraField(name, t, model)

    def _fill_union(self, model, schema, members):
        disc = self._union_disc(schema)
        model.discriminator = disc.get("propertyName")
        mapping = {v: k for k, v in (disc.get("mapping") or {}).items()}
        upper = upper_ident(model.name)
        model.none_const = self.names.claim("CLERK_%s_NONE" % upper)
        names = Registry()
        if model.discriminator:
            model.unknown_member = names.claim("unknown")
        raw = []
        for i, (member, typed) in enumerate(members):
            if "$ref" in member:
                cname = self.ref_name(member["$ref"])
                target = self.schemas[cname] or {}
                label = target.get("x-speakeasy-name-override") or cname
                tag = mapping.get(member["$ref"])
                if tag is None and model.discriminator:
                    tag = self._const_value(target, model.discriminator) \
                        or cname
            else:
                label = self._const_value(member) or \
                    self._value_label(member) or "option_%d" % (i + 1)
                tag = None
                if model.discriminator:
                    tag = self._const_value(member, model.discriminator)
            if typed is member and "$ref" in member:
                type_ = self._component_type(cname)
            else:
                type_ = self.type_of(typed, "%s_%s" % (
                    model.name, snake(label)), model,
                    where="%s (option %d)" % (model.where, i + 1))
            if type_.shape not in ("model", "string", "integer", "number",
                                   "boolean", "enum", "array", "json"):
                raise GeneratorError("%s: union member %d is a %s"
                                     % (model.where, i + 1, type_.shape),
                                     node=member)
            if type_.shape != "model":
                tag = None  # only objects carry a discriminator
            raw.append((snake(label) or "option_%d" % (i + 1), tag, type_))
        labels = _strip_common_prefix([r[0] for r in raw])
        for label, (_, tag, type_) in zip(labels, raw):
            member = names.claim(ident(label))
            const = self.names.claim("CLERK_%s_%s" % (upper,
                                                      upper_ident(label)))
            model.variants.append(Variant(member, const, tag, type_))
        if model.discriminator:
            model.unknown_const = self.names.claim("CLERK_%s_UNKNOWN" % upper)

    def _const_value(self, schema, prop=None):
        """The single enum value of property `prop` (or of the first
        single-valued string enum property), or None."""
        props, _ = self._merged(schema)
        items = [(prop, props.get(prop))] if prop else props.items()
        for _, p in items:
            p = self.deref(p) if p else None
            if p and self._is_string_enum(p) and len(p["enum"]) == 1:
                return str(p["enum"][0])
        return None


def _strip_common_prefix(labels):
    """Drop words every label starts with ("jwks_rsa", "jwks_ec" -> "rsa",
    "ec"), as long as each label keeps at least one word."""
    if len(labels) < 2:
        return labels
    split = [label.split("_") for label in labels]
    n = 0
    while all(len(s) > n + 1 for s in split) and \
            len({s[n] for s in split}) == 1:
        n += 1
    return ["_".join(s[n:]) for s in split]


# --------------------------------------------------------------------------
# Presentation helpers (text the templates substitute)
# --------------------------------------------------------------------------

class Function:
    """A public function: declaration parts, doc lines and the one-line
    body that calls the runtime."""

    def __init__(self, name, ret, args, doc, body):
        self.name = name
        self.ret = ret if ret.endswith("*") else ret + " "
        self.args = args
        self.doc = doc
        self.body = body


def _model_functions(m):
    t, md = m.c_type, "&" + m.model_desc
    fns = [
        Function(m.tag + "_from_json", "clerk_status_t", [
            "%s **out" % t, "const cJSON *json", "unsigned flags",
            "clerk_json_error_t *error"], [
            "Decode a %s from a parsed JSON document." % t, "",
            "Unknown fields are ignored; a missing required field is "
            "tolerated (left absent) unless `flags` has "
            "CLERK_DECODE_STRICT.", "",
            "@param[out] out Receives the model (free with %s_free()), "
            "or NULL on failure." % m.tag,
            "@param json     The JSON value to decode; not modified.",
            "@param flags    0 or CLERK_DECODE_STRICT.",
            "@param[out] error Where and why decoding failed; may be NULL.",
            "@return CLERK_OK, CLERK_E_DECODE, CLERK_E_NOMEM or "
            "CLERK_E_INVALID_ARG."],
            "return clerk__model_from_json(%s, (void **)out, json, flags, "
            "error)" % md),
        Function(m.tag + "_to_json", "clerk_status_t", [
            "cJSON **out", "const %s *value" % t,
            "clerk_json_error_t *error"], [
            "Encode a %s as JSON." % t, "",
            "Unset optional fields are left out; fields set to null are "
            "written as null.", "",
            "@param[out] out Receives the JSON (free with cJSON_Delete()), "
            "or NULL on failure.",
            "@param value    The model; not modified.",
            "@param[out] error Where and why encoding failed; may be NULL.",
            "@return CLERK_OK, CLERK_E_INVALID_ARG (e.g. a required field "
            "is missing) or CLERK_E_NOMEM."],
            "return clerk__model_to_json(%s, out, value, error)" % md),
        Function(m.tag + "_free", "void", ["%s *value" % t], [
            "Free a %s and everything it owns." % t, "",
            "@param value The model, or NULL (no-op)."],
            "clerk__model_free(%s, value)" % md),
        Function(m.tag + "_parse", "clerk_status_t", [
            "%s **out" % t, "const char *json", "size_t len",
            "unsigned flags", "clerk_json_error_t *error"], [
            "Parse and decode a %s from JSON text." % t, "",
            "@param[out] out Receives the model (free with %s_free()), "
            "or NULL on failure." % m.tag,
            "@param json     The JSON text (need not be NUL-terminated).",
            "@param len      Length of `json` in bytes.",
            "@param flags    0 or CLERK_DECODE_STRICT.",
            "@param[out] error Where and why parsing failed; may be NULL.",
            "@return CLERK_OK, CLERK_E_DECODE, CLERK_E_NOMEM or "
            "CLERK_E_INVALID_ARG."],
            "return clerk__model_parse(%s, (void **)out, json, len, flags, "
            "error)" % md),
        Function(m.tag + "_print", "char *", ["const %s *value" % t], [
            "Print a %s as compact JSON text." % t, "",
            "The text of %s_to_json(), with the same checks: a value "
            "that lacks a required field (a leniently decoded response "
            "may) does not print; log the raw body of the _detailed "
            "response instead." % m.tag, "",
            "@param value The model.",
            "@return A NUL-terminated string owned by the caller (free "
            "with clerk_free()), or NULL on failure."],
            "return clerk__model_print(%s, value)" % md),
    ]
    if m.array_result:
        fns.append(Function(
            m.tag + "_array_free", "void",
            ["%s *array" % m.array.c_type], [
                "Free an array returned by a call: the items and the array "
                "itself.", "",
                "@param array The array, or NULL (no-op)."],
            "clerk__value_free(&%s, array)" % m.array.desc))
    for fn in fns:
        fn.doc = _wrap_doc(fn.doc)
    return fns


def _wrap_doc(lines):
    out = []
    for line in lines:
        if not line:
            out.append("")
            continue
        indent = ""
        if line.startswith("@"):
            indent = "        "

        out.extend(textwrap.wrap(line, COMMENT_WIDTH_TOP,
                                 subsequent_indent=indent,
                                 break_long_words=False,
                                 break_on_hyphens=False))
    return out


def _union_doc(m):
    """How a union's member is chosen, encoded and kept when unknown."""
    values = [v for v in m.variants if v.model is None]
    if values:
        text = ("One of several types, chosen by the JSON type of the "
                "value (object, string, number, boolean, array); among "
                "members of the same JSON type, ")
        text += ("an object is the member its `%s` property names, else "
                 % m.discriminator if m.discriminator else "")
        text += ("the first that decodes (strictly, then leniently). ")
    elif m.discriminator:
        text = "One of several schemas, chosen by the `%s` property. " % (
            m.discriminator)
    else:
        text = ("One of several schemas, chosen as the first member that "
                "decodes (strictly, then leniently). ")
    text += ("`kind` says which member of `as` is set (and owned by this "
             "struct).")
    if m.discriminator:
        text += (" Encoding writes the member's `%s` when it is left "
                 "unset. An object whose `%s` names no member this "
                 "version knows is never decoded as another member: "
                 "lenient decoding keeps it as received in `as.%s` (kind "
                 "%s), which %s_to_json() and %s_print() write back "
                 "unchanged; CLERK_DECODE_STRICT refuses it." % (
                     m.discriminator, m.discriminator, m.unknown_member,
                     m.unknown_const, m.tag, m.tag))
    return text


def _model_header_doc(m):
    what = {"component": "Schema: %s." % m.where,
            "inline": "Schema: %s (inline)." % m.where}.get(
        m.source, "Schema: %s." % m.where)
    lines = ["@file clerk/model/%s.h" % m.file, "@brief " + what]
    return lines


def _model_struct_doc(m):
    lines = docs.reflow(m.description, COMMENT_WIDTH_TOP)
    if not lines:
        lines = ["Schema %s." % m.where]
    if m.deprecated:
        lines += ["", "@deprecated The spec marks this schema deprecated."]
    if m.kind == "union":
        lines += [""] + docs.reflow(_union_doc(m), COMMENT_WIDTH_TOP)
    elif m.kind == "object":
        lines += [""] + docs.reflow(
            "Decode with %s_from_json() or %s_parse(); free with "
            "%s_free()." % (m.tag, m.tag, m.tag), COMMENT_WIDTH_TOP)
    return lines
