"""The one naming function of the generator, and the C-name registry.

Every C identifier the generator emits is derived from a spec string through
``snake()`` (then ``ident()`` or ``upper_ident()``), so that snake-casing,
acronyms, C/C++ keywords and leading digits are handled in exactly one place.
``Registry`` hands out globally unique names with a stable suffix on
collision (first come, first served, in the stable order the builders
claim in: see models.declare_components and ops.OperationBuilder.build).
"""

import re

# Acronyms kept whole when they appear in camelCase, longest first where
# one is a prefix of another.  The plural forms matter: "URLs" must become
# "urls", not "ur_ls".
ACRONYMS = (
    "OAuth", "URLs", "URL", "URIs", "URI", "IDs", "ID", "M2M", "SMS", "SAML",
    "JWKS", "JWTs", "JWT", "APIs", "API", "TOTP", "MFA", "SCIM", "SSO",
    "HTML", "JSON", "HTTP", "OTP", "IdP", "IdPs",
)

# C11 and C++ keywords (every public header must compile as C++), plus
# identifiers that common platforms define as macros.
RESERVED = frozenset("""
    alignas alignof and and_eq asm atomic_cancel atomic_commit
    atomic_noexcept auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr
    constinit const_cast continue co_await co_return co_yield decltype
    default delete do double dynamic_cast else enum explicit export extern
    false float for friend goto if inline int long mutable namespace new
    noexcept not not_eq nullptr operator or or_eq private protected public
    reflexpr register reinterpret_cast requires restrict return short
    signed sizeof static static_assert static_cast struct switch template
    this thread_local throw true try typedef typeid typename union unsigned
    using virtual void volatile wchar_t while xor xor_eq
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local
    errno assert unix linux stdin stdout stderr NULL EOF offsetof
    interface
""".split())

_ACRONYM_RE = re.compile(
    # an acronym starts a word: not inside an uppercase run ("UUID")
    "(?<![A-Z])(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + ")"
    # an acronym ends where the next word starts: not in a lowercase run
    + "(?![a-z])")
_WORD_RE = re.compile(r"[A-Z]+(?![a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")


def words(text):
    """Split an identifier-ish spec string into lowercase words.

    >>> words("ListRedirectURLs")
    ['list', 'redirect', 'urls']
    """
    out = []
    for chunk in re.split(r"[^A-Za-z0-9]+", str(text)):
        if not chunk:
            continue
        # Mark acronyms as word boundaries, then split the camelCase rest.
        chunk = _ACRONYM_RE.sub(lambda m: "_" + m.group(1).lower() + "_",
                                chunk)
        for part in chunk.split("_"):
            if part:
                out.extend(w.lower() for w in _WORD_RE.findall(part))
    return out


def snake(text):
    """snake_case a spec name, keeping acronyms whole.

    "oauthApplications" -> "oauth_applications", "emailSMSTemplates" ->
    "email_sms_templates", "getJWKS" -> "get_jwks", "CommercePlan-2" ->
    "commerce_plan_2".  Returns "" when the text has no letter or digit.
    """
    return "_".join(words(text))


def ident(text, fallback="value"):
    """A C identifier (member, parameter) for a spec name.

    snake_cased; C/C++ keywords get a trailing underscore (``default_``);
    a leading digit gets a leading ``n`` (``n2fa``); an empty name becomes
    ``fallback``.
    """
    name = snake(text) or fallback
    if name[0].isdigit():
        name = "n" + name
    if name in RESERVED:
        name += "_"
    return name


def upper_ident(text, fallback="VALUE"):
    """The UPPER_CASE form for enum constants and macros."""
    name = snake(text)
    if not name:
        return fallback
    return name.upper()


# Names (without `clerk_` and `_t`) the hand-written runtime uses or
# reserves for its modules (include/clerk/*.h): a schema called "Client" must
# not become clerk_client_t, the opaque client handle.
RUNTIME_NAMES = frozenset("""
    bool_array client client_free client_new client_options curl_setup_fn
    double_array enum enum_array error errors file free global_init header
    header_option hook_fn hook_info hooks int64_array json_array json_error
    opt_bool opt_double opt_int64 opt_str presence response response_free
    response_header retry_policy status status_str str_array tls_options
    trace_id version_num version_str version json jwt jwks_cache webhook
    api model types common async multi paginate pagination rate_limit retry
    options str_map opt_str_map int64_map opt_int64_map bool_map opt_bool_map
    double_map opt_double_map enum_map
""".split())


# Base names of files the generator writes besides one per schema
# (model/all.h, model/arrays.h): a schema called "All" or "Arrays" must not
# overwrite them; and the arrays of the runtime's arrays (arrays.h), which
# a schema "StrArrayArray" would redefine.
GENERATED_NAMES = frozenset(["all", "arrays"] + [
    "%s_array_array" % t
    for t in ("str", "int64", "bool", "double", "enum", "json")])

# The names a model or enum base name `m` brings along: clerk_<m>_t and
# its functions, clerk_<m>_array_t (and its descriptor), the
# arrays-of-arrays clerk_<m>_array_array_t, the map clerk_<m>_map_t and
# the arrays of maps and maps of arrays.  A schema "Thing" beside a
# "ThingArray" (or "ThingMap") would otherwise share clerk_thing_array_t
# (clerk_thing_map_t).
MODEL_FAMILY = ("", "_array", "_array_array", "_map", "_map_array",
                "_array_map")


class Registry:
    """Allocates unique names within one namespace.

    ``claim(name)`` returns ``name`` the first time and ``name_2``,
    ``name_3``, ... afterwards; callers claim in an order that does not
    depend on the document's (schemas by name, operations by path and
    method), so reordering the document renames nothing.
    """

    def __init__(self, taken=()):
        self._taken = set(taken)

    def claim(self, name, alt=None):
        """Claim `name`; when taken, `alt` (if given and free), else the
        first free `name_<n>`, n >= 2."""
        if name in self._taken and alt and alt not in self._taken:
            self._taken.add(alt)
            return alt
        candidate = name
        n = 2
        while candidate in self._taken:
            candidate = "%s_%d" % (name, n)
            n += 1
        self._taken.add(candidate)
        return candidate

    def claim_family(self, name, suffixes, alt=None):
        """Claim `name` together with name + each suffix (suffixes include
        "" for the name itself): the first of `name`, `alt`, `name_2`,
        `name_3`, ... whose whole family is free.  Returns the name."""
        def free(candidate):
            return not any(candidate + s in self._taken for s in suffixes)

        candidate = name
        if not free(candidate) and alt and free(alt):
            candidate = alt
        n = 2
        while not free(candidate):
            candidate = "%s_%d" % (name, n)
            n += 1
        for suffix in suffixes:
            self._taken.add(candidate + suffix)
        return candidate

    def __contains__(self, name):
        return name in self._taken
