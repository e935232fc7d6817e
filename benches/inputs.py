#!/usr/bin/env python3
"""Generated analyze inputs, shared by benches/analyze.sh and the fuzz seed corpus.

Resources cycle through ten Istio and Kubernetes kinds, 50 per namespace. A share of the
documents can be made bad, in turn: without `kind`, not YAML (an unclosed flow mapping), not a
mapping (the resource written as a sequence item). Bad documents keep the size of good ones,
so that inputs of the same resource count weigh about the same.

As a program: `inputs.py seeds DIR` writes the fuzz seed corpus (large multi-document inputs
with bad documents) into DIR.
"""
import os
import sys

KINDS = ["Service", "Deployment", "VirtualService", "DestinationRule", "ConfigMap",
         "Gateway", "ServiceAccount", "Pod", "PeerAuthentication", "Sidecar"]

BAD = ("no-kind", "not-yaml", "not-mapping")


def resource(i):
    """The i-th resource's YAML text (ending with a newline)."""
    ns, app, kind = f"ns-{i // 50}", f"app-{i // 10}", KINDS[i % len(KINDS)]
    meta = (f"metadata:\n  name: {app}-{i}\n  namespace: {ns}\n  labels:\n    app: {app}\n"
            f"    version: v{i % 3}\n")
    if kind == "Service":
        return (f"apiVersion: v1\nkind: Service\n{meta}spec:\n  selector:\n    app: {app}\n"
                f"  ports:\n  - name: http-web\n    port: 8080\n    targetPort: 8080\n"
                f"  - name: {'grpc' if i % 7 else 'metrics'}\n    port: 9090\n")
    if kind == "Deployment":
        return (f"apiVersion: apps/v1\nkind: Deployment\n{meta}spec:\n  replicas: 2\n"
                f"  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n"
                f"      labels:\n        app: {app}\n        version: v{i % 3}\n    spec:\n"
                f"      containers:\n      - name: {app}\n        image: example.com/{app}:1.{i % 9}\n"
                f"        ports:\n        - containerPort: 8080\n        resources:\n"
                f"          requests: {{cpu: 100m, memory: 64Mi}}\n")
    if kind == "VirtualService":
        return (f"apiVersion: networking.istio.io/v1\nkind: VirtualService\n{meta}spec:\n"
                f"  hosts:\n  - {app}.{ns}.svc.cluster.local\n  gateways:\n  - mesh\n"
                f"  - {ns}/gw-{i // 100}\n  http:\n  - match:\n    - uri:\n"
                f"        prefix: /v{i % 3}\n    route:\n    - destination:\n        host: {app}\n"
                f"        subset: v{i % 3}\n      weight: 100\n    timeout: 5s\n")
    if kind == "DestinationRule":
        return (f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\n{meta}spec:\n"
                f"  host: {app}\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n"
                f"  subsets:\n  - name: v0\n    labels: {{version: v0}}\n  - name: v1\n"
                f"    labels: {{version: v1}}\n")
    if kind == "ConfigMap":
        return (f"apiVersion: v1\nkind: ConfigMap\n{meta}data:\n"
                f"  settings.json: '{{\"level\": \"info\", \"index\": {i}}}'\n  mode: production\n")
    if kind == "Gateway":
        return (f"apiVersion: networking.istio.io/v1\nkind: Gateway\n{meta}spec:\n  selector:\n"
                f"    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n"
                f"      name: http\n      protocol: HTTP\n    hosts:\n    - \"{app}.example.com\"\n")
    if kind == "ServiceAccount":
        return f"apiVersion: v1\nkind: ServiceAccount\n{meta}"
    if kind == "Pod":
        return (f"apiVersion: v1\nkind: Pod\n{meta}spec:\n  serviceAccountName: {app}\n"
                f"  containers:\n  - name: app\n    image: example.com/{app}:1.0\n"
                f"  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1\n")
    if kind == "PeerAuthentication":
        return (f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n{meta}spec:\n"
                f"  mtls:\n    mode: STRICT\n")
    return (f"apiVersion: networking.istio.io/v1\nkind: Sidecar\n{meta}spec:\n  egress:\n"
            f"  - hosts:\n    - \"./*\"\n    - \"istio-system/*\"\n")


