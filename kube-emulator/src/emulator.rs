//! Starting and stopping emulators: [`Emulator::start`] and the [`Handle`] of a running one.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use base64::Engine;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::{Config, Faults, Readiness};
use crate::controller;
use crate::server::accept_loop;
use crate::state::{LoggedRequest, State};
use crate::tls;

/// Starts emulators.
pub struct Emulator;

impl Emulator {
    /// Starts an emulator on 127.0.0.1 in a background thread with its own runtime (so it can be
    /// started from synchronous and asynchronous tests alike). It stops when the handle drops.
    pub fn start(config: Config) -> io::Result<Handle> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let tls = if config.plain_http {
            None
        } else {
            Some(tls::generate().map_err(io::Error::other)?)
        };
        let token = config
            .token
            .clone()
            .unwrap_or_else(|| crate::util::random_hex(32));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{port}");
        let (state, notices) = State::new(&config, token.clone(), format!("127.0.0.1:{port}"));
        let state = Arc::new(state);
        let (ca_pem, acceptor) = match tls {
            Some(tls) => (Some(tls.ca_pem), Some(tls.acceptor)),
            None => (None, None),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("kube-emulator")
            .enable_all()
            .build()?;
        let (stop, shutdown) = oneshot::channel();
        let runtime_handle = runtime.handle().clone();
        let shared = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("kube-emulator".into())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::spawn(controller::run(Arc::clone(&state), notices));
                    match TcpListener::from_std(listener) {
                        Ok(listener) => accept_loop(state, listener, acceptor, shutdown).await,
                        Err(e) => eprintln!("kube-emulator: cannot listen: {e}"),
                    }
                });
                runtime.shutdown_background();
            })?;
        Ok(Handle {
            url,
            port,
            ca_pem,
            token,
            state: shared,
            runtime: runtime_handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running emulator. Dropping it stops the server (open watches end).
pub struct Handle {
    url: String,
    port: u16,
    ca_pem: Option<String>,
    token: String,
    state: Arc<State>,
    runtime: tokio::runtime::Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Handle {
    /// The base URL, e.g. `https://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PEM of the CA that signed the server certificate (`None` with plain HTTP).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The bearer token clients must send.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The current (latest) resourceVersion: unchanged across requests that changed nothing.
    pub fn resource_version(&self) -> u64 {
        self.state.lock().rv()
    }

    /// Every request answered so far, in order (including faults and dropped connections).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.requests()
    }

    /// Replaces the fault injection from now on (its sequence restarts from the new seed).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Changes when workloads (Deployments, DaemonSets, StatefulSets) become ready. Those not ready yet are scheduled anew:
    /// with `Readiness::After(d)` they become ready `d` from now.
    pub fn set_readiness(&self, readiness: Readiness) {
        self.state.set_readiness(readiness);
        let _runtime = self.runtime.enter();
        controller::reschedule_workloads(&self.state);
    }

    /// A kubeconfig for this emulator: cluster, user and context `kube-emulator`.
    pub fn kubeconfig(&self) -> String {
        self.kubeconfig_for(&self.token)
    }

    /// A kubeconfig like [`Handle::kubeconfig`] with another user's token (see
    /// [`Config::users`](crate::Config::users)).
    pub fn kubeconfig_for(&self, token: &str) -> String {
        let ca = match &self.ca_pem {
            Some(pem) => format!(
                "\n    certificate-authority-data: {}",
                base64::engine::general_purpose::STANDARD.encode(pem)
            ),
            None => String::new(),
        };
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: kube-emulator
  cluster:
    server: {url}{ca}
users:
- name: kube-emulator
  user:
    token: {token}
contexts:
- name: kube-emulator
  context:
    cluster: kube-emulator
    user: kube-emulator
    namespace: default
current-context: kube-emulator
preferences: {{}}
",
            url = self.url,
        )
    }

    /// Writes [`Handle::kubeconfig`] to `path` (mode 0600 on Unix: it holds the token).
    pub fn write_kubeconfig(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        io::Write::write_all(&mut options.open(path)?, self.kubeconfig().as_bytes())
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
