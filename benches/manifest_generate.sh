#!/usr/bin/env bash
# Benchmark: CPU time (user + system, of the process and its threads) of
# `istioctl manifest generate --set profile=P` for every profile, divided by the CPU time of
# `kubectl version --client` — a reference for "what starting a CLI costs here" — both
# measured in this run on this machine, runs interleaved. Wall times are printed too.
# Target: every ratio <= 0.15.
#
#   benches/manifest_generate.sh                  # N=20 runs of each
#   N=50 CHECK=1 benches/manifest_generate.sh     # exit 1 when a ratio misses the target
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}
TARGET=0.15
BIN=${BIN:-target/release/istioctl}
command -v kubectl >/dev/null || { echo "kubectl is required as the reference" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }
[ -x "$BIN" ] || cargo build --release --bin istioctl
PROFILES=$("$BIN" profile list | tail -n +2 | tr -d ' ')

BIN="$BIN" N="$N" TARGET="$TARGET" PROFILES="$PROFILES" CHECK="${CHECK:-0}" python3 - <<'EOF'
import os, resource, subprocess, sys, time

bin_, n, target = os.environ["BIN"], int(os.environ["N"]), float(os.environ["TARGET"])
profiles = os.environ["PROFILES"].split()

def run(cmd):
    """CPU seconds (user + system) and wall seconds of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall

kubectl = ["kubectl", "version", "--client"]
cmds = {p: [bin_, "manifest", "generate", "--set", f"profile={p}"] for p in profiles}
# Warm the page cache and the dynamic loader.
for c in [kubectl, *cmds.values()]:
    run(c)
cpu = {p: 0.0 for p in profiles}
wall = {p: 0.0 for p in profiles}
k_cpu = k_wall = 0.0
for _ in range(n):
    for p, c in cmds.items():
        a, b = run(c)
        cpu[p] += a
        wall[p] += b
    a, b = run(kubectl)
    k_cpu += a
    k_wall += b
print(f"kubectl version --client: {k_cpu / n * 1e3:.2f} ms CPU, {k_wall / n * 1e3:.2f} ms wall ({n} runs)")
print(f"{'profile':<18} {'CPU ms':>8} {'wall ms':>8} {'CPU ratio':>10} {'wall ratio':>11}")
worst = 0.0
for p in profiles:
    r = cpu[p] / k_cpu
    worst = max(worst, r)
    print(f"{p:<18} {cpu[p] / n * 1e3:>8.2f} {wall[p] / n * 1e3:>8.2f} {r:>10.3f} {wall[p] / k_wall:>11.3f}")
print(f"worst CPU ratio: {worst:.3f} (target <= {target})")
if os.environ.get("CHECK") == "1" and worst > target:
    sys.exit(1)
EOF