def spoil(text, how):
    """`text` made bad in one of the BAD ways."""
    if how == "no-kind":
        return "".join(l for l in text.splitlines(True) if not l.startswith("kind: "))
    if how == "not-yaml":
        return text.replace("  labels:\n", "  labels: {app: [unclosed\n", 1)
    lines = text.splitlines(True)
    return "".join(["- " + lines[0]] + ["  " + l for l in lines[1:]])


def documents(n, bad_percent=0):
    """n documents: resources, every (100 / bad_percent)-th one spoilt (cycling through BAD).
    Yields (text, is_bad)."""
    every = round(100 / bad_percent) if bad_percent else 0
    spoilt = 0
    for i in range(n):
        text = resource(i)
        if every and i % every == every // 2:
            yield spoil(text, BAD[spoilt % len(BAD)]), True
            spoilt += 1
        else:
            yield text, False


def namespaces(n):
    """The Namespace documents for n resources."""
    for k in range((n + 49) // 50):
        yield f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{k}\n  labels:\n    istio-injection: enabled\n"


def stream(texts):
    """Documents joined into one YAML stream."""
    return "---\n".join(texts)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return len(text.encode())


def many_files(d, n, bad_percent=0, per_file=1000):
    """n resources in files of per_file documents, plus namespaces.yaml; returns (bytes, bad)."""
    os.makedirs(d, exist_ok=True)
    size, bad, part, docs = 0, 0, 0, []
    for text, is_bad in documents(n, bad_percent):
        docs.append(text)
        bad += is_bad
        if len(docs) == per_file:
            size += write(os.path.join(d, f"part-{part:05}.yaml"), stream(docs))
            part, docs = part + 1, []
    if docs:
        size += write(os.path.join(d, f"part-{part:05}.yaml"), stream(docs))
    size += write(os.path.join(d, "namespaces.yaml"), stream(namespaces(n)))
    return size, bad


def one_file(path, n, bad_percent=0):
    """The namespaces and n resources in one file; returns (bytes, bad)."""
    docs, bad = list(namespaces(n)), 0
    for text, is_bad in documents(n, bad_percent):
        docs.append(text)
        bad += is_bad
    return write(path, stream(docs)), bad


def config_map(path, megabytes):
    """One ConfigMap of about `megabytes` MB: many keys, each a block of text."""
    block = "".join(f"    line {k}: lorem ipsum dolor sit amet, consectetur adipiscing\n" for k in range(8))
    entry = len(block) + 20
    keys = int(megabytes * 1e6 / entry)
    parts = ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: large\n  namespace: default\ndata:\n"]
    parts.extend(f"  key-{k}.txt: |\n{block}" for k in range(keys))
    return write(path, "".join(parts)), 0


def list_of(path, n, bad_percent=0):
    """One `List` of n items, every (100 / bad_percent)-th one without kind (inside a List the
    other bad shapes would spoil the List itself); returns (bytes, bad)."""
    every = round(100 / bad_percent) if bad_percent else 0
    parts, bad = ["apiVersion: v1\nkind: List\nitems:\n"], 0
    for i in range(n):
        text = resource(i)
        if every and i % every == every // 2:
            text = spoil(text, "no-kind")
            bad += 1
        lines = text.splitlines(True)
        parts.append("- " + lines[0])
        parts.extend("  " + l for l in lines[1:])
    return write(path, "".join(parts)), bad


def seeds(d):
    """The fuzz seed corpus: multi-document inputs with bad documents, from 4 KiB to 1 MiB."""
    os.makedirs(d, exist_ok=True)
    written = []
    for n, pct in [(12, 20), (60, 2), (60, 20), (250, 20), (1000, 2), (3500, 2)]:
        name = os.path.join(d, f"stream-{n}-bad{pct}.yaml")
        one_file(name, n, pct)
        written.append(name)
    name = os.path.join(d, "list-300-bad2.yaml")
    list_of(name, 300, 2)
    written.append(name)
    name = os.path.join(d, "configmap-64k.yaml")
    config_map(name, 0.064)
    written.append(name)
    return written


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "seeds":
        for path in seeds(sys.argv[2]):
            print(path)
    else:
        sys.exit("usage: inputs.py seeds DIR")
