#!/usr/bin/env bash
# Benchmark of `istioctl analyze --use-kube=false` on generated inputs: N resources (default
# 1k, 10k, 100k) of mixed Istio and Kubernetes kinds across many namespaces, 1000 per file.
# Prints, for each N: input size, parse-only time (ISTIOCTL_ANALYZE_PARSE_ONLY=1), analyze
# time, peak RSS; then the ratios the project targets:
#   analyze ÷ parse-only (≤ 1.3 at 100k), time(100k) ÷ time(10k) (≤ 11), peak RSS ÷ input bytes (≤ 4).
# It also prints the peak RSS of a run on an empty directory (the process alone: mostly the
# binary's own pages) and, per N, the RSS above that baseline ÷ input bytes, which shows the
# memory the input costs when the fixed part dominates (small N).
# Times are the best of RUNS runs (default 3): wall-clock, and CPU (user + system, all threads),
# which stays meaningful on a machine shared with other work; the ratios use CPU time (wall
# ratios are printed too). RSS is istioctl's peak RSS as GNU time (/usr/bin/time) reports it,
# from a separate run: a child forked from this Python process would count Python's own
# pages in its ru_maxrss. Without GNU time that ru_maxrss is used, an upper bound.
#
# Then the input shapes users feed it, each at every N (resources) and timed the same way:
# many files of 1000 documents, one big file, the same file on stdin, each with 0 %, 2 % and
# 20 % bad documents (in turn: no kind, not YAML, not a mapping); a List of N/2 items (0 % and
# 2 % without kind); one ConfigMap of N/10 000 MB (10 MB at 100k). For each: CPU seconds per
# MB of input, and that ÷ the many-files, no-errors run of the same N (target ≤ 1.5); then
# time(100k) ÷ time(10k) per shape (target ≤ 11). Inputs come from benches/inputs.py. These
# runs are interleaved with the baseline's and compared by medians (see shapes_table).
# SHAPES=0 skips this part, SIZES_TABLE=0 the first.
# Usage: benches/analyze.sh [N...]     (BIN=path/to/istioctl to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  BIN=target/release/istioctl
  cargo build --release --quiet --bin istioctl
fi
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$BIN" "$WORK" "${RUNS:-3}" "${SIZES[@]}" <<'PY'
import os, re, statistics, subprocess, sys, time

sys.path.insert(0, "benches")
import inputs

GNU_TIME = "/usr/bin/time"

bin_, work, runs, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(s) for s in sys.argv[4:]]

def generate(n):
    d = os.path.join(work, str(n))
    size, _ = inputs.many_files(d, n)
    return d, size

