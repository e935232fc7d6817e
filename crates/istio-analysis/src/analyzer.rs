//! The analyzer interface, the registry of built-in analyzers, and the context analyzers read
//! from and report into.
//!
//! A built-in analyzer is one file: a function over the [`Context`] and, beside it, its
//! registration with [`analyzer!`](crate::analyzer!), which names it, says which kinds it reads
//! and which codes it reports, and takes its description from the doc comment written there —
//! the one place it exists. [`builtins`] lists every registered analyzer.

use super::catalog::Code;
use super::kinds::Kind;
use super::mesh::MeshConfig;
use super::message::Message;
use super::store::Store;

/// One analyzer: named as Istio names it, reading only the kinds it declares.
pub trait Analyzer: Send + Sync {
    /// Istio's name, e.g. `gateway.ConflictingGatewayAnalyzer`.
    fn name(&self) -> &str;
    /// One sentence for `istioctl analyze -L`.
    fn description(&self) -> String;
    /// The kinds it reads; a live cluster fetches only these.
    fn inputs(&self) -> &[Kind];
    /// The codes it may report.
    fn codes(&self) -> &[Code];
    /// Examines the store and reports messages into `ctx`.
    fn analyze(&self, ctx: &mut Context<'_>);
    /// The user rule this analyzer is, if it is one (user rules run together, sharing the
    /// conversion of each resource).
    fn user_rule(&self) -> Option<&crate::rules::Rule> {
        None
    }
}

/// A built-in analyzer, as [`analyzer!`](crate::analyzer!) registers it.
pub struct Builtin {
    /// Istio's name.
    pub name: &'static str,
    /// The doc comment of its registration, one string per line.
    pub doc: &'static [&'static str],
    /// The kinds it reads.
    pub inputs: &'static [Kind],
    /// The codes it may report.
    pub codes: &'static [Code],
    /// What it does.
    pub run: fn(&mut Context<'_>),
}

/// A built-in analyzer's entry in the registry.
pub struct Registration(pub &'static Builtin);

inventory::collect!(Registration);

impl Analyzer for Builtin {
    fn name(&self) -> &str {
        self.name
    }

    fn description(&self) -> String {
        self.doc
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn inputs(&self) -> &[Kind] {
        self.inputs
    }

    fn codes(&self) -> &[Code] {
        self.codes
    }

    fn analyze(&self, ctx: &mut Context<'_>) {
        (self.run)(ctx)
    }
}

/// Every built-in analyzer, in the order `-L` lists them: as istioctl does, the schema
/// validation analyzers after all the others, each group by name.
pub fn builtins() -> Vec<&'static Builtin> {
    let mut all: Vec<&'static Builtin> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .collect();
    all.sort_by_key(|a| (a.name.starts_with("schema."), a.name));
    all
}

/// Registers a built-in analyzer: its doc comment (its description), Istio's name, the kinds
/// it reads, the codes it reports and the function that runs it. The registration is also a
/// `pub static` of the module (`ANALYZER` unless `static: NAME,` says otherwise), for tests.
///
/// ```ignore
/// analyzer! {
///     /// Checks that Service port names follow Istio's <protocol>[-suffix] convention.
///     name: "service.PortNameAnalyzer",
///     inputs: [SERVICE],
///     codes: [IST0118],
///     run: analyze,
/// }
/// ```
#[macro_export]
macro_rules! analyzer {
    (
        $(#[doc = $doc:literal])+
        name: $($rest:tt)*
    ) => {
        $crate::analyzer! { $(#[doc = $doc])+ static: ANALYZER, name: $($rest)* }
    };
    (
        $(#[doc = $doc:literal])+
        static: $static:ident,
        name: $name:literal,
        inputs: [$($input:expr),* $(,)?],
        codes: [$($code:ident),* $(,)?],
        run: $run:path $(,)?
    ) => {
        $(#[doc = $doc])+
        pub static $static: $crate::analyzer::Builtin = $crate::analyzer::Builtin {
            name: $name,
            doc: &[$($doc),+],
            inputs: &[$($input),*],
            codes: &[$($crate::catalog::codes::$code),*],
            run: $run,
        };
        inventory::submit! { $crate::analyzer::Registration(&$static) }
    };
}

/// The name of the revision of a control plane installed without one.
pub const DEFAULT_REVISION: &str = "default";

/// The name of an Istio ConfigMap of `revision`: `base` for the default revision,
/// `base-<revision>` for another (`istio-sidecar-injector-canary`).
pub fn revisioned(base: &str, revision: &str) -> String {
    if revision.is_empty() || revision == DEFAULT_REVISION {
        base.to_owned()
    } else {
        format!("{base}-{revision}")
    }
}

/// What an analyzer sees: the resources, the mesh configuration, and where to report.
pub struct Context<'a> {
    /// All resources.
    pub store: &'a Store,
    /// Mesh configuration in effect.
    pub mesh: &'a MeshConfig,
    /// The Istio control-plane namespace (`-i`).
    pub istio_namespace: &'a str,
    /// The control-plane revision analyzed (`-r`): `default`, or a revision name whose
    /// injector ConfigMap is `istio-sidecar-injector-<revision>`.
    pub revision: &'a str,
    /// The kubeconfig context of the cluster under analysis (empty for files alone); remote
    /// clusters' resources name theirs ([`crate::resource::Resource::remote_cluster`]).
    pub cluster: &'a str,
    inputs: &'a [Kind],
    codes: &'a [Code],
    messages: Vec<Message>,
    errors: crate::rules::RuleErrors,
}

impl<'a> Context<'a> {
    /// A context with no messages yet, for the default revision.
    pub fn new(store: &'a Store, mesh: &'a MeshConfig, istio_namespace: &'a str) -> Self {
        Context {
            store,
            mesh,
            istio_namespace,
            revision: DEFAULT_REVISION,
            cluster: "",
            inputs: &[],
            codes: &[],
            messages: Vec::new(),
            errors: crate::rules::RuleErrors::default(),
        }
    }

    /// Runs `analyzer` in this context, its messages added to those reported so far.
    pub fn run(&mut self, analyzer: &'a dyn Analyzer) {
        self.inputs = analyzer.inputs();
        self.codes = analyzer.codes();
        analyzer.analyze(self);
    }

    /// The kinds the running analyzer declared.
    pub fn inputs(&self) -> &'a [Kind] {
        self.inputs
    }

    /// Reports a message. In this crate's tests, a code the running analyzer did not declare
    /// fails the test.
    pub fn report(&mut self, message: Message) {
        #[cfg(test)]
        assert!(
            self.codes.contains(&message.code),
            "an analyzer reported {}, which it does not declare",
            message.code
        );
        self.messages.push(message);
    }

    /// Reports user-rule expressions that could not be evaluated.
    pub fn rule_errors(&mut self, errors: crate::rules::RuleErrors) {
        self.errors.extend(errors);
    }

    /// The messages reported so far.
    pub fn into_messages(self) -> Vec<Message> {
        self.messages
    }

    /// The messages and the user-rule errors reported so far.
    pub fn into_results(self) -> (Vec<Message>, crate::rules::RuleErrors) {
        (self.messages, self.errors)
    }
}
