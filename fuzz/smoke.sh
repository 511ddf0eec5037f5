#!/usr/bin/env bash
# Short fuzzing smoke run of every target (default 30 s each), seeded with the examples.
# Needs cargo-fuzz (installed here if missing). libFuzzer needs nightly compiler flags, which
# RUSTC_BOOTSTRAP=1 enables on the stable toolchain.
#   fuzz/smoke.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in load_org load_rules resolve; do
  mkdir -p "fuzz/corpus/$target" "fuzz/seeds/$target"
  echo "== fuzz $target for ${secs}s"
  cargo fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 >"fuzz/$target.log" 2>&1 || {
    echo "fuzz $target found a problem: see fuzz/$target.log and fuzz/artifacts/$target/"
    tail -n 40 "fuzz/$target.log"
    exit 1
  }
  grep -E '^Done [0-9]+ runs' "fuzz/$target.log" || tail -n 3 "fuzz/$target.log"
done
