#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Real fuzzing with libFuzzer (fuzz/README.md):
#
#   tools/fuzz.sh TARGET SECONDS      TARGET: csv text image safetensors
#                                             model experiment paths image-cache
#                                             word-vectors
#
# Configures (once) build-fuzz with clang, the engine instrumented with
# -fsanitize=fuzzer-no-link,address,undefined and fuzz/fuzz-TARGET linked
# with libFuzzer, then fuzzes for SECONDS starting from fuzz/corpus/TARGET.
# New interesting inputs go to build-fuzz/new-corpus/TARGET (merge them into
# the corpus with the command printed at the end); crashes, leaks and
# timeouts are written to fuzz/findings/TARGET/ as crash-*, leak-*, timeout-*.
# The JSON readers get fuzz/json.dict.
# Prints the executions and the findings. BUILD_FUZZ=DIR changes the build
# folder.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="csv text image safetensors model experiment paths image-cache word-vectors"
if [ $# -ne 2 ] || ! [[ " $targets " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS   (TARGET: ${targets// /, })" >&2
  exit 2
fi
target="$1"
seconds="$2"
build="${BUILD_FUZZ:-build-fuzz}"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

if ! command -v clang > /dev/null; then
  echo "tools/fuzz.sh needs clang (apt-get install clang)" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dwerror=true -Db_sanitize=none \
    -Db_lundef=false -Dbuildtype=debugoptimized \
    -Dc_args="-fsanitize=fuzzer-no-link $sanitize -fno-omit-frame-pointer" \
    -Dc_link_args="$sanitize"
fi
meson compile -C "$build" "fuzz/fuzz-$target"

corpus="$build/new-corpus/$target"
findings="fuzz/findings/$target"
mkdir -p "$corpus" "$findings"
log="$build/fuzz-$target.log"
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
# -fork keeps fuzzing past a crash, so one run can report several findings;
# one job at a time (two cores, and other builds running)
dict=()
case "$target" in
  model|experiment|safetensors) dict=(-dict=fuzz/json.dict) ;;
esac
marker="$build/fuzz-$target.start"
touch "$marker"
status=0
"$build/fuzz/fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "${dict[@]}" \
  -artifact_prefix="$findings/" "$corpus" "fuzz/corpus/$target" > "$log" 2>&1 || status=$?

# the last status line: "#EXECS: cov: … oom/timeout/crash: O/T/C time: …"
last=$(grep -E '^#[0-9]+: cov' "$log" | tail -1 || true)
execs="${last%%:*}"
echo "fuzz-$target: $seconds s, exit $status, ${execs#\#} executions," \
  "$(grep -o 'oom/timeout/crash: [0-9/]*' <<< "$last" || echo 'no status line')"
echo "log: $log"
# the findings of this run; older ones stay in the folder until fixed
n=0
while IFS= read -r f; do
  n=$((n + 1))
  echo "finding: $f"
done < <(find "$findings" -type f -newer "$marker" | sort)
echo "$n new findings in $findings"
echo "to keep the new coverage: $build/fuzz/fuzz-$target -merge=1 fuzz/corpus/$target $corpus"
