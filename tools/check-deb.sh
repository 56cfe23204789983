#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package from a copy of this tree (the files git tracks
# or would track), checks it with lintian, installs it with apt-get, checks
# what it installed — fusionlab-cli runs, the manual pages, the desktop
# file, the icon, the AppStream entry, the compiled schema and the zh_CN
# catalogue are in /usr, fusionlab-cli speaks Chinese with LANGUAGE=zh_CN,
# fusionlab starts and draws its window under Xvfb, in English and in
# Chinese, and remembers the data it had loaded at its next start — and
# removes it again
# (unless it was installed before). Needs root (or sudo), the build
# dependencies (debian/control; tools/deps.sh installs them) and
# dpkg-dev, debhelper, lintian and fakeroot. Not part of tools/test.sh: it
# builds the whole project once more (see the README for how long).
#   tools/check-deb.sh [OUTDIR]   (the .deb is left in OUTDIR, a new
#                                  folder under /tmp unless told)
set -euo pipefail
# the programs in English whatever the user's locale (the Chinese checks
# set LANGUAGE themselves)
export LC_ALL=C.UTF-8 LANGUAGE=
cd "$(dirname "$0")/.."
src=$PWD
out=${1:-$(mktemp -d /tmp/fusionlab-deb-XXXXXX)}
version=$(dpkg-parsechangelog -S Version)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
step () { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
fail () { echo "check-deb: $*" >&2; exit 1; }

step "copy of the tree in $out/fusionlab-$version"
mkdir -p "$out/fusionlab-$version"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$out/fusionlab-$version"

step "dpkg-source -b (the source package, for lintian)"
(cd "$out" && dpkg-source -Zgzip -b "fusionlab-$version") > "$out/source.log" 2>&1 || { cat "$out/source.log"; fail "dpkg-source failed"; }

step "dpkg-buildpackage -us -uc -b"
start=$(date +%s)
(cd "$out/fusionlab-$version" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
   dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; fail "the build failed: $out/build.log"; }
echo "built in $(( $(date +%s) - start )) s: $(ls "$out"/*.deb)"

step "lintian"
deb=$(ls "$out"/fusionlab_"$version"_*.deb)
lintian --info --display-info "$out"/fusionlab_"$version"_*.changes "$out/fusionlab_$version.dsc" | tee "$out/lintian.log" || true
grep -q '^E:' "$out/lintian.log" && fail "lintian found errors"
echo "lintian: $(grep -c '^E:' "$out/lintian.log" || true) errors, $(grep -c '^W:' "$out/lintian.log" || true) warnings"

step "the translations in the package"
# the listing first: grep -q stops reading at the first match, and the
# writer of a pipe it left would die of SIGPIPE (a failure under pipefail)
listing=$(dpkg-deb -c "$deb")
grep -q ' \./usr/share/locale/zh_CN/LC_MESSAGES/fusionlab\.mo$' <<<"$listing" ||
  fail "no usr/share/locale/zh_CN/LC_MESSAGES/fusionlab.mo in $deb"
echo "ok: $(grep -c '/LC_MESSAGES/fusionlab\.mo$' <<<"$listing") catalogue(s) in the package"

step "apt-get install $deb"
installed_before=$(dpkg-query -W -f='${Status}' fusionlab 2>/dev/null | grep -c "install ok installed" || true)
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$deb"
remove () { [ "$installed_before" -eq 0 ] && DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -q fusionlab; }
trap remove EXIT

step "what it installed"
id=org.fusionlab.FusionLab
[ "$(command -v fusionlab-cli)" = /usr/bin/fusionlab-cli ] || fail "no /usr/bin/fusionlab-cli"
grep -q '^Commands:' <<<"$(fusionlab-cli --help)" || fail "fusionlab-cli --help"
grep -q -- '--images' <<<"$(fusionlab --help)" || fail "fusionlab --help"
man -w fusionlab && man -w fusionlab-cli || fail "no manual page"
for f in /usr/share/applications/$id.desktop /usr/share/icons/hicolor/scalable/apps/$id.svg \
         /usr/share/metainfo/$id.metainfo.xml /usr/share/glib-2.0/schemas/$id.gschema.xml; do
  [ -s "$f" ] && echo "ok: $f" || fail "no $f"
done
desktop-file-validate /usr/share/applications/$id.desktop
grep -q '^Name\[zh_CN\]=' /usr/share/applications/$id.desktop || fail "the desktop file has no Name[zh_CN]"
# in Chinese: an UTF-8 lead byte of the CJK block, as tests/test-po.sh checks
zh=$(LANGUAGE=zh_CN fusionlab-cli 2>&1 || true)
LC_ALL=C grep -q $'[\xe4-\xe9][\x80-\xbf][\x80-\xbf]' <<<"$zh" || fail "LANGUAGE=zh_CN fusionlab-cli answered in English: $zh"
echo "ok: LANGUAGE=zh_CN fusionlab-cli: $(head -1 <<<"$zh")"
# compiled by GLib's dpkg trigger into /usr/share/glib-2.0/schemas/gschemas.compiled
gsettings get $id window-width || fail "the schema is not compiled"

step "xvfb-run fusionlab --screenshot"
shot="$out/installed.png"
xvfb-run -a -s '-screen 0 1400x900x24' env GSETTINGS_BACKEND=memory fusionlab \
  --images "$src/resources/demo/images" --csv "$src/resources/demo/texts.csv" --screenshot "$shot"
[ -s "$shot" ] || fail "no screenshot"
echo "ok: $shot ($(stat -c %s "$shot") bytes)"

step "LANGUAGE=zh_CN xvfb-run fusionlab --screenshot"
# the same start in Chinese, from the installed catalogue (look at the PNG:
# a CJK font comes with the package's Recommends, fonts-noto-cjk)
shot_zh="$out/installed-zh_CN.png"
LANGUAGE=zh_CN xvfb-run -a -s '-screen 0 1400x900x24' env GSETTINGS_BACKEND=memory fusionlab \
  --images "$src/resources/demo/images" --csv "$src/resources/demo/texts.csv" --screenshot "$shot_zh"
[ -s "$shot_zh" ] || fail "no screenshot in Chinese"
echo "ok: $shot_zh ($(stat -c %s "$shot_zh") bytes)"

step "fusionlab remembers its folders after a restart"
# app.quit over D-Bus, as the menu's Quit: a session bus of its own; the
# settings in a keyfile under a scratch XDG_CONFIG_HOME, not the user's
if command -v dbus-run-session >/dev/null; then
  cfg=$(mktemp -d "$out/config-XXXXXX")
  XDG_CONFIG_HOME=$cfg GSETTINGS_BACKEND=keyfile G_MESSAGES_DEBUG=fl-settings \
    xvfb-run -a -s '-screen 0 1400x900x24' dbus-run-session -- bash -c '
      quit () { sleep 8; gapplication action org.fusionlab.FusionLab quit; wait; }
      fusionlab --images "$1/resources/demo/images" --csv "$1/resources/demo/texts.csv" --image-size 32 &
      quit
      fusionlab &
      quit' _ "$src" > "$out/remember.log" 2>&1 || true
  remembered=$(XDG_CONFIG_HOME=$cfg GSETTINGS_BACKEND=keyfile gsettings get $id images-folder)
  [ "$remembered" = "'$src/resources/demo/images'" ] || fail "the folder was not remembered: $remembered"
  grep -q "loading the data remembered: $src/resources/demo/images" "$out/remember.log" ||
    fail "the second start did not load the folder remembered: $out/remember.log"
  echo "ok: remembered $remembered and loaded it at the next start"
else
  echo "skipped: no dbus-run-session (package dbus) to quit the app with"
fi

step "apt-get remove fusionlab"
trap - EXIT
remove || true
echo "check-deb: the package builds, passes lintian without errors, installs, runs and is removed ($out)"
