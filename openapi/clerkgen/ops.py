"""Operations -> the api/ view-model (names, params, bodies, results)."""

import re

from . import docs
from .diag import GeneratorError
from .models import (COMMENT_WIDTH_MEMBER, COMMENT_WIDTH_TOP, c_string,
                     declare, flag_expr)
from .naming import Registry, ident, snake, words

METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
           "trace")


def _singular(word):
    return word[:-1] if word.endswith("s") and len(word) > 1 else word


def operation_name(operation_id, tag, group=None, name_override=None,
                   path=None):
    """The C base name (without `clerk_`) of an operation.

    With x-speakeasy-group / x-speakeasy-name-override: "<group>_<name>",
    each snake_cased ("oauthApplications", "list" -> "oauth_applications_
    list").  Without them: "<tag>_<rest>", where <rest> is the operationId
    minus the words that repeat the tag ("createApiKey" under tag "API
    Keys" -> "api_keys_create"); a bare "get" of the plural tag noun is a
    "list" ("getApiKeys" -> "api_keys_list"), unless the path ends in a
    path parameter (`GET /emails/{email_id}` reads one email).
    """
    if group and name_override:
        return "%s_%s" % (snake(group), snake(name_override))
    group_words = words(tag)
    op_words = words(operation_id)
    rest = op_words
    n = len(group_words)
    for i in range(0, len(op_words) - n + 1):
        window = op_words[i:i + n]
        if n and [_singular(w) for w in window] == \
                [_singular(w) for w in group_words]:
            rest = op_words[:i] + op_words[i + n:]
            if rest == ["get"] and window[-1].endswith("s") and \
                    not (path or "").rstrip("/").endswith("}"):
                rest = ["list"]
            break
    if not rest:
        rest = op_words
    return "%s_%s" % (snake(tag), "_".join(rest))


class PathParam:
    def __init__(self, wire, name, description):
        self.wire = wire
        self.name = name
        self.description = description

    @property
    def doc(self):
        text = docs.clean(self.description)
        text = " ".join(text.split())
        if text and not text.endswith("."):
            text += "."
        return (text + " " if text else "") + \
            "Percent-encoded by the library."


# A header name is an RFC 9110 token.
_TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Media types read as JSON: application/json (any parameters, such as
# charset) and the structured-syntax suffix application/<x>+json.
_JSON_RE = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;.*)?$", re.I)


def is_json(media_type):
    return bool(_JSON_RE.match(str(media_type).strip()))


class QueryParam:
    """A member of clerk_<op>_params_t and a row of its param table (the
    query table, or the header table for header and cookie parameters)."""

    def __init__(self, wire, name, type_, required, description,
                 deprecated, csv=False, location="query", deep=False):
        self.wire = wire
        self.location = location  # "query", "header" or "cookie"
        self.csv = csv  # form style, explode false: one comma-joined key
        self.deep = deep  # style deepObject (an object: `name[prop]=v`)
        self.name = name
        self.type = type_
        self.required = required
        self.description = description
        self.deprecated = deprecated
        self.kind, self.c_type, self.descriptor = self._storage()

    def _storage(self):
        t = self.type
        if t.shape == "string":
            return "K_STR", "const char *", "&clerk__type_str"
        if t.shape == "boolean":
            return "K_OPT_BOOL", "clerk_opt_bool_t", "&clerk__type_opt_bool"
        if t.shape == "integer":
            return "K_OPT_INT", "clerk_opt_int64_t", "&clerk__type_opt_int"
        if t.shape == "number":
            return "K_OPT_NUM", "clerk_opt_double_t", "&clerk__type_opt_num"
        if t.shape == "enum":
            return "K_ENUM", "clerk_enum_t", "&" + t.enum.type_desc
        if t.shape == "array" and t.elem.shape in (
                "string", "integer", "boolean", "number", "enum"):
            return "K_ARRAY", t.array.c_type, "&" + t.array.desc
        if t.shape == "model" and t.model.kind == "object" and \
                self.location == "query":
            # What it may hold is checked once the models are built
            # (OperationBuilder.finish()).
            return ("K_OBJ", "const %s *" % t.model.c_type,
                    "&" + t.model.type_desc)
        raise GeneratorError("%s parameter %s: type %s is not supported "
                             "(strings, numbers, booleans, enums and arrays "
                             "of them are)" % (self.location, self.wire,
                                               t.shape))

    @property
    def decl(self):
        return declare(self.c_type, self.name)

    @property
    def flags(self):
        return flag_expr((("CLERK__F_REQUIRED", self.required),
                          ("CLERK__F_CSV", self.csv),
                          ("CLERK__F_DEEP", self.deep),
                          ("CLERK__F_HEADER", self.location == "header"),
                          ("CLERK__F_COOKIE", self.location == "cookie")))

    @property
    def doc_lines(self):
        lines = docs.reflow(self.description, COMMENT_WIDTH_MEMBER)
        if self.kind == "K_OBJ" and self.deep:
            state = ("Sent as `%s[prop]=value` per set property "
                     "(deepObject; a nested object as `%s[a][b]=value`, an "
                     "array as repeated keys; brackets percent-encoded); "
                     "NULL = not sent." % (self.wire, self.wire))
        elif self.kind == "K_OBJ" and self.csv:
            state = ("Sent as one key, `%s=prop,value,prop2,value2` "
                     "(form, explode false); NULL = not sent." % self.wire)
        elif self.kind == "K_OBJ":
            state = ("Each set property sent as its own key, "
                     "`prop=value` (form, explode true; an array as "
                     "repeated keys); NULL = not sent.")
        elif self.kind == "K_STR":
            state = "NULL = not sent."
        elif self.kind == "K_ARRAY" and self.location != "query":
            state = "Items joined by ','; count 0 = not sent."
        elif self.kind == "K_ARRAY" and self.csv:
            state = "Sent as one key, items joined by ','; count 0 = not sent."
        elif self.kind == "K_ARRAY":
            state = "Sent as repeated keys; count 0 = not sent."
        else:
            state = "CLERK_UNSET = not sent."
        if self.type.shape == "enum" or (
                self.type.shape == "array" and self.type.elem.shape == "enum"):
            enum = self.type.enum or self.type.elem.enum
            state = "Values: %s. %s" % (enum.c_type, state)
        extra = ("Required. " if self.required else "Optional: ") + state
        if self.location == "header":
            extra = "Header `%s`. %s" % (self.wire, extra)
        elif self.location == "cookie":
            extra = "Cookie `%s` (value percent-encoded). %s" % (self.wire,
                                                                 extra)
        if self.deprecated:
            extra = "Deprecated. " + extra
        if lines:
            lines.append("")
        lines.extend(docs.reflow(extra, COMMENT_WIDTH_MEMBER))
        return lines

    @property
    def wire_c(self):
        return c_string(self.wire)


