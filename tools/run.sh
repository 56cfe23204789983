#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds Fusion Lab, and starts it with the bundled
# demo dataset loaded, so that pressing Train works at once. Extra arguments
# go to the app (fusionlab --help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps

if [ ! -f build/build.ninja ]; then
  meson setup build
fi
meson compile -C build

exec build/app/fusionlab --images resources/demo/images --csv resources/demo/texts.csv "$@"
