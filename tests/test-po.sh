#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The translations are complete (issue 19). TAP; fails when
#   1. po/POTFILES is not the list of files with marked strings;
#   2. a string marked in the sources is missing from a catalogue of
#      po/LINGUAS, untranslated or fuzzy there (msgfmt --statistics of the
#      catalogue merged with a template made now);
#   3. a translation breaks its format (msgfmt --check: %s against %d);
#   4. a user-visible call has an unmarked English literal: gtk_label_new,
#      the status line and error dialog of ui/session,
#      *_with_label, tooltips, titles, menu items, placeholder texts,
#      g_set_error; a line may opt out with the comment "not translated";
#   5. the CLI run in Chinese (LANGUAGE=zh_CN) does not speak Chinese.
set -uo pipefail
src="${FUSIONLAB_SRCDIR:-$(dirname "$0")/..}"
cli="${FUSIONLAB_CLI:-}"
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0
ok () { n=$((n + 1)); echo "ok $n $*"; }
notok () { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n $*"; }

if ! command -v xgettext >/dev/null || ! command -v msgfmt >/dev/null; then
  echo "1..0 # SKIP gettext's tools are missing (tools/deps.sh installs gettext)"
  exit 77
fi

# 1
tools/update-po.sh --list > "$tmp/POTFILES"
if diff -u po/POTFILES "$tmp/POTFILES" > "$tmp/diff"; then
  ok "po/POTFILES lists the $(wc -l < po/POTFILES) files with marked strings"
else
  notok "po/POTFILES is out of date (run tools/update-po.sh):"; sed 's/^/# /' "$tmp/diff"
fi

# 2, 3
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_set_error:4:c-format --flag=g_printerr:1:c-format --flag=g_print:1:c-format \
  -f "$tmp/POTFILES" -o "$tmp/fusionlab.pot" 2> "$tmp/xgettext.err"
total=$(grep -c '^msgid ' "$tmp/fusionlab.pot" 2>/dev/null || echo 1)
total=$((total - 1))
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "po/$lang.po" "$tmp/fusionlab.pot"
  stats=$(msgfmt --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  if [ "$total" -gt 0 ] && ! grep -q "untranslated\|fuzzy" <<< "$stats"; then
    ok "po/$lang.po translates all $total strings of the sources ($stats)"
  else
    notok "po/$lang.po against the sources' $total strings: $stats"
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -20 | sed 's/^/# /'
  fi
  if msgfmt --check -o /dev/null "po/$lang.po" 2> "$tmp/check"; then
    ok "po/$lang.po passes msgfmt --check"
  else
    notok "po/$lang.po fails msgfmt --check:"; sed 's/^/# /' "$tmp/check" | head -20
  fi
done

# 4
pattern='(gtk_label_new|_new_with_label|_new_with_mnemonic|_set_tooltip_text|_set_tooltip_markup|_set_title|_set_placeholder_text|g_menu_append|g_menu_item_new|g_menu_insert|_set_heading|_set_body|_set_label|_set_status|_session_error)[[:space:]]*\(([^,"]*,[[:space:]]*)?"[A-Za-z]'
# (every .c file, in the subfolders too: ui/plot, ui/session)
unmarked=$(grep -rnE --include='*.c' "$pattern" ui app 2>/dev/null | grep -v "not translated")
# g_set_error and g_set_error_literal over several lines too (the message
# is usually on the next one); comments are blanked first, since a
# TRANSLATORS comment between the arguments quotes English
errors=$(find engine cli ui -name '*.c' | LC_ALL=C sort | xargs perl -e '
  undef $/;
  for my $f (@ARGV) {
    open my $fh, "<", $f or next; my $text = <$fh>; close $fh;
    (my $s = $text) =~ s{/\*.*?\*/}{"\n" x ($& =~ tr/\n//)}gse;
    while ($s =~ /g_set_error(?:_literal)?\s*\(([^;]*?),\s*"[A-Za-z]/g) {
      my $first = substr ($s, 0, $-[0]) =~ tr/\n//;
      my $last = substr ($s, 0, pos ($s)) =~ tr/\n//;
      my @lines = (split /\n/, $text)[$first .. $last];
      next if grep { /not translated/ } @lines;
      print "$f:", $first + 1, ": ", join (" ", map { s/^\s+//r } @lines), "\n";
    }
  }')
if [ -z "$unmarked$errors" ]; then
  ok "no user-visible call passes an unmarked English literal"
else
  notok "unmarked literals:"; printf '%s\n%s\n' "$unmarked" "$errors" | grep -v '^$' | head -40 | sed 's/^/# /'
fi

# 5
if [ -n "$cli" ]; then
  out=$(LANGUAGE=zh_CN LC_ALL= LANG= "$cli" train --images "$tmp/no-such-folder" --csv "$tmp/no.csv" 2>&1)
  if printf '%s' "$out" | LC_ALL=C grep -q $'[\xe4-\xe9][\x80-\xbf][\x80-\xbf]'; then
    ok "LANGUAGE=zh_CN fusionlab-cli speaks Chinese: $out"
  else
    notok "LANGUAGE=zh_CN fusionlab-cli answered in English: $out"
  fi
fi

echo "1..$n"
[ "$bad" -eq 0 ]
