#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# meson install into a scratch DESTDIR gives a working app: the programs,
# the desktop file, the icon, the AppStream entry, the GSettings schema
# (which compiles), the manual pages (which list the options) and the
# translations (the zh_CN catalogue, merged into the desktop file and the
# AppStream entry too), and the installed fusionlab-cli and fusionlab run
# from there, fusionlab-cli in Chinese with the installed catalogue.
#   test-install.sh BUILDDIR PREFIX BINDIR DATADIR MANDIR   (absolute paths)
set -euo pipefail
# the programs in English whatever the user's locale (the Chinese check
# below sets LANGUAGE itself)
export LC_ALL=C.UTF-8 LANGUAGE=
build="$1" prefix="$2" bindir="$3" datadir="$4" mandir="$5"
dest=$(mktemp -d "${TMPDIR:-/tmp}/fusionlab-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT
failed=0
fail () { echo "not ok: $*"; failed=1; }
has () { [ -s "$dest$1" ] && echo "ok: $1" || fail "$1 is not installed"; }

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet

id=org.fusionlab.FusionLab
has "$bindir/fusionlab"
has "$bindir/fusionlab-cli"
has "$datadir/applications/$id.desktop"
has "$datadir/icons/hicolor/scalable/apps/$id.svg"
has "$datadir/metainfo/$id.metainfo.xml"
has "$datadir/glib-2.0/schemas/$id.gschema.xml"
has "$mandir/man1/fusionlab.1"
has "$mandir/man1/fusionlab-cli.1"
# meson's localedir is share/locale under the prefix, as datadir is share
has "$datadir/locale/zh_CN/LC_MESSAGES/fusionlab.mo"
# nothing outside the prefix
outside=$(cd "$dest" && find . -type f | sed 's|^\.||' | grep -v "^$prefix/" || true)
[ -z "$outside" ] || fail "installed outside $prefix: $outside"

# the schema compiles, and has the keys the app reads
schemas="$dest$datadir/glib-2.0/schemas"
glib-compile-schemas --strict "$schemas" || fail "the schema does not compile"
keys=$(GSETTINGS_SCHEMA_DIR="$schemas" gsettings list-keys $id 2>&1 || true)
for key in window-width window-maximized images-folder csv-file epochs learning-rate presenting; do
  grep -qx "$key" <<<"$keys" || fail "the schema has no key $key"
done

# the translations merged into what a desktop and a software centre show
grep -q '^Name\[zh_CN\]=' "$dest$datadir/applications/$id.desktop" ||
  fail "the installed desktop file has no Name[zh_CN]"
grep -q '<summary xml:lang="zh_CN">' "$dest$datadir/metainfo/$id.metainfo.xml" ||
  fail "the installed AppStream entry has no zh_CN summary"

# the pages list the options the programs take (they are made from them)
grep -q -- '\\-\\-images' "$dest$mandir/man1/fusionlab.1" || fail "fusionlab.1 lacks --images"
for cmd in train compare predict match search; do
  grep -q "^\.SS $cmd\$" "$dest$mandir/man1/fusionlab-cli.1" || fail "fusionlab-cli.1 lacks the command $cmd"
done
if command -v groff >/dev/null; then
  warnings=$(groff -man -ww -z "$dest$mandir/man1/fusionlab.1" "$dest$mandir/man1/fusionlab-cli.1" 2>&1 || true)
  [ -z "$warnings" ] || fail "groff warns: $warnings"
fi

# the installed programs run from the prefix
out=$("$dest$bindir/fusionlab-cli" --help 2>&1) || fail "fusionlab-cli --help failed: $out"
grep -q '^Commands:' <<<"$out" || fail "fusionlab-cli --help lists no commands"
out=$("$dest$bindir/fusionlab-cli" train --help 2>&1) || fail "fusionlab-cli train --help failed: $out"
grep -q -- '--fusion' <<<"$out" || fail "fusionlab-cli train --help lists no --fusion"
# in Chinese from the installed catalogue (FUSIONLAB_LOCALEDIR: the
# program looks in PREFIX, not in the DESTDIR); an UTF-8 lead byte of
# the CJK block, as tests/test-po.sh checks
out=$(LANGUAGE=zh_CN FUSIONLAB_LOCALEDIR="$dest$datadir/locale" "$dest$bindir/fusionlab-cli" 2>&1 || true)
LC_ALL=C grep -q $'[\xe4-\xe9][\x80-\xbf][\x80-\xbf]' <<<"$out" ||
  fail "LANGUAGE=zh_CN fusionlab-cli answered in English: $out"
out=$("$dest$bindir/fusionlab" --help 2>&1) || fail "fusionlab --help failed: $out"
grep -q -- '--images' <<<"$out" || fail "fusionlab --help lists no --images"

[ "$failed" -eq 0 ] && echo "installed in $dest$prefix: every file there"
exit "$failed"
