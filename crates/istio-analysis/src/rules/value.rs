//! Resources as CEL values, and the store as a CEL value the look-up functions query.
//!
//! A resource is a CEL value over its tree, borrowing the store's strings (no text is copied)
//! and reading each mapping only where an expression reaches it; the one value serves every
//! rule that reads the resource, and look-ups return the same kind of value.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use cel::common::traits::{Container, Indexer, Iterable, Iterator as CelIterator, Sizer, Zeroer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, Kind as CelKind,
    Type, MAP_TYPE,
};
use cel::common::value::{CowVal, Val};
use cel::ExecutionError;
use istio_core::tree::{Map, Node};
use serde_json::Value as Json;

use crate::kinds::{Kind, SERVICE};
use crate::resource::Resource;
use crate::store::Store;

/// A tree node as a CEL value borrowing the node's strings. Integers are `int`, other numbers
/// `double`, as Kubernetes binds JSON to CEL. Mappings are read where an expression reaches
/// them ([`NodeMap`]); sequences are CEL lists of their items.
pub fn node_value<'s>(node: Node<'s>) -> Box<dyn Val + 's> {
    if let Some(map) = node.as_object() {
        return Box::new(NodeMap::new(map));
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

/// A mapping of a resource as a CEL `map` that reads the tree where an expression reaches it:
/// `object.spec.hosts` converts `hosts` alone, and copying the map (as comprehensions copy the
/// items they bind) copies a reference.
///
/// Each entry's value is made once, when first read, and lent out after that: the rules that
/// read `object.metadata.labels` of one resource share one value.
pub struct NodeMap<'s> {
    map: Map<'s>,
    /// The keys as CEL strings, made when the map is first iterated.
    keys: OnceLock<Vec<CelString<'s>>>,
    /// The entries' values by position, each made when first read.
    values: OnceLock<Box<[Lazy<'s>]>>,
}

/// A value made when first read.
type Lazy<'s> = OnceLock<Box<dyn Val + 's>>;

impl<'s> NodeMap<'s> {
    /// The CEL map of `map`.
    pub fn new(map: Map<'s>) -> NodeMap<'s> {
        NodeMap {
            map,
            keys: OnceLock::new(),
            values: OnceLock::new(),
        }
    }

    /// The value of `key`, made on first use.
    fn value(&self, key: &str) -> Option<&(dyn Val + 's)> {
        let (i, (_, node)) = self.map.iter().enumerate().find(|(_, (k, _))| *k == key)?;
        let values = self
            .values
            .get_or_init(|| (0..self.map.len()).map(|_| OnceLock::new()).collect());
        let value = values.get(i)?.get_or_init(|| node_value(node));
        Some(value.as_ref())
    }

    fn keys(&self) -> &[CelString<'s>] {
        self.keys
            .get_or_init(|| self.map.keys().map(CelString::from).collect())
    }
}

impl fmt::Debug for NodeMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.map.fmt(f)
    }
}

/// A key that a map can be indexed with but none of ours holds (ours are strings).
fn is_other_key(key: &dyn Val) -> bool {
    matches!(
        key.get_type().kind(),
        CelKind::Int | CelKind::UInt | CelKind::Boolean | CelKind::Double
    )
}

fn not_a_key(key: &dyn Val) -> ExecutionError {
    ExecutionError::UnexpectedType {
        got: key.get_type().name().to_owned(),
        want: "map key".to_owned(),
    }
}

impl Val for NodeMap<'_> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type
    where
        Self: Sized,
    {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn Iterable + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        Some(self)
    }

    /// Equal to any map of the same entries, whatever its representation.
    fn equals(&self, other: &dyn Val) -> bool {
        if other.get_type().kind() != CelKind::Map {
            return false;
        }
        let (Some(size), Some(indexer)) = (other.as_sizer(), other.as_indexer()) else {
            return false;
        };
        *size.size().inner() == self.map.len() as i64
            && self.map.keys().all(|key| {
                let theirs = indexer.get(&CelString::from(key));
                match (self.value(key), theirs) {
                    (Some(ours), Ok(theirs)) => ours.equals(theirs.as_ref()),
                    _ => false,
                }
            })
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(NodeMap::new(self.map))
    }
}

