//! Compiling a rule's expressions and evaluating rules over the store.
//!
//! Every expression is compiled once, when its rule is loaded. A run converts each resource a
//! rule reads once, to a CEL value borrowing the store, and evaluates every selected rule of
//! that kind over the one value; resources are split among the cores. An expression that
//! fails on a resource is reported once per expression (with how many resources it failed on),
//! and the rule goes on with the next resource.

use std::sync::{Arc, OnceLock};

use cel::common::ast::{operators, EntryExpr, Expr as AstExpr, IdedExpr, MapExpr, StructExpr};
use cel::common::types::{CelString, Kind as CelKind};
use cel::common::value::CowVal;
use cel::common::value::Val;
use cel::context::VariableResolver;
use cel::{Context, Env, ExecutionError, FunctionContext, Program, Value};

use super::value::{namespace_stub, node_value, to_value, Op, Query, StoreVal};
use super::{Rule, RuleErrors};
use crate::kinds::NAMESPACE;
use crate::mesh::MeshConfig;
use crate::message::Message;
use crate::resource::{Resource, ResourceId};
use crate::store::Store;

/// The variable bound to the resource being checked.
pub const OBJECT: &str = "object";
/// The variable bound to the resource's Namespace object (or `{metadata: {name}}` when the
/// inputs do not hold it). `namespace` is a reserved word in CEL.
pub const NS: &str = "ns";
/// The variable bound to the mesh configuration.
pub const MESH: &str = "mesh";
/// The (hidden) variable the look-up functions query.
const STORE: &str = "__store";

/// The variables rules see.
pub const VARIABLES: [&str; 3] = [OBJECT, NS, MESH];

/// The CEL environment of rules: the standard library, optional values (`a.?b.orValue(c)`),
/// the strings and lists extensions.
pub fn environment() -> Result<Arc<Env>, String> {
    static ENV: OnceLock<Result<Arc<Env>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib().with_optional_support(true);
        env.add_extension(cel::extensions::strings)
            .and_then(|_| env.add_extension(cel::extensions::lists))
            .map_err(|e| format!("{e:?}"))?;
        Ok(Arc::new(env))
    })
    .clone()
}

/// A compiled expression and where it was written.
#[derive(Debug)]
pub struct Expr {
    /// The text.
    pub text: String,
    /// The 1-based line in the rule file.
    pub line: u32,
    program: Program,
}

impl Expr {
    /// Compiles `text`, checking that it names only the rules' variables and known functions.
    pub fn compile(text: &str, line: u32) -> Result<Expr, String> {
        let env = environment()?;
        let quoted = shown(text);
        let program = env.compile(text).map_err(|e| {
            format!(
                "the expression{quoted} does not compile: {}",
                one_line(&e.to_string())
            )
        })?;
        if let Some(why) = unequal_literal(program.expression()) {
            return Err(format!("the expression{quoted} {why}"));
        }
        let refs = program.references();
        let bound = comprehension_variables(text);
        for var in refs.variables() {
            if !VARIABLES.contains(&var) && !bound.contains(&var) {
                let hint = istio_core::suggest::closest(var, VARIABLES)
                    .map(|s| format!("did you mean {s:?}?"))
                    .unwrap_or_else(|| format!("rules see {}", VARIABLES.join(", ")));
                return Err(format!(
                    "the expression{quoted} uses the unknown variable {var:?}; {hint}"
                ));
            }
        }
        Ok(Expr {
            text: text.to_owned(),
            line,
            program,
        })
    }

    /// True when the expression reads `variable`.
    pub fn uses(&self, variable: &str) -> bool {
        self.program.references().has_variable(variable)
    }

    fn run(&self, ctx: &Context<'_, '_>) -> Result<Value, ExecutionError> {
        let result = Value::resolve_val(self.program.expression(), ctx)?;
        to_value(result.as_ref())
    }
}

