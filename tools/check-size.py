#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the size limits the code keeps (issue 10): no .c file under ui/
or engine/ longer than 700 lines, ui/fl-window.c at most 600, and no
function anywhere longer than 60 lines apart from the class_init functions.

   tools/check-size.py [DIR...]     (default: engine ui cli app bench tests fuzz)

Prints one line per breach and exits 1 if there is any. A function is
counted from the line that names it to its closing brace, as the code is
written here (GNU style: the name at the start of a line, the braces alone
in column 0)."""
import os
import re
import sys

FILE_LIMITS = {"ui/fl-window.c": 600}
# the folders whose .c files are held to FILE_LIMIT lines
LIMITED_DIRS = ("ui/", "engine/")
FILE_LIMIT = 700

FUNCTION_LIMIT = 60
NAME = re.compile(r"^([A-Za-z_]\w*)\s*\(")


def functions(lines):
    """(name, first line, length) of every function of a source file."""
    i = 0
    while i < len(lines):
        if lines[i] == "{":
            j = i - 1
            while j >= 0 and not NAME.match(lines[j]):
                j -= 1
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            if j >= 0:
                yield NAME.match(lines[j]).group(1), j + 1, k - j + 1
            i = k
        i += 1


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs = argv[1:] or ["engine", "ui", "cli", "app", "bench", "tests", "fuzz"]
    breaches = []
    for d in dirs:
        for dirpath, _, names in os.walk(os.path.join(root, d)):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    lines = f.read().split("\n")
                limited = rel.startswith(LIMITED_DIRS) and name.endswith(".c")
                limit = FILE_LIMITS.get(rel, FILE_LIMIT if limited else None)
                if limit is not None and len(lines) - 1 > limit:
                    breaches.append(f"{rel}: {len(lines) - 1} lines (at most {limit})")
                for fn, line, n in functions(lines):
                    if n > FUNCTION_LIMIT and not fn.endswith("class_init"):
                        breaches.append(f"{rel}:{line}: {fn} is {n} lines (at most {FUNCTION_LIMIT})")
    for b in breaches:
        print(b)
    print(f"{len(breaches)} breaches of the size limits")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
