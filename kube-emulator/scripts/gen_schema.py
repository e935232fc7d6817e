#!/usr/bin/env python3
"""Generates kube-emulator/src/schema/builtin.rs: the structure of every built-in kind of
Kubernetes 1.36 (JSON field names and types, from k8s-openapi's v1_36 module) joined with the
protobuf field numbers of the same types (from k8s-pb). Both crates are read from Cargo's
registry cache (run `cargo fetch` first). The output is data only; the emulator's generic
JSON and protobuf code walks it.

Usage: python3 kube-emulator/scripts/gen_schema.py > kube-emulator/src/schema/builtin.rs
"""
import glob
import os
import re
import sys

REG = os.path.expanduser("~/.cargo/registry/src")
OPENAPI = sorted(glob.glob(f"{REG}/*/k8s-openapi-0.29.*/src/v1_36"))[-1]
PB = sorted(glob.glob(f"{REG}/*/k8s-pb-0.9.*/src"))[-1]

# Types with their own JSON form (scalar-like in JSON, a small message in protobuf).
SPECIAL = {
    "crate::ByteString": "Bytes",
    "crate::apimachinery::pkg::util::intstr::IntOrString": "IntOrString",
    "crate::apimachinery::pkg::api::resource::Quantity": "Quantity",
    "crate::apimachinery::pkg::apis::meta::v1::Time": "Time",
    "crate::apimachinery::pkg::apis::meta::v1::MicroTime": "MicroTime",
    "crate::apimachinery::pkg::runtime::RawExtension": "Raw",
    "crate::apimachinery::pkg::apis::meta::v1::FieldsV1": "Raw",
    "crate::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSON": "Raw",
    "crate::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrArray": "Any",
    "crate::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrBool": "Any",
    "crate::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrStringArray": "Any",
    "serde_json::Value": "Any",
    "std::string::String": "String",
    "bool": "Bool",
    "i32": "Int32",
    "i64": "Int64",
    "f64": "Float64",
}

def norm(name):
    return name.replace("r#", "").rstrip("_").replace("_", "").lower()

# ---- k8s-openapi: JSON structure -------------------------------------------------------------
types = {}  # rust path (crate::a::b::Name) -> dict
for path in glob.glob(f"{OPENAPI}/**/*.rs", recursive=True):
    rel = os.path.relpath(path, OPENAPI)
    if os.path.basename(rel) == "mod.rs" or "/" not in rel:
        continue
    src = open(path).read()
    module = "crate::" + "::".join(rel.split("/")[:-1])
    m = re.search(r"^pub struct (\w+) \{\n(.*?)^\}", src, re.S | re.M)
    fields = []
    if m:
        name = m.group(1)
        for fm in re.finditer(r"^    pub (\w+): (.+),$", m.group(2), re.M):
            fields.append((fm.group(1), fm.group(2)))
    else:
        # A newtype over a JSON value: an object without declared fields.
        m = re.search(r"^pub struct (\w+)\(pub crate::serde_json::Value\);", src, re.M)
        if not m or f"{module}::{m.group(1)}" in SPECIAL:
            continue
        name = m.group(1)
    json_names = dict((r, j) for j, r in re.findall(r'"([^"]+)" => Field::Key_(\w+),', src))
    resource = "impl crate::Resource for" in src
    types[f"{module}::{name}"] = {
        "name": name, "module": module, "fields": fields, "json": json_names, "resource": resource,
    }

# ---- k8s-pb: protobuf field numbers ----------------------------------------------------------
pb = {}  # (module, normalized name) -> list of (rust field, kind, tag, target path or None)
for path in glob.glob(f"{PB}/**/mod.rs", recursive=True):
    rel = os.path.relpath(path, PB)
    module = "::".join(rel.split("/")[:-1])
    src = open(path).read()
    for sm in re.finditer(r"^pub struct (\w+) \{\n(.*?)^\}", src, re.S | re.M):
        fields = []
        for fm in re.finditer(r"#\[prost\(([^\]]*)\)\]\n(?:\s*///.*\n)*\s*pub ([\w#]+):\s*(.+?),\n", sm.group(2), re.S):
            attrs, fname, fty = fm.groups()
            tag = int(re.search(r'tag = "(\d+)"', attrs).group(1))
            kind = attrs.split(",")[0].split("=")[0].strip()
            fty = re.sub(r"\s+", "", fty)
            target = None
            if kind == "message" or "message" in attrs:
                tm = re.search(r"((?:super::)*)((?:\w+::)*)(\w+)>*$", fty.replace(">", "").rstrip())
                ups = tm.group(1).count("super::")
                parts = module.split("::")
                base = parts[: len(parts) - ups] if ups else parts
                sub = [p for p in tm.group(2).split("::") if p]
                target = ("::".join(base + sub), norm(tm.group(3)))
            fields.append((fname, kind, tag, target))
        pb[(module, norm(sm.group(1)))] = fields