/// Why an expression cannot be evaluated as written, if so: a map literal compared with (or
/// looked for in) a computed value from the left, e.g. `{"app": "web"} == object.metadata.labels`.
/// The CEL library compares its own maps only with its own maps, and a resource's mappings are
/// read lazily ([`super::value::NodeMap`]): such a comparison would be false whatever the
/// labels, so it is refused with the order that works.
fn unequal_literal(expr: &IdedExpr) -> Option<String> {
    fn holds_map(e: &IdedExpr) -> bool {
        match &e.expr {
            AstExpr::Map(_) => true,
            AstExpr::List(l) => l.elements.iter().any(holds_map),
            _ => false,
        }
    }
    let mut pending = vec![expr];
    while let Some(e) = pending.pop() {
        match &e.expr {
            AstExpr::Call(call) => {
                let comparison = matches!(
                    call.func_name.as_str(),
                    operators::EQUALS | operators::NOT_EQUALS
                );
                if comparison && call.args.first().is_some_and(holds_map) {
                    return Some(
                        "compares a map literal on the left; write the other operand first \
                         (object.metadata.labels == {...})"
                            .to_owned(),
                    );
                }
                if call.func_name == operators::IN && call.args.get(1).is_some_and(holds_map) {
                    return Some(
                        "looks for a value in a list of map literals; compare with each map \
                         instead (value == {...} || ...)"
                            .to_owned(),
                    );
                }
                pending.extend(call.args.iter());
                pending.extend(call.target.as_deref());
            }
            AstExpr::Comprehension(c) => pending.extend([
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ]),
            AstExpr::List(l) => pending.extend(l.elements.iter()),
            AstExpr::Map(MapExpr { entries, .. }) | AstExpr::Struct(StructExpr { entries, .. }) => {
                for entry in entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(me) => pending.extend([&me.key, &me.value]),
                        EntryExpr::StructField(f) => pending.push(&f.value),
                    }
                }
            }
            AstExpr::Select(select) => pending.push(&select.operand),
            AstExpr::Unspecified | AstExpr::Ident(_) | AstExpr::Literal(_) => {}
        }
    }
    None
}

/// The macros that bind variables: `list.all(x, ...)`, `map.exists(k, v, ...)` and the like.
const BINDING_MACROS: &[&str] = &[
    "all",
    "exists",
    "exists_one",
    "existsOne",
    "map",
    "filter",
    "transformList",
    "transformMap",
    "transformMapEntry",
    "sortBy",
];

/// The names the expression's macros bind (the first one or two arguments of each).
fn comprehension_variables(text: &str) -> Vec<&str> {
    fn ident(s: &str) -> (&str, &str) {
        let s = s.trim_start();
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (&s[..end], &s[end..])
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let before = &rest[..open];
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let after = &rest[open + 1..];
        if BINDING_MACROS.contains(&&before[name_start..]) && before[..name_start].ends_with('.') {
            let (first, tail) = ident(after);
            if !first.is_empty() && tail.trim_start().starts_with(',') {
                out.push(first);
                let tail = &tail.trim_start()[1..];
                let (second, tail) = ident(tail);
                if !second.is_empty() && tail.trim_start().starts_with(',') {
                    out.push(second);
                }
            }
        }
        rest = after;
    }
    out
}

