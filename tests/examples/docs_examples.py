#!/usr/bin/env python3
"""Compile every call example of the reference docs (docs/api/*.md).

usage: docs_examples.py DOCS_DIR WORK_DIR CC [CFLAG...]

Each tag page's examples (the ```c block after an "Example:" line) become
functions of one translation unit, which must compile warning-free with
the given compiler and flags (-fsyntax-only).  Exit 1 on the first page
that does not, with the compiler's messages.
"""

import os
import re
import subprocess
import sys

EXAMPLE_RE = re.compile(r"^Example:\n\n```c\n(.*?)^```$", re.M | re.S)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    docs, work, cc, flags = argv[1], argv[2], argv[3], argv[4:]
    os.makedirs(work, exist_ok=True)
    api = os.path.join(docs, "api")
    pages = sorted(n for n in os.listdir(api) if n.endswith(".md"))
    total = 0
    for page in pages:
        with open(os.path.join(api, page), encoding="utf-8") as f:
            text = f.read()
        examples = EXAMPLE_RE.findall(text)
        if not examples:
            sys.stderr.write("docs_examples: %s has no example\n" % page)
            return 1
        mod = page[:-3]
        src = ["#include <clerk.h>", "#include <clerk/api/%s.h>" % mod,
               "#include <stdio.h>", ""]
        for i, ex in enumerate(examples):
            src += ["void example_%d(clerk_client_t *client);" % i,
                    "void example_%d(clerk_client_t *client)" % i, "{"]
            src += ["    " + line if line else "" for line in
                    ex.rstrip("\n").split("\n")]
            src += ["}", ""]
        path = os.path.join(work, mod + ".c")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(src))
        r = subprocess.run([cc, "-fsyntax-only"] + flags + [path],
                           capture_output=True, text=True)
        if r.returncode != 0 or r.stderr:
            sys.stderr.write("docs_examples: %s:\n%s" % (page, r.stderr))
            return 1
        total += len(examples)
    print("docs_examples: %d examples of %d pages compile" % (total,
                                                            len(pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