# ---- join ------------------------------------------------------------------------------------
order = sorted(types)
index = {p: i for i, p in enumerate(order)}

def ty_expr(rty):
    rty = rty.strip()
    if rty.startswith("Option<") and rty.endswith(">"):
        return ty_expr(rty[7:-1])
    if rty.startswith("std::boxed::Box<") and rty.endswith(">"):
        return ty_expr(rty[len("std::boxed::Box<"):-1])
    for prefix, wrap in (("std::vec::Vec<", "List"), ("std::collections::BTreeMap<std::string::String, ", "Map")):
        if rty.startswith(prefix) and rty.endswith(">"):
            return f"Ty::{wrap}(&{ty_expr(rty[len(prefix):-1])})"
    if rty in SPECIAL:
        return f"Ty::{SPECIAL[rty]}"
    if rty in types:
        return f"Ty::Ref({index[rty]})"
    raise SystemExit(f"unknown type {rty}")

def pb_key(t):
    return (t["module"].replace("crate::", ""), norm(t["name"]))

out = []
w = out.append
w("// @generated by kube-emulator/scripts/gen_schema.py from k8s-openapi 0.29 (v1_36) and")
w("// k8s-pb 0.9: do not edit. The structure of Kubernetes 1.36's built-in types.")
w("")
w("use super::{Field, Ty, TypeDef};")
w("")
w("/// Every built-in type, by index (`Ty::Ref`).")
w("pub(crate) static TYPES: &[TypeDef] = &[")
missing_tags = 0
for p in order:
    t = types[p]
    pbf = pb.get(pb_key(t))
    by_norm = {}
    inline = {}
    if pbf:
        for fname, kind, tag, target in pbf:
            by_norm[norm(fname)] = tag
        # protobuf fields whose message is flattened into this type's JSON
        known = {norm(r) for r, _ in t["fields"]}
        def flatten(fields, path):
            for fname, kind, tag, target in fields:
                if norm(fname) in known:
                    if path:
                        inline.setdefault(norm(fname), (path, tag))
                elif target and target in pb:
                    flatten(pb[target], path + [tag])
        flatten(pbf, [])
    w(f"    // {p.replace('crate::', '')}")
    w(f"    TypeDef {{ name: {t['name']!r}, resource: {str(t['resource']).lower()}, proto: {str(pbf is not None).lower()}, fields: &[".replace("'", '"'))
    for rname, rty in t["fields"]:
        if rname not in t["json"]:
            raise SystemExit(f"no JSON name for {p}.{rname}")
    for rname, rty in sorted(t["fields"], key=lambda f: t["json"][f[0]]):
        json = t["json"][rname]
        required = not rty.startswith("Option<")
        n = norm(rname)
        tag, inl = 0, ""
        if n in by_norm:
            tag = by_norm[n]
        elif n in inline:
            path, tag = inline[n]
            inl = ", ".join(map(str, path))
        elif pbf is not None:
            missing_tags += 1
        w(f"        Field {{ json: \"{json}\", ty: {ty_expr(rty)}, required: {str(required).lower()}, tag: {tag}, inline: &[{inl}] }},")
    w("    ] },")
w("];")
w("")
w("/// The index of each resource type: (apiVersion, kind, index).")
w("pub(crate) static RESOURCES: &[(&str, &str, usize)] = &[")
for p in order:
    t = types[p]
    if not t["resource"]:
        continue
    src = open(os.path.join(OPENAPI, t["module"].replace("crate::", "").replace("::", "/"), re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", t["name"]).lower() + ".rs")).read() if False else None
    w(f"    (API_VERSION_{index[p]}, \"{t['name']}\", {index[p]}),")
w("];")
text = "\n".join(out) + "\n"
# Resolve apiVersions.
def api_version(p):
    t = types[p]
    for path in glob.glob(os.path.join(OPENAPI, t["module"].replace("crate::", "").replace("::", "/"), "*.rs")):
        src = open(path).read()
        if f"impl crate::Resource for {t['name']} {{" in src:
            return re.search(r'const API_VERSION: &\'static str = "([^"]+)"', src).group(1)
    raise SystemExit(f"no apiVersion for {p}")
for p in order:
    if types[p]["resource"]:
        text = text.replace(f"API_VERSION_{index[p]},", f"\"{api_version(p)}\",")
sys.stdout.write(text)
print(f"{len(order)} types, {missing_tags} fields without protobuf tags", file=sys.stderr)