/// ` "text"` for an expression short enough to repeat in a message, else nothing (the
/// diagnostic shows the line).
fn shown(text: &str) -> String {
    match text.len() <= 60 && !text.contains('\n') {
        true => format!(" {text:?}"),
        false => String::new(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A string argument of a look-up function.
fn text_arg(ftx: &FunctionContext<'_, '_>, i: usize) -> Result<String, ExecutionError> {
    let arg = ftx
        .args
        .get(i)
        .ok_or_else(|| ftx.error(format!("expects argument {}", i + 1)))?;
    <&str>::try_from(&**arg).map(str::to_owned).map_err(|_| {
        ftx.error(format!(
            "argument {} must be a string, not {}",
            i + 1,
            arg.get_type().name()
        ))
    })
}

/// The label map argument of `select`.
fn labels_arg(
    ftx: &FunctionContext<'_, '_>,
    i: usize,
) -> Result<Vec<(String, String)>, ExecutionError> {
    let arg = ftx
        .args
        .get(i)
        .ok_or_else(|| ftx.error(format!("expects argument {}", i + 1)))?;
    let not_labels = || {
        ftx.error(format!(
            "argument {} must be a map of labels, not {}",
            i + 1,
            arg.get_type().name()
        ))
    };
    if arg.get_type().kind() != CelKind::Map {
        return Err(not_labels());
    }
    let (Some(keys), Some(indexer)) = (arg.as_iterable(), arg.as_indexer()) else {
        return Err(not_labels());
    };
    let mut labels = Vec::new();
    let mut keys = keys.iter();
    while let Some(k) = keys.next() {
        let v = indexer.get(k)?;
        match (<&str>::try_from(k), <&str>::try_from(v.as_ref())) {
            (Ok(k), Ok(v)) => labels.push((k.to_owned(), v.to_owned())),
            _ => return Err(ftx.error("labels must map strings to strings")),
        }
    }
    labels.sort();
    Ok(labels)
}

/// A function as the CEL context takes it (the crate's own `Function` type, spelled out).
type LookupFn = Box<
    dyn for<'c, 'v> Fn(&mut FunctionContext<'c, 'v>) -> Result<CowVal<'c, 'v>, ExecutionError>
        + Send
        + Sync,
>;

/// A look-up function: builds the query from its arguments and asks the store value.
fn lookup(op: Op, arity: usize) -> LookupFn {
    Box::new(move |ftx: &mut FunctionContext<'_, '_>| {
        if ftx.args.len() != arity {
            return Err(ftx.error(format!("expects {arity} arguments, got {}", ftx.args.len())));
        }
        let query = match op {
            Op::Get => Query {
                op,
                kind: text_arg(ftx, 0)?,
                namespace: text_arg(ftx, 1)?,
                name: text_arg(ftx, 2)?,
                labels: Vec::new(),
            },
            Op::List => Query {
                op,
                kind: text_arg(ftx, 0)?,
                namespace: text_arg(ftx, 1)?,
                name: String::new(),
                labels: Vec::new(),
            },
            Op::Select => Query {
                op,
                kind: text_arg(ftx, 0)?,
                namespace: text_arg(ftx, 1)?,
                name: String::new(),
                labels: labels_arg(ftx, 2)?,
            },
            Op::Service => Query {
                op,
                kind: String::new(),
                name: text_arg(ftx, 0)?,
                namespace: text_arg(ftx, 1)?,
                labels: Vec::new(),
            },
        };
        let store = ftx
            .ptx
            .get_variable(STORE)
            .ok_or_else(|| ftx.error("no store to look resources up in"))?;
        let indexer = store
            .as_indexer()
            .ok_or_else(|| ftx.error("no store to look resources up in"))?;
        let found = indexer.get(&CelString::from(query.encode()))?;
        Ok(CowVal::Owned(found.into_owned()))
    })
}

/// A root context with the look-up functions.
fn root_context<'s>(env: Arc<Env>) -> Context<'s, 's> {
    let mut ctx = Context::with_env(env);
    for (op, name, arity) in Op::ALL {
        // The names are not the standard library's; a clash would be a bug caught by tests.
        let added = ctx.add_function(name, lookup(op, arity));
        debug_assert!(added.is_ok(), "{name} clashes with the CEL library");
    }
    ctx
}

/// The function names rules may call besides CEL's own.
pub fn lookup_functions() -> impl Iterator<Item = &'static str> {
    Op::ALL.iter().map(|(_, name, _)| *name)
}

/// An expression that failed: on which resource first, and on how many.
#[derive(Debug)]
struct Failure {
    rule: usize,
    line: u32,
    first: String,
    message: String,
    count: usize,
}

/// What one worker found.
#[derive(Default)]
struct Found {
    messages: Vec<Message>,
    failures: Vec<Failure>,
}

impl Found {
    fn fail(&mut self, rule: usize, expr: &Expr, resource: &Resource, error: String) {
        match self
            .failures
            .iter_mut()
            .find(|f| f.rule == rule && f.line == expr.line)
        {
            Some(f) => f.count += 1,
            None => self.failures.push(Failure {
                rule,
                line: expr.line,
                first: resource.origin_name(),
                message: error,
                count: 1,
            }),
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        other => other
            .json()
            .map(|j| sorted_keys(j).to_string())
            .unwrap_or_else(|_| format!("{other:?}")),
    }
}

/// JSON with every object's keys in order: CEL maps have none, and a message must read the
/// same on every run.
fn sorted_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted_keys).collect())
        }
        other => other,
    }
}

fn type_name(value: &Value) -> String {
    format!("{:?}", value.type_of()).to_ascii_lowercase()
}

