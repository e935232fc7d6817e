//! Resources as CEL values, and the store as a CEL value the look-up functions query.
//!
//! A resource is converted once per evaluation, borrowing its strings from the store (no text
//! is copied), and the one value serves every rule that reads the resource. Look-ups convert
//! only the resources they return.

use std::collections::HashMap;

use cel::common::traits::Indexer;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, Type,
};
use cel::common::value::{CowVal, Val};
use cel::ExecutionError;
use istio_core::tree::Node;
use serde_json::Value as Json;

use crate::kinds::{Kind, SERVICE};
use crate::resource::Resource;
use crate::store::Store;

/// A tree node as a CEL value borrowing the node's strings. Integers are `int`, other numbers
/// `double`, as Kubernetes binds JSON to CEL.
pub fn node_value<'s>(node: Node<'s>) -> Box<dyn Val + 's> {
    if let Some(map) = node.as_object() {
        let mut entries: HashMap<CelMapKey<'s>, Box<dyn Val + 's>> =
            HashMap::with_capacity(map.len());
        for (key, value) in map {
            entries.insert(CelMapKey::from(key), node_value(value));
        }
        return Box::new(CelMap::from(entries));
    }
    if let Some(seq) = node.as_array() {
        return Box::new(CelList::from(
            seq.iter().map(node_value).collect::<Vec<_>>(),
        ));
    }
    if let Some(s) = node.as_str() {
        return Box::new(CelString::from(s));
    }
    if let Some(b) = node.as_bool() {
        return Box::new(CelBool::from(b));
    }
    if node.is_integer() {
        if let Some(i) = node.as_i64() {
            return Box::new(CelInt::from(i));
        }
    }
    if let Some(f) = node.as_f64() {
        return Box::new(CelDouble::from(f));
    }
    Box::new(CelNull)
}

