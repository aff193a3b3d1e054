#!/usr/bin/env bash
# Times history mining against `git log` on a generated ledger, alternating the two so both
# see the same machine load. Usage: bench/history.sh [ENTRIES] [COMMITS] [ROUNDS]
# (default 1000 5000 3; the issue's big corpus is 10000 50000).
# Prints, per round: git log --name-status, opsledger cold (no cache), opsledger warm (cache
# at HEAD), opsledger after one new commit; each as seconds and peak KB.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000}
commits=${2:-5000}
rounds=${3:-3}
corpus=${BENCH_DIR:-/tmp/opsledger-bench}/c${entries}x${commits}
if [ ! -d "$corpus" ]; then
  python3 ../shared/bench/gen_ledger.py "$corpus" --entries "$entries" --commits "$commits" -q
fi
cargo build --release --quiet
bin=$PWD/target/release/opsledger
t() { /usr/bin/time -f "$1: %e s, %M KB peak" "${@:2}" > /dev/null; }
cd "$corpus"
for i in $(seq "$rounds"); do
  echo "round $i"
  t "  git log --name-status -M" git log --name-status -M --format=%H
  rm -rf .opsledger
  t "  opsledger history, cold " "$bin" -C . history
  t "  opsledger history, warm " "$bin" -C . history
  f=$(ls content/entries | sed -n 1p)
  sed -i "s/^resolution_notes: .*/resolution_notes: \"bench $(date +%s%N)\"/" "content/entries/$f"
  git -c user.name=bench -c user.email=bench@example.com commit -qam "bench: one commit ($i)"
  t "  after one new commit     " "$bin" -C . history
done
