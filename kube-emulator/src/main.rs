//! `kube-emulator`: runs the emulator until Ctrl-C, printing its URL and writing a kubeconfig.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use istio_core::duration::parse_flag as parse_duration;
use kube_emulator::{Config, Emulator, FaultKind, Faults, Readiness, User};

/// An in-memory Kubernetes API server on 127.0.0.1, for tests.
#[derive(Parser, Debug)]
#[command(name = "kube-emulator", version)]
struct Args {
    /// TCP port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Write a kubeconfig for the emulator to this file.
    #[arg(long, value_name = "FILE")]
    kubeconfig_out: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    plain_http: bool,
    /// The bearer token clients must send (default: random).
    #[arg(long)]
    token: Option<String>,
    /// When workloads become ready: a delay such as 2s or 500ms, or `never`.
    #[arg(long, default_value = "0s", value_parser = Readiness::parse)]
    ready_after: Readiness,
    /// Fraction of resource requests that fail (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Seed of the fault sequence.
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
    /// Kinds of fault, comma-separated: 429, 5xx, drop.
    #[arg(long, value_delimiter = ',', default_value = "429,5xx,drop", value_parser = FaultKind::parse)]
    faults: Vec<FaultKind>,
    /// Latency added to each resource request, e.g. 10ms.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    latency: Duration,
    /// Print one line per request to stderr.
    #[arg(long)]
    log: bool,
    /// Enforce RBAC for users other than the administrator.
    #[arg(long)]
    rbac: bool,
    /// A further user: TOKEN=NAME or TOKEN=NAME:GROUP1,GROUP2 (repeatable).
    #[arg(long = "user", value_name = "TOKEN=NAME[:GROUPS]", value_parser = parse_user)]
    users: Vec<User>,
    /// Refuse WebSocket port forwarding (serve SPDY/3.1 only), as some proxies do.
    #[arg(long)]
    no_websocket_port_forward: bool,
}

fn parse_user(text: &str) -> Result<User, String> {
    let (token, rest) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected TOKEN=NAME or TOKEN=NAME:GROUP,GROUP"))?;
    let (name, groups) = rest.split_once(':').unwrap_or((rest, ""));
    if token.is_empty() || name.is_empty() {
        return Err(format!(
            "{text:?}: the token and the user name must not be empty"
        ));
    }
    Ok(User {
        token: token.into(),
        name: name.into(),
        groups: groups
            .split(',')
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.fault_rate) {
        eprintln!("error: --fault-rate must be between 0.0 and 1.0");
        return ExitCode::from(2);
    }
    let config = Config {
        port: args.port,
        plain_http: args.plain_http,
        token: args.token,
        readiness: args.ready_after,
        faults: Faults {
            rate: args.fault_rate,
            seed: args.fault_seed,
            kinds: args.faults,
            latency: args.latency,
        },
        log_requests: args.log,
        rbac: args.rbac,
        users: args.users,
        websocket_port_forward: !args.no_websocket_port_forward,
    };
    let handle = match Emulator::start(config) {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("error: cannot start the emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.kubeconfig_out {
        if let Err(e) = handle.write_kubeconfig(path) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("{}", handle.url());
    let waited = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|rt| rt.block_on(tokio::signal::ctrl_c()));
    if let Err(e) = waited {
        eprintln!("error: waiting for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
