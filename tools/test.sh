#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds Fusion Lab twice (a normal build and one
# with AddressSanitizer + UndefinedBehaviorSanitizer), runs every test suite
# (UI tests under Xvfb) and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
fl_install_deps || { echo "could not install the build dependencies"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0

# count the results in one build's meson-logs/testlog.json
tally () {
  local log="$1/meson-logs/testlog.json" ok bad
  if [ ! -f "$log" ]; then failed=$((failed + 1)); return; fi
  ok=$(grep -c '"result": "OK"' "$log" || true)
  bad=$(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\|UNEXPECTEDPASS\)"' "$log" || true)
  passed=$((passed + ok))
  failed=$((failed + bad))
}

# build DIR SETUP-ARGS...: configure (once), compile with warnings as errors
build () {
  local dir="$1"; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "$@" || return 1
  fi
  meson compile -C "$dir"
}

xvfb="xvfb-run -a -s '-screen 0 1400x900x24'"

echo "== normal build =="
if build build; then
  rm -f build/meson-logs/testlog.json
  eval "$xvfb meson test -C build --print-errorlogs --num-processes 2"
  tally build
else
  echo "build failed"; failed=$((failed + 1))
fi

echo "== ASan/UBSan build =="
# float-cast-overflow is not part of -fsanitize=undefined in GCC: NaN or 1e20
# cast to an int is undefined too
if build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
     -Dc_args=-fsanitize=float-cast-overflow; then
  rm -f build-asan/meson-logs/testlog.json
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  eval "$xvfb meson test -C build-asan --no-suite slow --print-errorlogs --num-processes 2 --timeout-multiplier 4"
  tally build-asan
else
  echo "sanitizer build failed"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