def measure(d, parse_only):
    env = dict(os.environ)
    env.pop("ISTIOCTL_ANALYZE_PARSE_ONLY", None)
    if parse_only:
        env["ISTIOCTL_ANALYZE_PARSE_ONLY"] = "1"
    best, best_cpu, rss = float("inf"), float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execve(bin_, [bin_, "analyze", "--use-kube=false", "-A", "-o", "json", d], env)
        _, status, usage = os.wait4(pid, 0)
        took = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 79):
            sys.exit(f"{bin_} exited {code} on {d}")
        best = min(best, took)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss * 1024)
    if os.access(GNU_TIME, os.X_OK):
        out = os.path.join(work, "rss")
        run = subprocess.run([GNU_TIME, "-f", "%M", "-o", out, bin_, "analyze", "--use-kube=false",
                              "-A", "-o", "json", d], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        if run.returncode not in (0, 79):
            sys.exit(f"{bin_} exited {run.returncode} on {d}")
        with open(out) as f:
            rss = int(f.read().split()[-1]) * 1024
    return best, best_cpu, rss

def sizes_table():
    rows = {}
    empty = os.path.join(work, "empty")
    os.makedirs(empty)
    _, _, baseline = measure(empty, False)
    print(f"peak RSS on an empty input (the process alone): {baseline / 1e6:.1f} MB")
    if not os.access(GNU_TIME, os.X_OK):
        print(f"note: {GNU_TIME} is missing; RSS includes this Python process's pages (an upper bound)")
    print(f"{'resources':>10} {'input MB':>9} {'parse cpu s':>12} {'analyze cpu s':>14} {'parse wall s':>13} {'analyze wall s':>15} {'RSS MB':>8} {'analyze/parse':>14} {'(wall)':>7} {'RSS/input':>10} {'(RSS-base)/input':>17}")
    for n in sizes:
        d, size = generate(n)
        parse, parse_cpu, _ = measure(d, True)
        full, full_cpu, rss = measure(d, False)
        rows[n] = (full_cpu, full)
        print(f"{n:>10} {size / 1e6:>9.1f} {parse_cpu:>12.3f} {full_cpu:>14.3f} {parse:>13.3f} {full:>15.3f} {rss / 1e6:>8.1f} {full_cpu / parse_cpu:>14.2f} {full / parse:>7.2f} {rss / size:>10.2f} {(rss - baseline) / size:>17.2f}")
        sys.stdout.flush()
        clear(d)
    if 10000 in rows and 100000 in rows:
        print(f"time(100k) / time(10k) = {rows[100000][0] / rows[10000][0]:.2f} CPU, {rows[100000][1] / rows[10000][1]:.2f} wall (target <= 11)")
    print("targets: analyze/parse <= 1.3 at 100k, RSS/input <= 4")


def clear(path):
    if os.path.isdir(path):
        for f in os.listdir(path):
            os.remove(os.path.join(path, f))
        os.rmdir(path)
    elif os.path.exists(path):
        os.remove(path)


def run_once(target, stdin):
    """The CPU time (user + sys, all threads) of one run of analyze on `target` (read from
    stdin when `stdin`); its stderr is left in WORK/stderr."""
    pid = os.fork()
    if pid == 0:
        if stdin:
            os.dup2(os.open(target, os.O_RDONLY), 0)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(os.path.join(work, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        os.execv(bin_, [bin_, "analyze", "--use-kube=false", "-A", "-o", "json", "-" if stdin else target])
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 79):
        sys.exit(f"{bin_} exited {code} on {target}")
    return usage.ru_utime + usage.ru_stime


def reported_errors():
    """The load errors the last run reported: those shown, plus those its summary counts."""
    with open(os.path.join(work, "stderr"), errors="replace") as f:
        err = f.read()
    shown = sum(err.count(m) for m in (": the resource has no kind", ": invalid YAML", ": the document is not an object"))
    more = re.search(r"and (\d+) more input errors?", err)
    return shown + (int(more.group(1)) if more else 0)


SHAPES = [(f"{layout}, {pct} % bad", layout, pct) for layout in ("many files", "one file", "stdin") for pct in (0, 2, 20)]
SHAPES += [("List of N/2, 0 % bad", "list", 0), ("List of N/2, 2 % bad", "list", 2), ("ConfigMap of N/10k MB", "configmap", 0)]


def make(name, layout, pct, n):
    """Writes shape `layout` for n resources; returns (path, bytes, bad documents)."""
    path = os.path.join(work, f"{name}-{n}".replace(" ", "_").replace(",", "").replace("/", "_"))
    if layout == "many files":
        size, bad = inputs.many_files(path, n, pct)
        return path, size, bad
    path += ".yaml"
    if layout in ("one file", "stdin"):
        size, bad = inputs.one_file(path, n, pct)
    elif layout == "list":
        size, bad = inputs.list_of(path, n // 2, pct)
    else:
        size, bad = inputs.config_map(path, n / 10000)
    return path, size, bad


def shapes_table():
    """Every input shape at every N, against the many-files, no-errors run of the same N.

    CPU times on a shared machine drift and jitter; so that neither shows in the ratios, the
    runs are interleaved: each of RUNS rounds runs, for every N, the baseline and the shape
    alternately (several times for short runs, about a second's worth), and the medians are
    compared."""
    print()
    print(f"{'shape':<24} {'resources':>10} {'input MB':>9} {'bad docs':>9} {'cpu s':>8} {'cpu s/MB':>9} {'÷ many files, 0 %':>18}")
    baselines = {n: make("baseline", "many files", 0, n) for n in sizes}
    reps = {n: max(1, min(15, round(1.0 / max(run_once(baselines[n][0], False), 1e-3)))) for n in sizes}
    times, worst, rows = {}, 0.0, []
    for name, layout, pct in SHAPES:
        made = {n: make(name, layout, pct, n) for n in sizes}
        samples = {n: ([], []) for n in sizes}
        for _ in range(runs):
            for n in sizes:
                for _ in range(reps[n]):
                    samples[n][0].append(run_once(baselines[n][0], False))
                    samples[n][1].append(run_once(made[n][0], layout == "stdin"))
        for n in sizes:
            path, size, bad = made[n]
            # The last run of all was this shape at the largest N.
            reported = reported_errors() if n == sizes[-1] else None
            base_cpu = statistics.median(samples[n][0])
            cpu = statistics.median(samples[n][1])
            per_mb = cpu / (size / 1e6)
            ratio = per_mb / (base_cpu / (baselines[n][1] / 1e6))
            worst = max(worst, ratio)
            times.setdefault(name, {})[n] = cpu
            note = "" if reported in (None, bad) else f"  (reported {reported} load errors, expected {bad})"
            rows.append((n, f"{name:<24} {n:>10} {size / 1e6:>9.2f} {bad:>9} {cpu:>8.3f} {per_mb:>9.3f} {ratio:>18.2f}{note}"))
            clear(path)
        print(f"  measured {name}", file=sys.stderr, flush=True)
    for n in sizes:
        for m, row in rows:
            if m == n:
                print(row)
    print(f"worst ratio to the many-files, no-errors run: {worst:.2f} (target <= 1.5)")
    if 10000 in sizes and 100000 in sizes:
        print("time(100k) / time(10k), CPU medians (target <= 11):")
        for name, t in times.items():
            print(f"  {name:<24} {t[100000] / t[10000]:>6.2f}")
    for path, _, _ in baselines.values():
        clear(path)


if os.environ.get("SIZES_TABLE", "1") != "0":
    sizes_table()
if os.environ.get("SHAPES", "1") != "0":
    shapes_table()
PY
