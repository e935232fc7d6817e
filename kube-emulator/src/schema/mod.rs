//! The structure of Kubernetes 1.36's built-in types (generated into `builtin.rs` by
//! `scripts/gen_schema.py`): JSON field names and types, and the protobuf field numbers of the
//! same fields. The protobuf codec, strict decoding (unknown fields) and type checks walk it.

#[rustfmt::skip]
mod builtin;

/// A JSON value's type in a built-in kind.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ty {
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A floating-point number.
    Float64,
    /// Bytes: a base64 string in JSON.
    Bytes,
    /// An integer or a string (`IntOrString`).
    IntOrString,
    /// A resource quantity (`500m`, `1Gi`): a string, or a number, in JSON.
    Quantity,
    /// A timestamp with second precision.
    Time,
    /// A timestamp with microsecond precision.
    MicroTime,
    /// Embedded JSON (`RawExtension`, `FieldsV1`, apiextensions `JSON`).
    Raw,
    /// Anything (the schema's `…Or…` unions).
    Any,
    /// A structured type: an index into [`types`].
    Ref(usize),
    /// A list.
    List(&'static Ty),
    /// A map with string keys.
    Map(&'static Ty),
}

/// A field of a structured type.
#[derive(Debug)]
pub(crate) struct Field {
    /// The JSON name.
    pub json: &'static str,
    /// The value's type.
    pub ty: Ty,
    /// Required by the OpenAPI schema.
    #[allow(dead_code)]
    pub required: bool,
    /// The protobuf field number; 0 when the type has no protobuf form for it.
    pub tag: u32,
    /// Protobuf nests this field in embedded messages (Go's inlined structs, e.g. a Volume's
    /// `VolumeSource`): their field numbers, outermost first.
    pub inline: &'static [u32],
}

/// A structured type.
#[derive(Debug)]
pub(crate) struct TypeDef {
    /// The type's name, e.g. `DeploymentSpec`.
    pub name: &'static str,
    /// A top-level kind (has `apiVersion` and `kind`).
    pub resource: bool,
    /// Has a protobuf form.
    pub proto: bool,
    /// Its fields, sorted by JSON name.
    pub fields: &'static [Field],
}

impl TypeDef {
    /// The field with this JSON name.
    pub fn field(&self, json: &str) -> Option<&'static Field> {
        self.fields
            .binary_search_by(|f| f.json.cmp(json))
            .ok()
            .and_then(|i| self.fields.get(i))
    }
}

/// The type at `index` (of a [`Ty::Ref`]).
pub(crate) fn types(index: usize) -> &'static TypeDef {
    &builtin::TYPES[index]
}

/// The first type of this name (for names that are unique, e.g. `ListMeta`).
pub(crate) fn named(name: &str) -> Option<&'static TypeDef> {
    builtin::TYPES.iter().find(|t| t.name == name)
}

/// The type of a built-in kind, by `apiVersion` and `kind`.
pub(crate) fn kind(api_version: &str, kind: &str) -> Option<&'static TypeDef> {
    builtin::RESOURCES
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|&(_, _, i)| types(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let deploy = kind("apps/v1", "Deployment").unwrap();
        assert!(deploy.resource && deploy.proto);
        let spec = deploy.field("spec").unwrap();
        let Ty::Ref(i) = spec.ty else { panic!() };
        let replicas = types(i).field("replicas").unwrap();
        assert!(matches!(replicas.ty, Ty::Int32));
        assert_eq!(replicas.tag, 1);
        assert!(kind("v1", "ConfigMap").unwrap().field("bogus").is_none());
        assert!(kind("apps/v1beta1", "Deployment").is_none());
        // Every list of fields is sorted, for binary search.
        for t in builtin::TYPES {
            assert!(
                t.fields.windows(2).all(|w| w[0].json < w[1].json),
                "{}",
                t.name
            );
        }
    }
}