class Body:
    def __init__(self, kind, type_, required, description):
        self.kind = kind          # "json" | "multipart"
        self.type = type_
        self.required = required
        self.description = description

    @property
    def body_kind(self):
        return {"json": "CLERK__BODY_JSON",
                "multipart": "CLERK__BODY_MULTIPART",
                "form": "CLERK__BODY_FORM"}[self.kind]

    @property
    def doc_kind(self):
        """What the doc comments call the body."""
        return {"json": "JSON", "multipart": "multipart",
                "form": "form-urlencoded"}[self.kind]

    @property
    def media_type(self):
        return {"json": "JSON", "multipart": "multipart/form-data",
                "form": "application/x-www-form-urlencoded"}[self.kind]

    @property
    def c_type(self):
        """The C type the body pointer points at."""
        return self.type.value_c_type

    @property
    def param_decl(self):
        t = self.c_type
        if t.endswith("*"):
            return "%sconst *body" % t
        return "const %s *body" % t

    @property
    def descriptor(self):
        return self.type.descriptor


class Pager:
    """The pager of a list operation (include/clerk/pager.h): where the
    limit/offset parameters, the items and the total count are.

    A list operation is a GET with integer `limit` and `offset` query
    parameters whose result is an array of models, or a model with exactly
    one such array member (and maybe an integer or number `total_count`).
    """

    def __init__(self, op, items_field=None, total_field=None):
        self.op = op
        self.desc = "%s_pages" % op.c_name
        self.func = op.func + "_pager"
        self.next_func = op.func + "_next"
        self.items_field = items_field
        self.total_field = total_field
        result = op.result
        array = items_field.type if items_field is not None else result
        self.item_type = array.elem.model.c_type

    @classmethod
    def find(cls, op):
        """The operation's Pager, or None when it is not a list operation."""
        kinds = {p.wire: p.kind for p in op.query}
        if op.method != "GET" or not (
                kinds.get("limit") == kinds.get("offset")
                and kinds.get("limit") in ("K_OPT_INT", "K_OPT_NUM")):
            return None
        t = op.result
        if t is None:
            return None
        if t.shape == "array":
            return cls(op) if t.elem.shape == "model" else None
        if t.shape != "model" or t.model.kind != "object":
            return None
        arrays = [f for f in t.model.fields
                  if f.type.shape == "array" and f.type.elem.shape == "model"]
        if len(arrays) != 1:
            return None
        totals = [f for f in t.model.fields if f.json_name == "total_count"
                  and f.kind in ("K_OPT_INT", "K_OPT_NUM")]
        return cls(op, arrays[0], totals[0] if totals else None)

    @property
    def limit_name(self):
        return next(p.name for p in self.op.query if p.wire == "limit")

    @property
    def offset_name(self):
        return next(p.name for p in self.op.query if p.wire == "offset")

    @property
    def fields(self):
        """(member, value) rows of the static clerk__pager_op_t."""
        op = self.op
        rows = [("op", "&" + op.op_desc),
                ("params_size", "sizeof(%s)" % op.params_type),
                ("limit_at", "offsetof(%s, %s)" % (op.params_type,
                                                   self.limit_name)),
                ("offset_at", "offsetof(%s, %s)" % (op.params_type,
                                                    self.offset_name))]
        if any(p.wire == "limit" and p.kind == "K_OPT_NUM" for p in op.query):
            rows.append(("params_num", "true"))
        if self.items_field is not None:
            model = op.result.model.c_type
            rows += [("items_in_model", "true"),
                     ("items_at", "offsetof(%s, %s)" % (
                         model, self.items_field.name))]
            if self.total_field is not None:
                kind = {"K_OPT_INT": "CLERK__PAGER_TOTAL_INT",
                        "K_OPT_NUM": "CLERK__PAGER_TOTAL_NUM"}[
                            self.total_field.kind]
                rows += [("total", kind),
                         ("total_at", "offsetof(%s, %s)" % (
                             model, self.total_field.name))]
        rows.append(("item_size", "sizeof(%s)" % self.item_type))
        return rows

    @property
    def args(self):
        return (["clerk_pager_t **out", "clerk_client_t *client"]
                + self.op.c_args + ["unsigned page_size"])

    @property
    def call(self):
        op = self.op
        return "clerk__pager_new(out, client, &%s, %s, %s, page_size)" % (
            self.desc, "path_args" if op.path_params else "NULL",
            "params" if op.query else "NULL")

    @property
    def total_doc(self):
        if self.total_field is not None:
            return ("The walk ends at the response's `%s` or at a short "
                    "page." % self.total_field.json_name)
        if self.op.paginated:
            return ("The walk ends at a short page, or at `total_count` "
                    "when the server sends it (paginated=true).")
        return "The walk ends at the first page shorter than page_size."

    @property
    def doc(self):
        op = self.op
        lines = ["Walk every page of %s(): make a pager; nothing is sent "
                 "yet." % op.func, ""]
        lines += docs.reflow(
            "Hand the items out with %s(); see clerk/pager.h for paging, "
            "ownership and errors. `%s %s` (operationId `%s`), limit/offset "
            "paging. %s" % (self.next_func, op.method, op.path,
                            op.operation_id, self.total_doc),
            COMMENT_WIDTH_TOP)
        lines += [""]
        lines += _wrap("@param[out] out Receives the pager; free it with "
                       "clerk_pager_free().  NULL on failure.")
        lines += _wrap("@param client  Client to send with; may be shared "
                       "between threads; must outlive the pager.")
        for p in op.path_params:
            lines += _wrap("@param %s %s Copied." % (p.name, p.doc))
        lines += _wrap("@param params  Query parameters (%s)%s; the "
                       "struct is copied, what it points at is borrowed "
                       "until clerk_pager_free(); `%s` is the first page's "
                       "offset, `%s` the page size when page_size is 0."
                       % (op.params_type, ", required: it has required "
                          "members" if op.query_required else ", or NULL",
                          self.offset_name, self.limit_name))
        lines += _wrap("@param page_size Items per request, 1 to "
                       "CLERK_PAGER_MAX_PAGE_SIZE (500); 0: params' %s, "
                       "else CLERK_PAGER_DEFAULT_PAGE_SIZE (100)."
                       % self.limit_name)
        lines += _wrap("@return CLERK_OK, CLERK_E_INVALID_ARG (out or "
                       "client NULL, page_size above 500, %s or %s out of "
                       "range; clerk_last_error() says which) or "
                       "CLERK_E_NOMEM." % (self.limit_name,
                                           self.offset_name))
        return lines

    @property
    def next_doc(self):
        op = self.op
        lines = ["The next item of a pager made by %s()." % self.func, ""]
        lines += docs.reflow(
            "Fetches the next page when the current one is used up (one "
            "page is held at a time).", COMMENT_WIDTH_TOP)
        lines += [""]
        lines += _wrap("@param pager   A pager made by %s()." % self.func)
        lines += _wrap("@return The next item, borrowed from the pager until "
                       "its next use or clerk_pager_free(); NULL when every "
                       "item has been handed out or a page failed: "
                       "clerk_pager_progress() tells which (and how far it "
                       "got), as does clerk_last_error(). Calling again "
                       "after a failure fetches the failed page again.")
        return lines


