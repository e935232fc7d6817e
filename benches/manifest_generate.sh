#!/usr/bin/env bash
# Benchmark: wall time of `istioctl manifest generate --set profile=demo` divided by the wall
# time of `kubectl version --client`, both measured in this run on this machine (a reference
# for "how long does starting a CLI take here"). Target: ratio <= 0.5.
#
#   benches/manifest_generate.sh            # N=30 runs of each, interleaved
#   N=100 CHECK=1 benches/manifest_generate.sh   # exit 1 when the ratio misses the target
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30}
TARGET=0.5
BIN=${BIN:-target/release/istioctl}
command -v kubectl >/dev/null || { echo "kubectl is required as the reference" >&2; exit 2; }
[ -x "$BIN" ] || cargo build --release --bin istioctl

now() { date +%s%N; }
ours=0
theirs=0
# Warm both (page cache, dynamic loader) before measuring.
"$BIN" manifest generate --set profile=demo >/dev/null
kubectl version --client >/dev/null
for ((i = 0; i < N; i++)); do
  t0=$(now); "$BIN" manifest generate --set profile=demo >/dev/null; t1=$(now)
  kubectl version --client >/dev/null; t2=$(now)
  ours=$((ours + t1 - t0))
  theirs=$((theirs + t2 - t1))
done
awk -v o="$ours" -v k="$theirs" -v n="$N" -v t="$TARGET" 'BEGIN {
  printf "istioctl manifest generate --set profile=demo: %.2f ms/run\n", o / n / 1e6
  printf "kubectl version --client:                      %.2f ms/run\n", k / n / 1e6
  printf "ratio: %.3f (target <= %.1f)\n", o / k, t
}'
if [ "${CHECK:-0}" = 1 ]; then
  awk -v o="$ours" -v k="$theirs" -v t="$TARGET" 'BEGIN { exit !(o / k <= t) }'
fi
