#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Brings the translations up to date with the sources:
#   tools/update-po.sh            writes po/POTFILES (every file with a
#                                 marked string), po/fusionlab.pot, and
#                                 merges it into every catalogue of LINGUAS
#   tools/update-po.sh --list     prints what po/POTFILES should be
# New strings then show as untranslated in po/LANG.po (msgfmt --statistics);
# tests/test-po.sh fails until they are translated.
set -euo pipefail
cd "$(dirname "$0")/.."

# the files with marked strings: _() N_() C_() NC_() g_dngettext() in C
# (every .c under app/ cli/ engine/ ui/, their subfolders too),
# translatable="yes" in the templates, the .in files merged at build time
potfiles () {
  {
    grep -rlE --include='*.c' '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext|g_dpgettext2)[[:space:]]*\(' \
      app cli engine ui 2>/dev/null || true
    grep -l 'translatable="yes"' resources/ui/*.ui resources/gtk/*.ui 2>/dev/null || true
    ls resources/*.desktop.in resources/*.metainfo.xml.in 2>/dev/null || true
  } | grep -v '^engine/fl-i18n\.[ch]$' | LC_ALL=C sort -u
}

if [ "${1:-}" = "--list" ]; then
  potfiles
  exit 0
fi

potfiles > po/POTFILES
xgettext --from-code=UTF-8 --add-comments=TRANSLATORS: --package-name="Fusion Lab" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_set_error:4:c-format --flag=g_printerr:1:c-format --flag=g_print:1:c-format \
  -f po/POTFILES -o po/fusionlab.pot
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --update --no-fuzzy-matching --backup=none "po/$lang.po" po/fusionlab.pot
  echo "po/$lang.po: $(msgfmt --check --statistics -o /dev/null "po/$lang.po" 2>&1)"
done