class ResultMember:
    """One member of a MultiResult: the body of some 2xx statuses."""

    def __init__(self, name, type_, statuses):
        self.name = name
        self.type = type_
        self.statuses = statuses  # [int], the statuses decoded into it

    @property
    def decl(self):
        t = self.type.value_c_type
        return declare(t + "*" if t.endswith("*") else t + " *", self.name)

    @property
    def doc_lines(self):
        return docs.reflow(
            "The body (%s) when status is %s; else NULL." % (
                self.type.describe,
                " or ".join(str(c) for c in self.statuses)),
            COMMENT_WIDTH_MEMBER)


class MultiResult:
    """The result of an operation whose 2xx responses have different
    bodies: a generated struct `clerk_<op>_result_t { long status; <one
    member per body type> }`, each status decoded by its own type.
    Stands where a Type does (Operation.result), shape "multi"."""

    shape = "multi"
    fallback = None

    def __init__(self, op, rows):
        self.op = op
        self.c_type = "clerk_%s_result_t" % op.c_name
        self.tag = "clerk_%s_result" % op.c_name
        self.table = "%s_results" % op.c_name
        members = Registry(["status"])
        self.members = []
        by_key = {}
        for status, t in rows:
            key = _type_key(t)
            if key in by_key:
                by_key[key].statuses.append(status)
                continue
            m = ResultMember(members.claim(_member_name(t, op)), t,
                             [status])
            by_key[key] = m
            self.members.append(m)
        self.rows = [(status, t, by_key[_type_key(t)]) for status, t in rows]

    @property
    def value_c_type(self):
        return self.c_type

    @property
    def describe(self):
        return self.c_type

    @property
    def statuses(self):
        return [status for status, _, _ in self.rows]

    @property
    def doc_lines(self):
        return docs.reflow(
            "Result of %s(): the 2xx status that came (%s) and its body, "
            "in the member for its type; the others are NULL." % (
                self.op.func, ", ".join(str(c) for c in self.statuses)),
            COMMENT_WIDTH_TOP)

    def models(self):
        out = []
        for m in self.members:
            out += m.type.models()
        return out

    def nested_arrays(self):
        out = []
        for m in self.members:
            out += m.type.nested_arrays()
        return out


def _member_name(t, op):
    """A MultiResult member's name: the body type's ("order",
    "order_array", "str_array", "json"); an inline body's without the
    operation's name ("result_200")."""
    if t.shape == "model":
        prefix = op.c_name + "_"
        name = t.model.name
        return name[len(prefix):] if name.startswith(prefix) else name
    if t.shape == "enum":
        return t.enum.name
    if t.shape == "array":
        return t.array.c_type[len("clerk_"):-len("_t")]
    return ident(t.shape)


