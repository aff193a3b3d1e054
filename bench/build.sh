#!/usr/bin/env bash
# Times a whole `opsledger build` (check + history + every page + exports) against Hugo
# building the same content with enableGitInfo (../shared/bench/hugo_site.sh), alternating the
# two so both see the same machine load. Needs Debian's `hugo` package.
# Usage: bench/build.sh [ENTRIES] [COMMITS] [ROUNDS]   (default 1000 5000 3)
# Per round: Hugo (gitinfo), opsledger cold (no cache), opsledger after one new commit (cache
# warm), each as seconds and peak KB.
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
hugo_site=$PWD/../shared/bench/hugo_site.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t() { /usr/bin/time -f "$1: %e s, %M KB peak" "${@:2}" > /dev/null; }
for i in $(seq "$rounds"); do
  echo "round $i"
  t "  hugo, enableGitInfo=true  " "$hugo_site" "$corpus" "$out/hugo" true
  rm -rf "$corpus/.opsledger"
  t "  opsledger build, cold     " "$bin" -C "$corpus" build --out "$out/ops"
  f=$(ls "$corpus/content/entries" | sed -n 1p)
  sed -i "s/^resolution_notes: .*/resolution_notes: \"bench $(date +%s%N)\"/" "$corpus/content/entries/$f"
  git -C "$corpus" -c user.name=bench -c user.email=bench@example.com commit -qam "bench: one commit ($i)"
  t "  opsledger after 1 commit  " "$bin" -C "$corpus" build --out "$out/ops"
done
