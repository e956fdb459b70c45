#!/usr/bin/env python3
"""Extract the first C code block of a README section into a .c file.

usage: readme_snippet.py README SECTION OUT

SECTION is a heading's text ("Using it"); the first ```c block after that
heading is written to OUT exactly as printed, so that the build compiles
what the README shows.  Exit 1 when there is no such block.
"""

import re
import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    readme, section, out = argv[1:]
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
    data = "/* Extracted from %s, section \"%s\"; do not edit. */\n%s" % (
        readme.rsplit("/", 1)[-1], section, block.group(1))
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