class Operation:
    """One endpoint, everything the api templates need."""

    def __init__(self, path, method, op, module, c_name):
        self.path = path
        self.method = method.upper()
        self.operation_id = op.get("operationId", "")
        self.summary = op.get("summary", "")
        self.description = op.get("description", "")
        self.deprecated = bool(op.get("deprecated"))
        self.tags = op.get("tags") or []
        self.module = module
        self.c_name = c_name
        self.func = "clerk_" + c_name
        self.short = c_name
        self.detailed = self.func + "_detailed"
        self.async_func = self.func + "_async"
        self.async_fn = self.func + "_async_fn"
        self.deliver = "%s_deliver" % c_name
        self.params_type = "clerk_%s_params_t" % c_name
        self.params_tag = "clerk_%s_params" % c_name
        self.params_table = "%s_query" % c_name
        self.response_type = "clerk_%s_response_t" % c_name
        self.response_tag = "clerk_%s_response" % c_name
        self.response_free = "clerk_%s_response_free" % c_name
        self.result_free = "clerk_%s_result_free" % c_name
        self.op_desc = "%s_op" % c_name
        self.path_params = []
        self.query = []
        self.body = None
        self.result = None
        self.success_status = 200
        self.bodiless_statuses = []  # other 2xx that carry no body
        self.error_statuses = []  # [(code, description)]

    # -- derived, for templates -----------------------------------------------

    @property
    def has_result(self):
        return self.result is not None

    @property
    def multi(self):
        """The MultiResult when 2xx responses have different bodies, else
        None."""
        return self.result if isinstance(self.result, MultiResult) else None

    @property
    def paginated(self):
        """Takes a `paginated` query parameter and returns an array: with
        paginated=true the server wraps the array as
        `{"data": [...], "total_count": N}` although the spec types it bare,
        so the runtime accepts both shapes and the detailed response carries
        total_count."""
        return (self.result is not None and self.result.shape == "array"
                and any(p.wire == "paginated" for p in self.query))

    @property
    def pager(self):
        """The operation's Pager (a list operation), or None."""
        if not hasattr(self, "_pager"):
            self._pager = Pager.find(self)
        return self._pager

    @property
    def result_ptr(self):
        """`clerk_user_t *`: what the plain call returns."""
        t = self.result.value_c_type
        return t + "*" if t.endswith("*") else t + " *"

    @property
    def needs_result_free(self):
        """Results that are not a model or a model array get their own
        free function (the model ones use clerk_<m>_free/_array_free)."""
        t = self.result
        return t is not None and not (
            t.shape == "model" or (t.shape == "array"
                                   and t.elem.shape == "model"))

    @property
    def data_doc(self):
        """The doc comment of the detailed response's `data`."""
        if self.multi:
            return ("The result (status and body); NULL unless meta.status "
                    "is CLERK_OK.")
        return ("The %s body; NULL unless meta.status is CLERK_OK."
                % self.success_status)

    @property
    def result_free_body(self):
        """The statement of clerk_<op>_result_free()."""
        if self.multi:
            return "clerk__op_result_free(&%s, result);" % self.op_desc
        return "clerk__value_free(%s, result);" % self.result.descriptor

    @property
    def result_free_call(self):
        t = self.result
        if t.shape == "model":
            return "%s_free()" % t.model.tag
        if t.shape == "array" and t.elem.shape == "model":
            return "%s_array_free()" % t.elem.model.tag
        return self.result_free + "()"

    @property
    def c_args(self):
        """Argument declarations after `client`."""
        args = ["const char *%s" % p.name for p in self.path_params]
        if self.body is not None:
            args.append(self.body.param_decl)
        if self.query:
            args.append("const %s *params" % self.params_type)
        return args

    @property
    def call_args(self):
        return [p.name for p in self.path_params] + (
            ["body"] if self.body else []) + (
            ["params"] if self.query else [])

    @property
    def path_c(self):
        return c_string(self.path)

    @property
    def method_c(self):
        return c_string(self.method)

    @property
    def operation_id_c(self):
        return c_string(self.operation_id)

    @property
    def query_required(self):
        return any(p.required for p in self.query)

    @property
    def doc_title(self):
        title = docs.first_sentence(self.summary) or self.operation_id
        return title if title.endswith(".") else title + "."

    @property
    def doc_lines(self):
        """The doc block between the title and the @param lines."""
        lines = []
        summary = " ".join(docs.clean(self.summary).split())
        desc = self.description or ""
        first = docs.first_sentence(summary)
        rest = summary[len(first):].strip() if summary.startswith(first) \
            else ""
        if rest:  # the title is the summary's first sentence
            lines += docs.reflow(rest, COMMENT_WIDTH_TOP) + [""]
        if desc.strip() and docs.clean(desc) != summary:
            lines += docs.reflow(desc, COMMENT_WIDTH_TOP) + [""]
        lines += docs.reflow("`%s %s` (operationId `%s`)." % (
            self.method, self.path, self.operation_id), COMMENT_WIDTH_TOP)
        if self.multi:
            lines.append("")
            lines += docs.reflow(
                "The 2xx responses have different bodies: the result says "
                "which status came (%s) and holds its body in the member "
                "for its type." % ", ".join(
                    str(c) for c in self.multi.statuses), COMMENT_WIDTH_TOP)
        if self.bodiless_statuses:
            lines.append("")
            lines += docs.reflow(
                "A %s response (no body) succeeds without a result: data is "
                "NULL, and the plain call returns NULL as on failure (the "
                "_detailed call tells them apart: meta.status CLERK_OK, "
                "meta.http_status)."
                % " or ".join(str(c) for c in self.bodiless_statuses),
                COMMENT_WIDTH_TOP)
        if self.error_statuses:
            lines.append("")
            errs = "; ".join("%s %s" % (code, _short(d))
                             for code, d in self.error_statuses)
            lines += docs.reflow(
                "Error statuses (CLERK_E_HTTP, body parsed into "
                "meta.errors): %s." % errs, COMMENT_WIDTH_TOP)
        if self.deprecated:
            lines.append("")
            lines.append("@deprecated The spec marks this operation "
                         "deprecated.")
        return lines

    @property
    def result_doc(self):
        if self.result is None:
            return None
        t = self.result
        if self.multi:
            return ("The result (%s: the status and its body), owned by the "
                    "caller (free with %s)" % (t.describe,
                                                self.result_free_call))
        return "The %s body (%s), owned by the caller (free with %s)" % (
            self.success_status, t.describe, self.result_free_call)

    def models(self):
        out = []
        if self.body is not None:
            out += self.body.type.models()
        if self.result is not None:
            out += self.result.models()
        for p in self.query:
            out += p.type.models()
        return out

    # C text for the templates (the doc helpers are below the classes).

    @property
    def plain_doc(self):
        return _plain_doc(self)

    @property
    def detailed_doc(self):
        return _detailed_doc(self)

    @property
    def async_fn_doc(self):
        return _async_fn_doc(self)

    @property
    def async_doc(self):
        return _async_doc(self)

    @property
    def async_response(self):
        return _response_name(self)

    @property
    def attrs(self):
        return "CLERK_DEPRECATED " if self.deprecated else ""

    @property
    def plain_ret(self):
        return self.result_ptr if self.has_result else "clerk_status_t "

    @property
    def plain_args(self):
        return ["clerk_client_t *client"] + self.c_args

    @property
    def detailed_args(self):
        out = self.response_type if self.has_result else "clerk_response_t"
        return ["%s **out" % out, "clerk_client_t *client"] + self.c_args

    @property
    def async_args(self):
        return (["clerk_loop_t *loop", "clerk_client_t *client"] + self.c_args
                + ["%s cb" % self.async_fn, "void *payload"])

    def _runtime_args(self):
        """The descriptor and argument pointers every runtime entry takes."""
        return "&%s, %s, %s, %s" % (
            self.op_desc, "path_args" if self.path_params else "NULL",
            "params" if self.query else "NULL",
            "body" if self.body else "NULL")

    @property
    def plain_call(self):
        fn = "clerk__op_plain" if self.has_result else "clerk__op_status"
        return "%s(client, %s)" % (fn, self._runtime_args())

    @property
    def detailed_call(self):
        return "clerk__op_detailed((void **)out, client, %s)" % (
            self._runtime_args())

    @property
    def async_call(self):
        return ("clerk__op_async(loop, client, %s, %s, "
                "(clerk__async_cb_t)cb, payload)" % (
                    self._runtime_args(), self.deliver))


