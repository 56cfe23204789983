# SPDX-License-Identifier: MIT
# Sourced by tools/run.sh and tools/test.sh: installs the Debian packages
# Fusion Lab needs to build and test, and only those that are missing.

FL_PACKAGES="build-essential pkg-config meson ninja-build libglib2.0-dev libjson-glib-dev
  libgtk-4-dev libopenblas-dev libstb-dev libcsv-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev
  xvfb xauth adwaita-icon-theme"
# Not installed here: python3-scipy, for tools/make-stats-fixture.py (run by
# hand; its output, tests/data/stats-fixture.json, is committed).

fl_install_deps () {
  local missing="" pkg sudo=""
  for pkg in $FL_PACKAGES "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing:$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
}
