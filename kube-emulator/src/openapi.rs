//! A minimal OpenAPI v3 surface. kubectl (`apply`, `create -f` with the default
//! `--validate=strict`) downloads `/openapi/v3` and, per group-version, looks for the PATCH
//! operation of each kind to learn whether the server supports the `fieldValidation` parameter.
//! When it does, kubectl leaves validation to the server and needs no schemas, so every
//! document here lists just those PATCH operations, and no schemas. For a kind whose
//! group-version it does not find (a custom resource applied with its CRD), kubectl validates on
//! the client with the OpenAPI v2 schemas, which it downloads as protobuf and skips kinds they
//! lack: an empty v2 document (an empty protobuf message) lets those through.

use std::hash::{DefaultHasher, Hash, Hasher};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Response;
use serde_json::{json, Map, Value};

use crate::state::{json_response, Body};

use crate::resources::ResourceInfo;

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn param(name: &str, kind: &str) -> Value {
    json!({ "name": name, "in": "query", "schema": { "type": kind, "uniqueItems": true } })
}

/// The document of one group-version (`api/v1`, `apis/apps/v1`), if served.
pub(crate) fn group_version_doc(all: &[ResourceInfo], path: &str) -> Option<Value> {
    let mut paths = Map::new();
    for r in all.iter().filter(|r| gv_path(&r.group, &r.version) == path) {
        let scope = if r.namespaced {
            "namespaces/{namespace}/"
        } else {
            ""
        };
        let op = json!({
            "operationId": format!("patch{}", r.kind),
            "parameters": [
                param("dryRun", "string"),
                param("fieldManager", "string"),
                param("fieldValidation", "string"),
                param("force", "boolean"),
            ],
            "responses": { "200": { "description": "OK" } },
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": { "group": r.group, "version": r.version, "kind": r.kind },
        });
        paths.insert(
            format!("/{path}/{scope}{}/{{name}}", r.plural),
            json!({ "patch": op }),
        );
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": crate::discovery::GIT_VERSION },
        "paths": paths,
        "components": { "schemas": {} },
    }))
}

/// `/openapi/v3`: every group-version with a content hash in its URL (clients cache by it).
pub(crate) fn root(all: &[ResourceInfo]) -> Value {
    let mut paths = Map::new();
    for r in all {
        let path = gv_path(&r.group, &r.version);
        if paths.contains_key(&path) {
            continue;
        }
        let doc = group_version_doc(all, &path).unwrap_or(Value::Null);
        let mut hasher = DefaultHasher::new();
        doc.to_string().hash(&mut hasher);
        let url = format!("/openapi/v3/{path}?hash={:016X}", hasher.finish());
        paths.insert(path, json!({ "serverRelativeURL": url }));
    }
    json!({ "paths": paths })
}

/// `/openapi/v2`: an empty document, as protobuf (an empty message) when asked for protobuf.
pub(crate) fn v2(accept: &str) -> Response<Body> {
    if accept.contains("protobuf") {
        return Response::builder()
            .status(200)
            .header(
                "Content-Type",
                "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            )
            .body(Full::new(Bytes::new()).boxed_unsync())
            .expect("static response parts are valid");
    }
    json_response(
        200,
        &json!({
            "swagger": "2.0",
            "info": { "title": "Kubernetes", "version": crate::discovery::GIT_VERSION },
            "paths": {},
            "definitions": {},
        }),
    )
}