FORM = "application/x-www-form-urlencoded"

_SCALARS = ("string", "boolean", "integer", "number", "enum")
_FLAT_STYLES = {"deep": "deepObject", "form": "form, explode true",
                "csv": "form, explode false"}
_FLAT_ALLOWED = {
    "deep": "strings, numbers, booleans, enums, arrays of them and nested "
            "objects of the same",
    "form": "strings, numbers, booleans, enums and arrays of them",
    "csv": "strings, numbers, booleans and enums"}


def _flat_problems(model, mode, path="", seen=()):
    """Why the properties of `model` cannot be sent as query pairs or
    form fields in `mode` ("deep", "form", "csv"); [] when they can."""
    if model.name in seen:
        return ["%s: a recursive object cannot be sent this way"
                % (path.rstrip(".") or model.where)]
    out = []
    for f in model.fields:
        t = f.type
        where = path + f.json_name
        if t.shape in _SCALARS:
            continue
        if t.shape == "array" and t.elem.shape in _SCALARS and mode != "csv":
            continue
        if t.shape == "model" and t.model.kind == "object" and \
                mode == "deep":
            out += _flat_problems(t.model, mode, where + ".",
                                  seen + (model.name,))
            continue
        out.append("property %s (%s) cannot be sent this way (%s can)"
                   % (where, t.describe, _FLAT_ALLOWED[mode]))
    return out


def _type_key(t):
    """Identity of a Type, for "do these responses share one body"."""
    if t.shape == "model":
        return ("model", t.model.name)
    if t.shape == "enum":
        return ("enum", t.enum.name)
    if t.shape == "array":
        return ("array", _type_key(t.elem))
    if t.shape == "map":
        return ("map", t.map.c_type, _type_key(t.elem))
    return (t.shape,)


def _short(description):
    text = " ".join(docs.clean(description).split())
    text = text.rstrip(".")
    return "(%s)" % text if text else ""


# The names an operation `<op>` brings along (see Operation).
OP_FAMILY = ("", "_params", "_response", "_detailed", "_result_free",
             "_response_free", "_async", "_async_fn", "_pager", "_next")

# api/ files the generator writes besides the modules.
GENERATED_API_FILES = ("all", "version")


