"""Documentation text: spec prose -> lines safe inside a C comment."""

import html
import re
import textwrap

_TAG_RE = re.compile(r"<[^>]+>")
_BREAK_RE = re.compile(r"<\s*(br|/p|p|/li|li|ul|/ul|ol|/ol)\b[^>]*>", re.I)
_LIST_RE = re.compile(r"^\s*([-*+]|\d+[.)])\s+")


def clean(text):
    """Strip HTML, unescape entities, and make the text comment-safe."""
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\t", "    ")
    text = _BREAK_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    text = text.replace("\u00a0", " ")
    # Nothing may end or nest a comment, continue a line, or be a trigraph.
    text = text.replace("*/", "* /").replace("/*", "/ *")
    text = text.replace("??", "? ?")
    text = text.replace("\\\n", "\\ \n")
    return text.strip()


def paragraphs(text):
    """Split cleaned prose into paragraphs; list items are their own."""
    out = []
    for block in re.split(r"\n\s*\n", clean(text)):
        current = []
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            if _LIST_RE.match(line) and current:
                out.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            out.append(" ".join(current))
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return out


def reflow(text, width):
    """Reflow prose to `width` columns; returns a list of lines ("" between
    paragraphs).  List items keep their marker and get a hanging indent."""
    lines = []
    for para in paragraphs(text):
        if para == "":
            if lines and lines[-1] != "":
                lines.append("")
            continue
        m = _LIST_RE.match(para)
        indent = " " * len(m.group(0)) if m else ""
        wrapped = textwrap.wrap(
            para, width=width, subsequent_indent=indent,
            break_long_words=False, break_on_hyphens=False)
        lines.extend(wrapped or [""])
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def first_sentence(text):
    """The first sentence (or line) of some prose, for one-line summaries."""
    paras = [p for p in paragraphs(text) if p]
    if not paras:
        return ""
    first = paras[0]
    m = re.match(r"(.+?[.!?])(\s|$)", first)
    return m.group(1) if m else first