/// A JSON value (the mesh config) as a CEL value.
pub fn json_value(value: &Json) -> Box<dyn Val + '_> {
    match value {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            None => Box::new(CelDouble::from(n.as_f64().unwrap_or_default())),
        },
        Json::String(s) => Box::new(CelString::from(s.as_str())),
        Json::Array(items) => Box::new(CelList::from(
            items.iter().map(json_value).collect::<Vec<_>>(),
        )),
        Json::Object(map) => Box::new(CelMap::from(
            map.iter()
                .map(|(k, v)| (CelMapKey::from(k.as_str()), json_value(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// A minimal object for a namespace the inputs do not hold: its name only.
pub fn namespace_stub(name: &str) -> Box<dyn Val + '_> {
    let metadata: HashMap<CelMapKey<'_>, Box<dyn Val + '_>> = HashMap::from([(
        CelMapKey::from("name"),
        Box::new(CelString::from(name)) as Box<dyn Val>,
    )]);
    let object: HashMap<CelMapKey<'_>, Box<dyn Val + '_>> = HashMap::from([(
        CelMapKey::from("metadata"),
        Box::new(CelMap::from(metadata)) as Box<dyn Val>,
    )]);
    Box::new(CelMap::from(object))
}

/// The look-up operations, as the look-up functions name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `resource(kind, namespace, name)`: one resource, or null.
    Get,
    /// `resources(kind, namespace)`: every resource of a kind in a namespace.
    List,
    /// `select(kind, namespace, labels)`: the resources carrying every label.
    Select,
    /// `service(host, namespace)`: the Service a host names, or null.
    Service,
}

impl Op {
    /// Every operation, with its function name and number of arguments.
    pub const ALL: [(Op, &'static str, usize); 4] = [
        (Op::Get, "resource", 3),
        (Op::List, "resources", 2),
        (Op::Select, "select", 3),
        (Op::Service, "service", 2),
    ];
}

/// A look-up request, as the look-up functions pass it to [`StoreVal`].
#[derive(Debug, Clone)]
pub struct Query {
    /// What to do.
    pub op: Op,
    /// The kind asked for (not used by [`Op::Service`]).
    pub kind: String,
    /// The namespace.
    pub namespace: String,
    /// The name, or the host for [`Op::Service`].
    pub name: String,
    /// Labels for [`Op::Select`].
    pub labels: Vec<(String, String)>,
}

impl Query {
    /// The query as the text index [`StoreVal`] reads (`\0`-separated fields).
    pub fn encode(&self) -> String {
        let op = Op::ALL
            .iter()
            .find(|(o, _, _)| *o == self.op)
            .map_or("", |(_, n, _)| *n);
        let mut out = format!("{op}\0{}\0{}\0{}", self.kind, self.namespace, self.name);
        for (k, v) in &self.labels {
            out.push('\0');
            out.push_str(k);
            out.push('\0');
            out.push_str(v);
        }
        out
    }

    fn decode(text: &str) -> Option<Query> {
        let mut parts = text.split('\0');
        let op_name = parts.next()?;
        let op = Op::ALL.iter().find(|(_, n, _)| *n == op_name)?.0;
        let kind = parts.next()?.to_owned();
        let namespace = parts.next()?.to_owned();
        let name = parts.next()?.to_owned();
        let rest: Vec<&str> = parts.collect();
        let labels = rest
            .chunks(2)
            .map(|p| {
                (
                    p[0].to_owned(),
                    p.get(1).copied().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        Some(Query {
            op,
            kind,
            namespace,
            name,
            labels,
        })
    }
}

static STORE_TYPE: Type = Type::new_unspecified_type("istioctl.store");

/// The store, seen by one rule: a CEL value indexed by an encoded [`Query`], answering only
/// for the kinds the rule declares.
#[derive(Debug, Clone, Copy)]
pub struct StoreVal<'s> {
    /// The resources.
    pub store: &'s Store,
    /// The kinds the rule may look up.
    pub kinds: &'s [Kind],
}

impl StoreVal<'_> {
    fn kind(&self, text: &str) -> Result<Kind, ExecutionError> {
        let found: Vec<Kind> = self
            .kinds
            .iter()
            .copied()
            .filter(|k| k.0 == text || k.name() == text)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(ExecutionError::function_error(
                "lookup",
                format!("kind {text:?} is not declared by this rule; add its apiVersion and kind under \"lookups\""),
            )),
            many => Err(ExecutionError::function_error(
                "lookup",
                format!(
                    "kind {text:?} is ambiguous; name it with its group: {}",
                    many.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
}

fn object<'s>(r: &'s Resource) -> Box<dyn Val + 's> {
    node_value(r.root())
}

fn list<'s>(items: impl Iterator<Item = &'s Resource>) -> Box<dyn Val + 's> {
    Box::new(CelList::from(items.map(object).collect::<Vec<_>>()))
}

/// The Service a host names from `namespace`: `name`, `name.ns`, `name.ns.svc` or
/// `name.ns.svc.<domain>`.
pub fn service_of<'s>(store: &'s Store, host: &str, namespace: &str) -> Option<&'s Resource> {
    let mut parts = host.splitn(3, '.');
    let name = parts.next()?;
    let ns = parts.next().unwrap_or(namespace);
    match parts.next() {
        None => {}
        Some(rest) if rest == "svc" || rest.starts_with("svc.") => {}
        Some(_) => return None,
    }
    store.find(SERVICE, ns, name).map(|(_, r)| r)
}

impl Indexer for StoreVal<'_> {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let text: &str = <&str>::try_from(idx)
            .map_err(|_| ExecutionError::function_error("lookup", "malformed look-up"))?;
        let query = Query::decode(text)
            .ok_or_else(|| ExecutionError::function_error("lookup", "malformed look-up"))?;
        let store = self.store;
        let value: Box<dyn Val + 'v> = match query.op {
            Op::Get => {
                let kind = self.kind(&query.kind)?;
                match store.find(kind, &query.namespace, &query.name) {
                    Some((_, r)) => object(r),
                    None => Box::new(CelNull),
                }
            }
            Op::List => {
                let kind = self.kind(&query.kind)?;
                list(store.in_namespace(kind, &query.namespace).map(|(_, r)| r))
            }
            Op::Select => {
                let kind = self.kind(&query.kind)?;
                // Through the store's label index.
                let labels: serde_json::Map<String, Json> = query
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                    .collect();
                let selector = istio_core::tree::Document::from_json(&Json::Object(labels));
                let map = selector
                    .root()
                    .as_object()
                    .unwrap_or(istio_core::tree::Map::empty());
                list(
                    store
                        .select(kind, &query.namespace, map)
                        .into_iter()
                        .map(|(_, r)| r),
                )
            }
            Op::Service => {
                self.kind(SERVICE.0)?;
                match service_of(store, &query.name, &query.namespace) {
                    Some(r) => object(r),
                    None => Box::new(CelNull),
                }
            }
        };
        Ok(CowVal::Owned(value))
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

impl Val for StoreVal<'_> {
    fn get_type(&self) -> &Type {
        &STORE_TYPE
    }

    fn cel_type() -> &'static Type
    where
        Self: Sized,
    {
        &STORE_TYPE
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(*self)
    }
}
