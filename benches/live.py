#!/usr/bin/env python3
"""Live-cluster benchmarks against the API emulator, printing ratios measured in one run.

1. `istioctl install --set profile=demo -y` / `kubectl apply --server-side -f <same manifest>`,
   each on a fresh emulator (target <= 0.5).
2. `istioctl analyze -A` of a cluster with 10 000 Pods, 5 000 Services and 12 000 ConfigMaps /
   `kubectl get pods,services,namespaces -A -o json` (target <= 1.5), and both peak RSS.

    benches/live.py              # release binaries (built when missing), N=3 rounds
    N=5 BIN=target/debug/istioctl EMU=target/debug/kube-emulator benches/live.py
    CHECK=1 benches/live.py      # exit 1 when a ratio misses its target

Everything listens on 127.0.0.1 only. kubectl is the reference and must be installed.
"""

import base64
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import http.client
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
N = int(os.environ.get("N", "3"))
BIN = os.environ.get("BIN", "target/release/istioctl")
EMU = os.environ.get("EMU", "target/release/kube-emulator")
PODS, SERVICES, CONFIGMAPS, NAMESPACES = 10_000, 5_000, 12_000, 100


def ensure_built():
    if shutil.which("kubectl") is None:
        sys.exit("kubectl is required as the reference")
    if not (os.path.exists(BIN) and os.path.exists(EMU)):
        subprocess.run(
            ["cargo", "build", "--release", "-p", "istioctl-rs", "-p", "kube-emulator", "--bins"],
            check=True,
        )


class Emulator:
    """A kube-emulator process with its kubeconfig."""

    def __init__(self, tmp):
        self.kubeconfig = os.path.join(tmp, f"kubeconfig-{time.monotonic_ns()}")
        self.proc = subprocess.Popen(
            [EMU, "--port", "0", "--kubeconfig-out", self.kubeconfig, "--ready-after", "0s"],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self.proc.stdout.readline().strip()
        while not os.path.exists(self.kubeconfig):
            time.sleep(0.01)
        with open(self.kubeconfig) as f:
            text = f.read()
        self.token = next(l.split(":", 1)[1].strip() for l in text.splitlines() if l.strip().startswith("token:"))
        ca = next(l.split(":", 1)[1].strip() for l in text.splitlines() if "certificate-authority-data" in l)
        self.ca = base64.b64decode(ca).decode()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def connection(self):
        ctx = ssl.create_default_context(cadata=self.ca)
        u = urlparse(self.url)
        return http.client.HTTPSConnection(u.hostname, u.port, context=ctx)

    def create_all(self, objects, threads=8):
        """POSTs objects (path, body) over keep-alive connections in parallel."""
        chunks = [objects[i::threads] for i in range(threads)]
        errors = []

        def work(chunk):
            conn = self.connection()
            for path, body in chunk:
                conn.request(
                    "POST",
                    path,
                    body=json.dumps(body),
                    headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
                )
                r = conn.getresponse()
                r.read()
                if r.status >= 300:
                    errors.append((path, r.status))

        ts = [threading.Thread(target=work, args=(c,)) for c in chunks]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            sys.exit(f"populating the emulator failed: {errors[:3]}")


def timed(cmd, stdin=None):
    """Wall time (s) and peak RSS (KiB) of a command; exits when it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0, 79):
        sys.exit(f"{' '.join(cmd)} failed: {err}")
    return elapsed, usage.ru_maxrss


def bench_install(tmp):
    manifest = os.path.join(tmp, "demo.yaml")
    with open(manifest, "w") as f:
        # istioctl creates the namespace itself; kubectl gets it as the first document.
        f.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n---\n")
        f.flush()
        subprocess.run([BIN, "manifest", "generate", "--set", "profile=demo"], stdout=f, check=True)
    ours, theirs = [], []
    for _ in range(N):
        emu = Emulator(tmp)
        ours.append(timed([BIN, "-c", emu.kubeconfig, "install", "--set", "profile=demo", "-y"])[0])
        emu.stop()
        emu = Emulator(tmp)
        theirs.append(
            timed(["kubectl", "--kubeconfig", emu.kubeconfig, "apply", "--server-side", "--force-conflicts", "-f", manifest])[0]
        )
        emu.stop()
    o, k = min(ours), min(theirs)
    print(f"istioctl install --set profile=demo -y:      {o * 1000:8.1f} ms (best of {N})")
    print(f"kubectl apply --server-side -f demo.yaml:    {k * 1000:8.1f} ms (best of {N})")
    print(f"install ratio: {o / k:.3f} (target <= 0.5)")
    return o / k <= 0.5


def bench_analyze(tmp):
    emu = Emulator(tmp)
    objects = []
    for n in range(NAMESPACES):
        objects.append(("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns-{n}"}}))
    emu.create_all(objects)
    objects = []
    for i in range(PODS):
        ns = f"ns-{i % NAMESPACES}"
        objects.append((f"/api/v1/namespaces/{ns}/pods", {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod-{i}", "namespace": ns, "labels": {"app": f"app-{i % SERVICES}"}},
            "spec": {"containers": [{"name": "app", "image": "app:1", "ports": [{"containerPort": 8080}]}]},
        }))
    for i in range(SERVICES):
        ns = f"ns-{i % NAMESPACES}"
        objects.append((f"/api/v1/namespaces/{ns}/services", {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"svc-{i}", "namespace": ns},
            "spec": {"selector": {"app": f"app-{i}"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
        }))
    for i in range(CONFIGMAPS):
        ns = f"ns-{i % NAMESPACES}"
        objects.append((f"/api/v1/namespaces/{ns}/configmaps", {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "namespace": ns},
            "data": {"key": "x" * 200},
        }))
    t0 = time.perf_counter()
    emu.create_all(objects)
    print(f"(populated {PODS} Pods, {SERVICES} Services, {CONFIGMAPS} ConfigMaps in {time.perf_counter() - t0:.1f} s)")
    ours, theirs = [], []
    for _ in range(N):
        ours.append(timed([BIN, "-c", emu.kubeconfig, "analyze", "-A", "--timeout", "300s"]))
        theirs.append(timed(["kubectl", "--kubeconfig", emu.kubeconfig, "get", "pods,services,namespaces", "-A", "-o", "json"]))
    emu.stop()
    o = min(t for t, _ in ours)
    k = min(t for t, _ in theirs)
    o_rss = max(r for _, r in ours)
    k_rss = max(r for _, r in theirs)
    print(f"istioctl analyze -A:                         {o * 1000:8.1f} ms, peak RSS {o_rss / 1024:.1f} MiB")
    print(f"kubectl get pods,services,namespaces -A:     {k * 1000:8.1f} ms, peak RSS {k_rss / 1024:.1f} MiB")
    print(f"analyze ratio: {o / k:.3f} (target <= 1.5)")
    return o / k <= 1.5


def main():
    ensure_built()
    with tempfile.TemporaryDirectory() as tmp:
        ok_install = bench_install(tmp)
        ok_analyze = bench_analyze(tmp)
    if os.environ.get("CHECK") == "1" and not (ok_install and ok_analyze):
        sys.exit(1)


if __name__ == "__main__":
    main()