/// Evaluates `rules` over the store: the messages of the checks that do not hold, and the
/// expressions that could not be evaluated (as errors at their lines of their rule files, each
/// naming the rule and the resource it first failed on).
pub fn evaluate(rules: &[&Rule], store: &Store, mesh: &MeshConfig) -> (Vec<Message>, RuleErrors) {
    let env = match environment() {
        Ok(env) => env,
        Err(e) => {
            let errors = rules
                .iter()
                .map(|r| {
                    r.file
                        .error(r.line, format!("the CEL environment cannot be built: {e}"))
                })
                .collect();
            return (
                Vec::new(),
                RuleErrors {
                    errors,
                    failed: rules.len(),
                },
            );
        }
    };
    // Every resource some rule checks, with the rules that check it.
    let mut kinds: Vec<crate::kinds::Kind> = rules
        .iter()
        .flat_map(|r| r.targets.iter().map(|t| t.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    let work: Vec<ResourceId> = kinds
        .iter()
        .flat_map(|&k| store.of_kind(k).map(|(id, _)| id))
        .collect();
    let workers = crate::cores().min(work.len().div_ceil(256).max(1));
    let chunk = work.len().div_ceil(workers).max(1);
    let found: Vec<Found> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .chunks(chunk)
            .map(|ids| {
                let env = env.clone();
                scope.spawn(move || evaluate_some(ids, rules, store, mesh, env))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut messages = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    for f in found {
        messages.extend(f.messages);
        for failure in f.failures {
            match failures
                .iter_mut()
                .find(|g| g.rule == failure.rule && g.line == failure.line)
            {
                Some(g) => g.count += failure.count,
                None => failures.push(failure),
            }
        }
    }
    failures.sort_by_key(|f| (f.rule, f.line));
    let mut failed: Vec<usize> = failures.iter().map(|f| f.rule).collect();
    failed.dedup();
    let errors = failures
        .into_iter()
        .map(|f| {
            let rule = rules[f.rule];
            let more = match f.count {
                1 => String::new(),
                n => format!(" (and on {} other resources)", n - 1),
            };
            rule.file.error(
                f.line,
                format!(
                    "rule {}: the expression failed on {}{more}: {}",
                    rule.name, f.first, f.message
                ),
            )
        })
        .collect();
    (
        messages,
        RuleErrors {
            errors,
            failed: failed.len(),
        },
    )
}

/// The variables of one rule's evaluation over one resource. They are resolved by name
/// before any scope's own variables, without a map or an allocation per rule.
struct Vars<'a, 's> {
    object: &'a (dyn Val + 's),
    ns: Option<&'a (dyn Val + 's)>,
    mesh: &'a (dyn Val + 's),
    store: StoreVal<'s>,
}

impl VariableResolver for Vars<'_, '_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value: &'b (dyn Val + 'b) = match variable {
            OBJECT => self.object,
            NS => self.ns?,
            MESH => self.mesh,
            STORE => &self.store,
            _ => return None,
        };
        Some(CowVal::Borrowed(value))
    }
}

fn evaluate_some(
    ids: &[ResourceId],
    rules: &[&Rule],
    store: &Store,
    mesh: &MeshConfig,
    env: Arc<Env>,
) -> Found {
    let root = root_context(env);
    let mesh_tree = istio_core::tree::Document::from_json(&mesh.config);
    let mesh = node_value(mesh_tree.root());
    let mut found = Found::default();
    let mut applicable: Vec<usize> = Vec::with_capacity(rules.len());
    // The rules that check each kind, by position in `rules`.
    let mut by_kind: Vec<(crate::kinds::Kind, Vec<usize>)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for t in &rule.targets {
            match by_kind.iter_mut().find(|(k, _)| *k == t.kind) {
                Some((_, list)) if list.last() != Some(&i) => list.push(i),
                Some(_) => {}
                None => by_kind.push((t.kind, vec![i])),
            }
        }
    }
    for &id in ids {
        let r = store.get(id);
        let Some((_, of_kind)) = by_kind.iter().find(|(k, _)| *r.kind_key == *k.0) else {
            continue;
        };
        applicable.clear();
        applicable.extend(
            of_kind
                .iter()
                .copied()
                .filter(|&i| rules[i].targets.iter().any(|t| t.accepts(r))),
        );
        if applicable.is_empty() {
            continue;
        }
        let object = node_value(r.root());
        let ns = applicable.iter().any(|&i| rules[i].uses_ns).then(|| {
            let ns: &str = &r.namespace;
            match store.find(NAMESPACE, "", ns) {
                Some((_, n)) => node_value(n.root()),
                None => namespace_stub(ns),
            }
        });
        for &i in &applicable {
            let rule = rules[i];
            let vars = Vars {
                object: object.as_ref(),
                ns: ns.as_deref(),
                mesh: mesh.as_ref(),
                store: StoreVal {
                    store,
                    kinds: &rule.inputs,
                },
            };
            let mut ctx = root.new_inner_scope();
            ctx.set_variable_resolver(&vars);
            check(i, rule, id, r, &ctx, &mut found);
        }
    }
    found
}

