#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a manual page from a hand-written troff template (man/*.1.in) and
the program's own --help, so that the options listed are always the ones
the program takes (meson runs it at build time: man/meson.build).

    make-man.py TEMPLATE OUTPUT VERSION PROGRAM [--commands]

@VERSION@ becomes VERSION, @DATE@ the date of SOURCE_DATE_EPOCH (or of
the template's last change), and @OPTIONS@ the options of PROGRAM --help-all;
with --commands (fusionlab-cli), each command of PROGRAM's help in a
subsection with the options of PROGRAM COMMAND --help.
"""
import os
import re
import subprocess
import sys
import time

# "  -i, --images=DIR      Load the images" or "  --json   One JSON object"
OPTION = re.compile(r"^\s{2}((?:-\w, )?--[\w-]+)(?:=(\S+))?\s{2,}(.*)$")


def run(argv):
    # --help prints on stdout; fusionlab-cli without a command on stderr
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    # "S×S", "10–100 %": troff's own names for what is not ASCII
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    return text if not text.startswith((".", "'")) else "\\&" + text


def options(help_text):
    """The options of the "Application Options:" section, as .TP items."""
    out, inside = [], False
    for line in help_text.splitlines():
        if line.endswith("Options:"):
            inside = line.startswith("Application")
            continue
        match = OPTION.match(line) if inside else None
        if match is None:
            if inside and out and line.startswith(" " * 8) and line.strip():
                out[-1] += " " + roff(line.strip())
            continue
        names, arg, what = match.groups()
        head = ", ".join("\\fB%s\\fR" % roff(n) for n in names.split(", "))
        if arg:
            head += "=\\fI%s\\fR" % roff(arg)
        out.append(".TP\n%s\n%s" % (head, roff(what)))
    if not out:
        sys.exit("make-man.py: no options in:\n" + help_text)
    return "\n".join(out)


def commands(program):
    """Each command of the program's help: .SS, what it does, its options."""
    listed, inside = [], False
    for line in run([program]).splitlines():
        if line.startswith("Commands:"):
            inside = True
            continue
        if not inside or not line.strip():
            continue
        if not line.startswith("  "):
            break
        match = re.match(r"^  (\S+)\s{2,}(.*)$", line)
        if match:
            listed.append([match.group(1), match.group(2)])
        elif listed:
            listed[-1][1] += " " + line.strip()
    if not listed:
        sys.exit("make-man.py: no commands in the help of " + program)
    return "\n".join(".SS %s\n%s\n%s" % (roff(name), roff(what), options(run([program, name, "--help"])))
                     for name, what in listed)


def main():
    template, output, version, program = sys.argv[1:5]
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", os.path.getmtime(template)))
    with open(template, encoding="utf-8") as f:
        page = f.read()
    page = page.replace("@VERSION@", version)
    page = page.replace("@DATE@", time.strftime("%Y-%m-%d", time.gmtime(epoch)))
    if "--commands" in sys.argv[5:]:
        page = page.replace("@COMMANDS@", commands(program))
    else:
        page = page.replace("@OPTIONS@", options(run([program, "--help-all"])))
    with open(output, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