class Module:
    """One api/<tag>.{h,c} pair."""

    def __init__(self, name, tag, description):
        self.name = name
        self.file = name
        self.tag = tag
        self.description = description
        self.guard = "CLERK_API_%s_H" % name.upper()
        self.ops = []
        self.enums = []  # query-parameter enums, descriptors static

    @property
    def doc_lines(self):
        return docs.reflow(self.description, COMMENT_WIDTH_TOP)

    def models(self):
        seen, out = set(), []
        for op in self.ops:
            for m in op.models():
                if m.name not in seen:
                    seen.add(m.name)
                    out.append(m)
        return sorted(out, key=lambda m: m.file)

    def nested_arrays(self):
        out = []
        for op in self.ops:
            for t in [p.type for p in op.query] + (
                    [op.body.type] if op.body else []) + (
                    [op.result] if op.result else []):
                out += t.nested_arrays()
        return out

    @property
    def header_doc(self):
        return (["@file clerk/api/%s.h" % self.file,
                 "@brief Operations of the \"%s\" tag." % self.tag]
                + ([""] + self.doc_lines if self.doc_lines else []))

    @property
    def includes(self):
        return [m.file for m in self.models()] + (
            ["arrays"] if self.nested_arrays() else [])


class OperationBuilder:
    def __init__(self, spec, builder, names, diag):
        self.spec = spec
        self.b = builder
        self.names = names
        self.diag = diag
        comps = spec.get("components", {}) or {}
        self.parameters = comps.get("parameters", {}) or {}
        self.responses = comps.get("responses", {}) or {}
        self.request_bodies = comps.get("requestBodies", {}) or {}
        self.tag_docs = {t.get("name"): t.get("description", "")
                         for t in spec.get("tags", []) or []}
        self.modules = {}
        self.operations = []
        self.response_types = {}
        # (op, QueryParam, spec node) of object query parameters and
        # (op, spec node) of form bodies, checked by finish().
        self._object_params = []
        self._form_bodies = []
        self.multi_names = set()  # ops whose 2xx have different bodies

    def _deref(self, obj, section, prefix):
        hops = 0
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            name = ref[len(prefix):].replace("~1", "/").replace("~0", "~")
            if not ref.startswith(prefix) or name not in section:
                raise GeneratorError("$ref %s does not name an entry of %s"
                                     % (ref, prefix[2:-1]), node=obj)
            obj = section[name]
            hops += 1
            if hops > 64:
                raise GeneratorError("$ref cycle at " + ref, node=obj)
        return obj

    def build(self):
        raw = []
        for path, item in (self.spec.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            if "$ref" in item:
                self.diag.error(item, "a $ref path item is not supported")
                continue
            for method in METHODS:
                if method in item:
                    raw.append((path, method, item[method],
                                item.get("parameters", [])))
        # Names first, so inline models can't take them, claimed in the
        # order of (path, method): a `_2` suffix does not depend on where an
        # operation is in the document.  Everything else keeps spec order.
        stable = sorted(range(len(raw)),
                        key=lambda i: (raw[i][0], METHODS.index(raw[i][1])))
        c_names = {}
        for i in stable:
            path, method, op, _ = raw[i]
            tag = (op.get("tags") or ["default"])[0]
            base = operation_name(op.get("operationId", method + path), tag,
                                  op.get("x-speakeasy-group"),
                                  op.get("x-speakeasy-name-override"),
                                  path)
            # The function and every name made from it are free, or the
            # operation takes the next `_<n>` (a schema named like its
            # response type keeps its name).
            suffixes = OP_FAMILY
            if self._several_bodies(op):
                # clerk_<op>_result_t; its inline bodies are
                # <op>_result_<status>.
                suffixes += ("_result",)
            c_names[i] = c_name = self.names.claim_family(base, suffixes)
            if "_result" in suffixes:
                self.multi_names.add(c_name)
        for i, (path, method, op, _) in enumerate(raw):
            tag = (op.get("tags") or ["default"])[0]
            mname = snake(tag) or "default"
            if mname in GENERATED_API_FILES:
                mname += "_tag"  # api/all.h, api/version.h are taken
            module = self.modules.get(mname)
            if module is None:
                module = Module(mname, tag, self.tag_docs.get(tag, ""))
                self.modules[mname] = module
            opm = Operation(path, method, op, module, c_names[i])
            module.ops.append(opm)
            self.operations.append(opm)
        # Inline models (and enums) are named as operations are filled:
        # in the same stable order.
        for i in stable:
            self._fill(self.operations[i], raw[i][2], raw[i][3])
        return self.operations

    def _fill(self, opm, op, shared):
        params = {}
        for p in list(shared) + list(op.get("parameters") or []):
            try:
                p = self._deref(p, self.parameters,
                                "#/components/parameters/")
            except GeneratorError as e:
                self.diag.error(e.node or p, str(e))
                continue
            params[(p.get("name"), p.get("in"))] = p
        order = re.findall(r"{([^}]+)}", opm.path)
        members = Registry(["client", "out", "body", "params"])
        for wire in order:
            p = params.get((wire, "path"), {})
            opm.path_params.append(PathParam(
                wire, members.claim(ident(wire)), p.get("description", "")))
        qnames = Registry()
        for (wire, where), p in params.items():
            if where == "path":
                continue
            if where == "header" and str(wire).lower() in (
                    "accept", "content-type", "authorization"):
                continue  # OpenAPI: ignored; the client sets these
            try:
                opm.query.append(self._param(opm, wire, where, p, qnames))
            except GeneratorError as e:
                self.diag.error(e.node or p, str(e))
        rb = op.get("requestBody")
        if rb:
            try:
                self._body(opm, rb)
            except GeneratorError as e:
                self.diag.error(e.node or rb, str(e))
        try:
            self._responses(opm, op.get("responses") or {})
        except GeneratorError as e:
            self.diag.error(e.node or op, str(e))

    def _param(self, opm, wire, where, p, qnames):
        if where not in ("query", "header", "cookie"):
            raise GeneratorError("parameters in %r are not supported "
                                 "(path, query, header and cookie are)"
                                 % where, node=p)
        if where != "query" and not _TOKEN_RE.match(str(wire)):
            raise GeneratorError("%s parameter name %r is not an HTTP "
                                 "token" % (where, wire), node=p)
        if "content" in p and "schema" not in p:
            raise GeneratorError("parameter %s: `content` (a serialised "
                                 "value) is not supported, only `schema`"
                                 % wire, node=p)
        name = qnames.claim(ident(wire))
        t = self.b.type_of(p.get("schema") or {"type": "string"},
                           "%s_%s" % (opm.c_name, name.rstrip("_")),
                           opm.module, static=True,
                           where="%s parameter %s" % (opm.operation_id,
                                                      wire))
        default = {"query": "form", "cookie": "form", "header": "simple"}
        style = p.get("style", default[where])
        is_object = t.shape == "model" and t.model.kind == "object"
        deep = style == "deepObject" and where == "query" and is_object
        if style != default[where] and not deep:
            raise GeneratorError("%s parameter %s: style %s is not "
                                 "supported (%s is%s)" % (
                                     where, wire, style, default[where],
                                     ", and deepObject for objects"
                                     if where == "query" else ""),
                                 node=p)
        # Form style's default is explode true (OpenAPI 3).
        explode = p.get("explode", style == "form") is not False
        csv = t.shape in ("array", "model") and where == "query" and \
            not explode and not deep
        qp = QueryParam(wire, name, t, bool(p.get("required")),
                        p.get("description", ""),
                        bool(p.get("deprecated")), csv, location=where,
                        deep=deep)
        if qp.kind == "K_OBJ":
            self._object_params.append((opm, qp, p))
        return qp

    def _body(self, opm, rb):
        rb = self._deref(rb, self.request_bodies,
                         "#/components/requestBodies/")
        content = rb.get("content") or {}
        chosen = None
        for ctype in content:
            if is_json(ctype):
                chosen = (ctype, "json")
                break
        if chosen is None and "multipart/form-data" in content:
            chosen = ("multipart/form-data", "multipart")
        if chosen is None and FORM in content:
            chosen = (FORM, "form")
        if chosen is None:
            raise GeneratorError("request body of type %s is not supported "
                                 "(JSON, multipart/form-data and %s are)"
                                 % (", ".join(content) or "(none)", FORM),
                                 node=content or rb)
        media = content[chosen[0]] or {}
        schema = media.get("schema") or {}
        t = self.b.type_of(schema, opm.c_name + "_request", opm.module,
                           where="%s request body" % opm.operation_id)
        if chosen[1] == "form":
            if t.shape != "model" or t.model.kind != "object":
                raise GeneratorError("%s body: only an object is supported "
                                     "(its properties are the form's "
                                     "fields)" % FORM, node=media)
            for prop, enc in (media.get("encoding") or {}).items():
                enc = enc or {}
                if enc.get("style", "form") != "form" or \
                        enc.get("explode", True) is not True or \
                        enc.get("allowReserved") or "contentType" in enc:
                    self.diag.error(enc, "%s body: encoding of %s: only the "
                                    "default (style form, explode true, "
                                    "no contentType or allowReserved) is "
                                    "supported" % (FORM, prop))
            self._form_bodies.append((opm, media))
        opm.body = Body(chosen[1], t, bool(rb.get("required")),
                        rb.get("description", ""))

    def _several_bodies(self, op):
        """Whether the 2xx responses of `op` (a spec operation) give more
        than one JSON body schema, before types are resolved (names are
        claimed first).  The same $ref, or the same inline schema object,
        is one; two inline schemas are two (two models, however alike)."""
        seen = set()
        for code, resp in (op.get("responses") or {}).items():
            if not str(code).startswith("2"):
                continue
            try:
                resp = self._deref(resp, self.responses,
                                   "#/components/responses/")
            except GeneratorError:
                continue  # reported by _fill()
            for ctype, media in ((resp or {}).get("content") or {}).items():
                if is_json(ctype):
                    schema = (media or {}).get("schema")
                    if isinstance(schema, dict):
                        seen.add(("$ref", str(schema["$ref"]))
                                 if "$ref" in schema else id(schema))
                    break
        return len(seen) > 1

    def finish(self):
        """The checks that need every model built (SchemaBuilder.
        build_components() first): what object query parameters and form
        bodies hold."""
        for opm, qp, node in self._object_params:
            mode = "deep" if qp.deep else "csv" if qp.csv else "form"
            for why in _flat_problems(qp.type.model, mode):
                self.diag.error(node, "query parameter %s (%s): %s" % (
                    qp.wire, _FLAT_STYLES[mode], why))
        for opm, node in self._form_bodies:
            for why in _flat_problems(opm.body.type.model, "form"):
                self.diag.error(node, "%s body: %s" % (FORM, why))

    def _responses(self, opm, responses):
        """The 2xx responses: one result type (the JSON body they share),
        their statuses; 2xx without a body are `bodiless_statuses`.  With
        no 2xx at all, `default` is the response."""
        success, errors = [], []
        for code, resp in responses.items():
            code = str(code)
            name = None
            if isinstance(resp, dict) and "$ref" in resp:
                name = resp["$ref"].split("/")[-1]
            resp = self._deref(resp, self.responses,
                               "#/components/responses/")
            if code.startswith("2"):
                success.append((code, resp, name))
            elif code != "default":
                errors.append((code, resp.get("description", "")))
        if not success and "default" in responses:
            resp = responses["default"]
            name = resp["$ref"].split("/")[-1] \
                if isinstance(resp, dict) and "$ref" in resp else None
            success.append(("200", self._deref(
                resp, self.responses, "#/components/responses/"), name))
        opm.error_statuses = errors
        bodies = []  # (status, schema, response name)
        empty = []
        for code, resp, name in success:
            status = int(code) if code.isdigit() else 200
            content = resp.get("content") or {}
            schema = None
            for ctype, media in content.items():
                if is_json(ctype):
                    schema = (media or {}).get("schema")
                    break
            if schema is None:
                empty.append(status)
            else:
                bodies.append((status, schema, name))
        if not bodies:
            opm.success_status = empty[0] if empty else 200
            return
        opm.success_status = bodies[0][0]
        opm.bodiless_statuses = [c for c in empty if c != opm.success_status]
        multi = opm.c_name in self.multi_names
        types = [self._result(schema, name, opm,
                              "_result_%d" % status if multi else "_result")
                 for status, schema, name in bodies]
        if any(t is not types[0] and _type_key(t) != _type_key(types[0])
               for t in types[1:]):
            opm.result = MultiResult(opm, [(b[0], t)
                                           for b, t in zip(bodies, types)])
        else:
            opm.result = types[0]

    def _result(self, schema, response_name, opm, suffix="_result"):
        if response_name is None:
            t = self.b.type_of(schema, opm.c_name + suffix, opm.module,
                               where="%s response" % opm.operation_id)
        elif response_name in self.response_types:
            t = self.response_types[response_name]
        else:
            t = self.b.type_of(schema, snake(response_name) or "response",
                               opm.module, where="response " + response_name)
            self.response_types[response_name] = t
        if t.shape == "array" and t.elem.shape == "model":
            t.elem.model.array_result = True
        if t.shape == "array":
            t.array.used_as_result = True
        return t


# --------------------------------------------------------------------------
# Presentation helpers
# --------------------------------------------------------------------------

def _wrap(text, indent="        "):
    import textwrap
    return textwrap.wrap(text, COMMENT_WIDTH_TOP, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def _param_docs(op, copied=False):
    lines = _wrap("@param client  Client to send with; may be shared "
                  "between threads.")
    for p in op.path_params:
        lines += _wrap("@param %s %s" % (p.name, p.doc))
    lifetime = ("copied before this function returns" if copied
                else "borrowed for the call")
    if op.body is not None:
        req = "required" if op.body.required else "may be NULL"
        lines += _wrap("@param body    The %s request body (%s); %s; %s." % (
            op.body.doc_kind, op.body.type.describe, lifetime, req))
    if op.query:
        req = ("required: it has required members" if op.query_required
               else "NULL for none")
        lines += _wrap("@param params  Query parameters (%s); %s%s." % (
            op.params_type, req, "; " + lifetime if copied else ""))
    return lines


def _plain_doc(op):
    lines = [op.doc_title, ""] + op.doc_lines + [""] + _param_docs(op)
    if op.has_result:
        lines += _wrap("@return %s, or NULL on any failure; %s() says why."
                       % (op.result_doc, op.detailed))
    else:
        lines += _wrap("@return CLERK_OK on a %s response, else why the "
                       "call failed; %s() gives the details." % (
                           op.success_status, op.detailed))
    return lines


def _detailed_doc(op):
    free = (op.response_free + "()" if op.has_result
            else "clerk_response_free()")
    lines = ["%s() with the full response." % op.func, ""]
    lines += docs.reflow(
        "`%s %s` (operationId `%s`); see %s() for the details." % (
            op.method, op.path, op.operation_id, op.func),
        COMMENT_WIDTH_TOP)
    if op.deprecated:
        lines += ["", "@deprecated The spec marks this operation "
                  "deprecated."]
    lines += [""]
    lines += _wrap("@param[out] out Receives the response, even on failure "
                   "(NULL only when out of memory); free with %s." % free)
    lines += _param_docs(op)
    lines += _wrap("@return CLERK_OK, or why the call failed (also in "
                   "(*out)->%sstatus)." % ("meta." if op.has_result else ""))
    return lines


def _response_name(op):
    return op.response_type if op.has_result else "clerk_response_t"


def _async_fn_doc(op):
    free = (op.response_free + "()" if op.has_result
            else "clerk_response_free()")
    lines = ["Completion callback of %s()." % op.async_func, ""]
    lines += _wrap("@param response What %s() would have returned; never "
                   "NULL; owned by the callback (free with %s)." % (
                       op.detailed, free))
    lines += _wrap("@param payload  The payload given to %s()." %
                   op.async_func)
    return lines


def _async_doc(op):
    lines = ["%s() without blocking: runs on a loop, ends in a callback."
             % op.func, ""]
    lines += docs.reflow(
        "`%s %s` (operationId `%s`); see %s() for the details and "
        "clerk/async.h for loops and drivers." % (
            op.method, op.path, op.operation_id, op.func),
        COMMENT_WIDTH_TOP)
    if op.deprecated:
        lines += ["", "@deprecated The spec marks this operation "
                  "deprecated."]
    lines += [""]
    lines += _wrap("@param loop    Loop to run the call on; used by one "
                   "thread at a time.")
    lines += _param_docs(op, copied=True)
    lines += _wrap("@param cb      Called exactly once, from one of the "
                   "loop's drivers (never from inside this function), "
                   "with the response.")
    lines += _wrap("@param payload Passed to cb.")
    lines += _wrap("@return The call's id (for clerk_loop_cancel() and "
                   "clerk_loop_set_deadline()), or 0 when nothing was "
                   "started (loop, client or cb NULL, or out of memory): "
                   "cb then never runs.")
    return lines
