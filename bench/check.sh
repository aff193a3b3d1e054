#!/usr/bin/env bash
# Times `opsledger check` on generated ledgers (../shared/bench/gen_ledger.py).
# Usage: bench/check.sh [ENTRIES] [COMMITS]   (default 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-10000}
commits=${2:-50000}
gen=../shared/bench/gen_ledger.py
corpus=${BENCH_DIR:-/tmp/opsledger-bench}/c${entries}
if [ ! -d "$corpus" ]; then
  python3 "$gen" "$corpus" --entries "$entries" --commits "$commits" -q
fi
cargo build --release --quiet
bin=target/release/opsledger
"$bin" -C "$corpus" check > /dev/null || true
for i in 1 2 3 4 5; do
  /usr/bin/time -f "check: %e s, %M KB peak" "$bin" -C "$corpus" check > /dev/null || true
done