/// Evaluates one rule over the resource bound in `ctx`.
fn check(
    index: usize,
    rule: &Rule,
    id: ResourceId,
    resource: &Resource,
    ctx: &Context<'_, '_>,
    found: &mut Found,
) {
    let boolean = |expr: &Expr, found: &mut Found, what: &str| -> Option<bool> {
        match expr.run(ctx) {
            Ok(Value::Bool(b)) => Some(b),
            Ok(other) => {
                found.fail(
                    index,
                    expr,
                    resource,
                    format!(
                        "{what} must give a bool, but gave {} {}",
                        type_name(&other),
                        describe(&other)
                    ),
                );
                None
            }
            Err(e) => {
                found.fail(index, expr, resource, one_line(&e.to_string()));
                None
            }
        }
    };
    if let Some(m) = &rule.matches {
        if boolean(m, found, "match") != Some(true) {
            return;
        }
    }
    for check in &rule.checks {
        if boolean(&check.expression, found, "a check") != Some(false) {
            continue;
        }
        let mut args = Vec::with_capacity(rule.args.len());
        for arg in &rule.args {
            match arg.run(ctx) {
                Ok(v) => args.push(describe(&v)),
                Err(e) => {
                    found.fail(index, arg, resource, one_line(&e.to_string()));
                    args.push(String::new());
                }
            }
        }
        let mut message = Message::new(rule.code, id, args);
        message.field = check.field.clone();
        found.messages.push(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use istio_core::tree::Document;
    use serde_json::json;

    /// Evaluates `text` with `object` bound to `resource`, as rules see a resource.
    fn eval(text: &str, resource: &serde_json::Value) -> Result<Value, String> {
        let expr = Expr::compile(text, 1)?;
        let env = environment()?;
        let doc = Document::from_json(resource);
        let mut ctx = root_context(env);
        ctx.add_variable_as_val(OBJECT, node_value(doc.root()));
        expr.run(&ctx).map_err(|e| e.to_string())
    }

    fn pod() -> serde_json::Value {
        json!({"metadata": {"name": "web", "labels": {"app": "web", "team": "t1"}},
            "spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]},
                {"name": "istio-proxy"}]}})
    }

    #[test]
    fn resource_mappings_behave_as_cel_maps() {
        let yes = |text: &str| {
            assert_eq!(eval(text, &pod()), Ok(Value::Bool(true)), "{text}");
        };
        yes(r#"object.metadata.labels.app == "web""#);
        yes(r#""team" in object.metadata.labels && !("x" in object.metadata.labels)"#);
        yes("has(object.metadata.labels) && !has(object.spec.volumes)");
        yes("size(object.metadata.labels) == 2 && object.metadata.labels.size() == 2");
        yes(r#"object.metadata.labels.all(k, k == "app" || k == "team")"#);
        yes(r#"object.metadata.labels.exists(k, object.metadata.labels[k] == "t1")"#);
        yes(r#"object.metadata.labels == {"team": "t1", "app": "web"}"#);
        yes(r#"object.metadata.labels != {"app": "web"}"#);
        yes(r#"object.spec.containers.exists(c, c.name == "istio-proxy")"#);
        yes("object.spec.containers[0].ports[0].containerPort == 80");
        yes(r#"object.spec.containers[0] in object.spec.containers"#);
        yes(r#"object.?spec.?volumes.orValue([]).size() == 0"#);
        yes(r#"object.spec.containers.map(c, c.name).join(",") == "app,istio-proxy""#);
        assert!(eval("object.metadata.labels[1]", &pod()).is_err_and(|e| e.contains("No such key")));
    }

    #[test]
    fn mappings_convert_to_values_whole() {
        // Keys in order, whatever order the CEL map holds them in.
        for _ in 0..20 {
            let labels = eval("object.metadata.labels", &pod()).unwrap();
            assert_eq!(describe(&labels), r#"{"app":"web","team":"t1"}"#);
            let meta = eval("[object.metadata]", &pod()).unwrap();
            assert_eq!(
                describe(&meta),
                r#"[{"labels":{"app":"web","team":"t1"},"name":"web"}]"#
            );
        }
        let ports = eval("object.spec.containers.map(c, c.name)", &pod()).unwrap();
        assert_eq!(describe(&ports), r#"["app","istio-proxy"]"#);
    }

    #[test]
    fn a_map_literal_compared_from_the_left_is_refused() {
        let err = eval(r#"{"app": "web"} == object.metadata.labels"#, &pod()).unwrap_err();
        assert_eq!(
            err,
            "the expression \"{\\\"app\\\": \\\"web\\\"} == object.metadata.labels\" compares a \
             map literal on the left; write the other operand first \
             (object.metadata.labels == {...})"
        );
        let err = eval(r#"object.metadata.labels in [{"app": "web"}]"#, &pod()).unwrap_err();
        assert!(
            err.contains("looks for a value in a list of map literals"),
            "{err}"
        );
    }
}
