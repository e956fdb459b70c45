"""What the generator could not do, said once, with where it is.

Every construct the generator refuses is recorded here with the JSON
pointer of the node in the document (``#/paths/~1pets/get/parameters/2``)
and generation goes on, so that one run reports all of them; ``load()``
raises one GeneratorError listing them at the end.  Every place where a
typed value falls back to a free-form ``cJSON *`` is recorded too: the
generated doc comment says why, and generate.py prints the list.
"""


class GeneratorError(Exception):
    """The document uses constructs this generator does not support.

    ``problems`` is a list of (pointer, message); str() lists them all."""

    def __init__(self, message, problems=None, node=None):
        super().__init__(message)
        self.problems = problems or []
        self.node = node  # the offending node, when the raiser knows it


def escape(token):
    """One JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


class Diagnostics:
    """JSON pointers of the document's nodes, errors and fallbacks."""

    def __init__(self, spec):
        self._ptr = {}
        self.errors = []      # [(pointer, message)], in discovery order
        self.fallbacks = []   # [(pointer, message)]
        self._index(spec, "#")

    def _index(self, node, ptr):
        # Iterative: a deep document must not hit Python's recursion limit.
        stack = [(node, ptr)]
        while stack:
            node, ptr = stack.pop()
            if isinstance(node, dict):
                if id(node) in self._ptr:
                    continue  # a YAML alias: keep the first place
                self._ptr[id(node)] = ptr
                for k, v in node.items():
                    stack.append((v, ptr + "/" + escape(k)))
            elif isinstance(node, list):
                if id(node) in self._ptr:
                    continue
                self._ptr[id(node)] = ptr
                for i, v in enumerate(node):
                    stack.append((v, "%s/%d" % (ptr, i)))

    def add_document(self, doc, base):
        """Index another document (a relative external $ref target);
        pointers into it start with `base` ("other.yml#")."""
        self._index(doc, base)

    def pointer(self, node, default="#"):
        """The JSON pointer of a node of the document (or `default`)."""
        return self._ptr.get(id(node), default)

    def alias(self, node, like):
        """Give a synthetic node the pointer of the node it stands for."""
        if id(node) not in self._ptr:
            self._ptr[id(node)] = self.pointer(like)

    def error(self, where, message):
        ptr = where if isinstance(where, str) else self.pointer(where)
        item = (ptr, message)
        if item not in self.errors:
            self.errors.append(item)

    def fallback(self, where, message):
        ptr = where if isinstance(where, str) else self.pointer(where)
        item = (ptr, message)
        if item not in self.fallbacks:
            self.fallbacks.append(item)

    def check(self):
        """Raise one GeneratorError listing every recorded error."""
        if self.errors:
            lines = ["%s: %s" % e for e in self.errors]
            raise GeneratorError(
                "%d unsupported construct%s:\n  %s" % (
                    len(lines), "" if len(lines) == 1 else "s",
                    "\n  ".join(lines)), list(self.errors))
