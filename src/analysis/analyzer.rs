//! The analyzer interface and the context analyzers read from and report into.

use super::kinds::Kind;
use super::mesh::MeshConfig;
use super::message::Message;
use super::resource::ResourceId;
use super::store::Store;

/// One analyzer: named as Istio names it, reading only the kinds it declares.
pub trait Analyzer: Send + Sync {
    /// Istio's name, e.g. `gateway.ConflictingGatewayAnalyzer`.
    fn name(&self) -> &'static str;
    /// One sentence for `istioctl analyze -L`.
    fn description(&self) -> &'static str;
    /// The kinds it reads; a live cluster fetches only these.
    fn inputs(&self) -> &'static [Kind];
    /// Examines the store and reports messages into `ctx`.
    fn analyze(&self, ctx: &mut Context<'_>);
}

/// What an analyzer sees: the resources, the mesh configuration, and where to report.
pub struct Context<'a> {
    /// All resources.
    pub store: &'a Store,
    /// Mesh configuration in effect.
    pub mesh: &'a MeshConfig,
    /// The Istio control-plane namespace (`-i`).
    pub istio_namespace: &'a str,
    messages: Vec<Message>,
}

impl<'a> Context<'a> {
    /// A context with no messages yet.
    pub fn new(store: &'a Store, mesh: &'a MeshConfig, istio_namespace: &'a str) -> Self {
        Context {
            store,
            mesh,
            istio_namespace,
            messages: Vec::new(),
        }
    }

    /// Reports a message.
    pub fn report(&mut self, message: Message) {
        self.messages.push(message);
    }

    /// Reports `code` about `resource` with `args`, optionally at a field path.
    pub fn report_at(
        &mut self,
        code: &'static str,
        resource: ResourceId,
        args: Vec<String>,
        field: Option<String>,
    ) {
        self.messages.push(Message {
            code,
            args,
            resource: Some(resource),
            field,
        });
    }

    /// The messages reported so far.
    pub fn into_messages(self) -> Vec<Message> {
        self.messages
    }
}
