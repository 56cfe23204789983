#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds Fusion Lab with ThreadSanitizer in build-tsan/ and runs the tests
# that need no display (the engine, the trainer, the session), printing how
# many races each one reported. GLib's own mutexes and thread pools are
# built on futexes that TSan does not see, so hand-overs through them (a
# GTask's thread, fontconfig's init thread started by Pango) show up as
# races that are not; the engine's own hand-overs use POSIX primitives so
# that TSan checks them for real.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f build-tsan/build.ninja ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug
meson compile -C build-tsan || exit 1
rm -f build-tsan/meson-logs/testlog.txt
OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=0" \
  meson test -C build-tsan --suite engine --suite headless --num-processes 1 --timeout-multiplier 6
python3 - <<'PY'
import re
log = open("build-tsan/meson-logs/testlog.txt", errors="replace").read()
for part in re.split(r"=+ \d+/\d+ =+", log)[1:]:
    name = re.search(r"test:\s+(.+)", part)
    if name:
        print(f"{name.group(1)}: {part.count('WARNING: ThreadSanitizer')} reports")
PY
