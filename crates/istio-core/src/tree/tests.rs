use serde_json::json;

use super::*;

fn sample() -> Document {
    let mut b = Builder::new();
    b.begin_map(1);
    b.scalar(Scalar::Str("name"), 1);
    b.scalar(Scalar::Str("web"), 1);
    b.scalar(Scalar::Str("ports"), 2);
    b.begin_seq(3);
    b.begin_map(3);
    b.scalar(Scalar::Str("port"), 3);
    b.scalar(Scalar::Int(80), 3);
    b.end();
    b.scalar(Scalar::UInt(u64::MAX), 4);
    b.end();
    b.scalar(Scalar::Str("ratio"), 5);
    b.scalar(Scalar::Float(0.5), 5);
    b.scalar(Scalar::Str("on"), 6);
    b.scalar(Scalar::Bool(true), 6);
    b.end();
    b.finish()
}

#[test]
fn reads_back_what_was_built_with_lines() {
    let doc = sample();
    let root = doc.root();
    assert_eq!(root.get("name").and_then(Node::as_str), Some("web"));
    assert_eq!(root.at("name"), "web");
    let ports = root.get("ports").and_then(Node::as_array).expect("ports");
    assert_eq!(ports.len(), 2);
    assert_eq!(
        ports
            .get(0)
            .and_then(|p| p.get("port"))
            .and_then(Node::as_u64),
        Some(80)
    );
    assert_eq!(ports.get(1).and_then(Node::as_u64), Some(u64::MAX));
    assert_eq!(ports.get(1).and_then(Node::as_i64), None);
    assert_eq!(root.at("ratio").as_f64(), Some(0.5));
    assert_eq!(root.at("on").as_bool(), Some(true));
    assert!(root.at("missing").is_null());
    // A mapping entry is on its key's line; a list item on its own.
    assert_eq!(root.at("ports").line(), 2);
    assert_eq!(ports.get(1).map(Node::line), Some(4));
    assert_eq!(
        root.to_json(),
        json!({"name": "web", "ports": [{"port": 80}, u64::MAX], "ratio": 0.5, "on": true})
    );
}

#[test]
fn json_round_trip_keeps_order_and_types() {
    let value = json!({"z": 1, "a": [null, -3, "x", {"k": false}], "m": {}});
    let doc = Document::from_json(&value);
    assert_eq!(doc.root().to_json(), value);
    assert_eq!(
        doc.root().as_object().map(|m| m.keys().collect::<Vec<_>>()),
        Some(vec!["z", "a", "m"])
    );
}

#[test]
fn copies_and_retains_subtrees() {
    let doc = sample();
    let ports = Document::from_node(doc.root().at("ports"));
    assert_eq!(ports.root().to_json(), json!([{"port": 80}, u64::MAX]));
    assert_eq!(ports.root().item(0).map(Node::line), Some(3));
    let kept = Document::from_node_retaining(doc.root(), &["name", "on"]);
    assert_eq!(kept.root().to_json(), json!({"name": "web", "on": true}));
}

#[test]
fn later_explicit_keys_win_and_merged_keys_never_override() {
    let mut b = Builder::new();
    b.begin_map(1);
    b.scalar(Scalar::Str("base"), 1);
    b.begin_map(1);
    b.scalar(Scalar::Str("x"), 1);
    b.scalar(Scalar::Int(1), 1);
    b.scalar(Scalar::Str("y"), 1);
    b.scalar(Scalar::Int(2), 1);
    let base = b.end().expect("open map");
    b.scalar(Scalar::Str("m"), 2);
    b.begin_map(2);
    b.scalar(Scalar::Str("y"), 3);
    b.scalar(Scalar::Int(9), 3);
    b.scalar(Scalar::Str("<<"), 4);
    b.repeat(base, 4);
    b.scalar(Scalar::Str("y"), 5);
    b.scalar(Scalar::Int(10), 5);
    b.end();
    b.end();
    let doc = b.finish();
    assert_eq!(doc.root().at("m").to_json(), json!({"y": 10, "x": 1}));
}

#[test]
fn nodes_compare_structurally() {
    let a = Document::from_json(&json!({"a": [1, 2.0, "s"]}));
    let b = Document::from_json(&json!({"a": [1, 2.0, "s"]}));
    let c = Document::from_json(&json!({"a": [1, 2.0, "t"]}));
    assert_eq!(a.root(), b.root());
    assert_ne!(a.root(), c.root());
}

#[test]
fn keys_of_any_length_and_common_strings_read_back() {
    let long = "k".repeat(70_000);
    let value =
        json!({"apiVersion": "v1", "x": 1, &long: "spec", "mid": {"a".repeat(100): [true]}});
    let doc = Document::from_json(&value);
    assert_eq!(doc.root().to_json(), value);
    assert_eq!(doc.root().get(&long).and_then(Node::as_str), Some("spec"));
}