impl Indexer for NodeMap<'_> {
    fn get<'b, 'v>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        match <&str>::try_from(key) {
            Ok(k) => match self.value(k) {
                Some(value) => Ok(CowVal::Borrowed(value)),
                None => Err(ExecutionError::no_such_key(k)),
            },
            Err(_) if is_other_key(key) => Err(ExecutionError::no_such_key(&describe_key(key))),
            Err(_) => Err(not_a_key(key)),
        }
    }

    fn steal<'v>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        match <&str>::try_from(key) {
            Ok(k) => match self.map.get(k) {
                Some(value) => Ok(node_value(value)),
                None => Err(ExecutionError::no_such_key(k)),
            },
            Err(_) => self.get(key).map(CowVal::into_owned),
        }
    }
}

fn describe_key(key: &dyn Val) -> String {
    cel::Value::try_from(key).map_or_else(|_| String::new(), |v| format!("{v:?}"))
}

impl Container for NodeMap<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        match <&str>::try_from(key) {
            Ok(k) => Ok(self.map.contains_key(k)),
            Err(_) if is_other_key(key) => Ok(false),
            Err(_) => Err(not_a_key(key)),
        }
    }
}

/// The keys of a [`NodeMap`], as CEL iterates a map.
struct Keys<'b, 's>(std::slice::Iter<'b, CelString<'s>>);

impl<'b, 'v, 's: 'v> CelIterator<'b, 'v> for Keys<'b, 's> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'v)> {
        self.0.next().map(|k| k as &(dyn Val + 'v))
    }
}

impl Iterable for NodeMap<'_> {
    fn iter<'b, 'v>(&'b self) -> Box<dyn CelIterator<'b, 'v> + 'b>
    where
        Self: 'v,
    {
        Box::new(Keys(self.keys().iter()))
    }
}

impl Sizer for NodeMap<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(self.map.len() as i64)
    }
}

impl Zeroer for NodeMap<'_> {
    fn is_zero_value(&self) -> bool {
        self.map.is_empty()
    }
}

/// A CEL value as a [`cel::Value`], whatever the representation of its maps and lists (the
/// library converts its own types only).
pub fn to_value(value: &dyn Val) -> Result<cel::Value, ExecutionError> {
    let kind = value.get_type().kind();
    if !matches!(kind, CelKind::Map | CelKind::List) {
        return cel::Value::try_from(value);
    }
    let iterable = value
        .as_iterable()
        .ok_or_else(|| ExecutionError::UnexpectedType {
            got: value.get_type().name().to_owned(),
            want: "iterable".to_owned(),
        })?;
    let mut items = iterable.iter();
    if kind == CelKind::List {
        let mut out = Vec::new();
        while let Some(item) = items.next() {
            out.push(to_value(item)?);
        }
        return Ok(cel::Value::List(Arc::new(out)));
    }
    let indexer = value.as_indexer().ok_or_else(|| not_a_key(value))?;
    let mut out = HashMap::new();
    while let Some(key) = items.next() {
        let entry = indexer.get(key)?;
        let key = match to_value(key)? {
            cel::Value::String(s) => cel::objects::Key::String(s),
            cel::Value::Int(i) => cel::objects::Key::Int(i),
            cel::Value::UInt(u) => cel::objects::Key::Uint(u),
            cel::Value::Bool(b) => cel::objects::Key::Bool(b),
            _ => return Err(not_a_key(key)),
        };
        out.insert(key, to_value(entry.as_ref())?);
    }
    Ok(cel::Value::Map(cel::objects::Map { map: Arc::new(out) }))
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
