#!/usr/bin/env python3
"""Extract the first C code block of a README section into a .c file.

usage: readme_snippet.py [--fragment] README SECTION OUT

SECTION is a heading's text ("Using it"); the first ```c block after that
heading is written to OUT exactly as printed, so that the build compiles
what the README shows.  With --fragment the block is a piece of a function
body that uses a `client`: it is written, unchanged, into
`static int snippet(clerk_client_t *client)` (which returns 0 when the
block falls through) and a main() that makes the client from the
environment, calls it and returns its result.  Exit 1 when there is no
such block.
"""

import re
import sys

FRAGMENT_HEAD = """#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>

static int snippet(clerk_client_t *client)
{
"""

FRAGMENT_TAIL = """    return 0;
}

int main(void)
{
    clerk_client_t *client = NULL;
    int rc;

    if (clerk_client_new(&client, NULL) != CLERK_OK) {
        fprintf(stderr, "%s\\n", clerk_last_error()->message);
        return 1;
    }
    rc = snippet(client);
    clerk_client_free(client);
    return rc;
}
"""


def main(argv):
    args = argv[1:]
    fragment = bool(args) and args[0] == "--fragment"
    if fragment:
        args = args[1:]
    if len(args) != 3:
        sys.stderr.write(__doc__)
        return 2
    readme, section, out = args
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    head = re.search(r"^#+ +%s *$" % re.escape(section), text, re.M)
    if head is None:
        sys.stderr.write("readme_snippet: no heading %r in %s\n"
                         % (section, readme))
        return 1
    block = re.compile(r"^```c\n(.*?)^```$", re.M | re.S).search(
        text, head.end())
    if block is None:
        sys.stderr.write("readme_snippet: no ```c block after %r\n" % section)
        return 1
    code = block.group(1)
    if fragment:
        code = FRAGMENT_HEAD + code + FRAGMENT_TAIL
    data = "/* Extracted from %s, section \"%s\"; do not edit. */\n%s" % (
        readme.rsplit("/", 1)[-1], section, code)
    try:
        with open(out, encoding="utf-8") as f:
            if f.read() == data:
                return 0
    except OSError:
        pass
    with open(out, "w", encoding="utf-8") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
