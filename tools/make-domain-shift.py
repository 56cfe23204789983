#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two CSVs of the same classes in two artwork styles, for testing a model on
another domain (issue 18): the Adwaita icons (48x48, mostly single-colour
symbolic pictures) to train on, and the Tango icons (32x32, colourful and
shaded) to test on. Both are made by the same rules as
tools/make-icon-dataset.py — a sample per PNG, the text the words of its
freedesktop name, the label its context folder — over the contexts that
both themes have with at least --min-count icons (actions, categories,
devices, emotes, mimetypes, places, status), so their labels are the same
classes. Installs tango-icon-theme and adwaita-icon-theme when missing.

  tools/make-domain-shift.py [--out-dir data/shift]
  fusionlab-cli train --images /usr/share/icons/Adwaita/48x48 --csv data/shift/adwaita.csv --save m.model
  fusionlab-cli evaluate --model m.model --images /usr/share/icons/Tango/32x32 --csv data/shift/tango.csv
"""
import argparse
import csv
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
THEMES = [("adwaita", "/usr/share/icons/Adwaita/48x48"), ("tango", "/usr/share/icons/Tango/32x32")]


def icon_words():
    spec = importlib.util.spec_from_file_location("icons", os.path.join(HERE, "make-icon-dataset.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.words


def install():
    if all(os.path.isdir(root) for _, root in THEMES):
        return
    subprocess.run(["bash", "-c", ". '%s/deps.sh' && fl_install_deps adwaita-icon-theme tango-icon-theme" % HERE],
                   check=True)


def icons(root):
    """{context: [file, ...]} of a theme's size folder (symbolic links too:
    Tango names many icons by links to others)."""
    out = {}
    for context in sorted(os.listdir(root)):
        folder = os.path.join(root, context)
        if os.path.isdir(folder):
            out[context] = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default="data/shift")
    ap.add_argument("--min-count", type=int, default=10)
    args = ap.parse_args()

    install()
    words = icon_words()
    themes = [(name, root, icons(root)) for name, root in THEMES]
    shared = sorted(set.intersection(*(set(c for c, fs in found.items() if len(fs) >= args.min_count)
                                       for _, _, found in themes)))
    if len(shared) < 2:
        sys.exit("the themes share fewer than two contexts")
    os.makedirs(args.out_dir, exist_ok=True)
    for name, root, found in themes:
        path = os.path.join(args.out_dir, name + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["image", "text", "label"])
            n = 0
            for context in shared:
                for icon in found[context]:
                    w.writerow([context + "/" + icon, words(icon), context])
                    n += 1
        print("%s: %d icons of %s; image folder: %s" % (path, n, ", ".join(shared), root))


if __name__ == "__main__":
    main()
