//! The 14 Istio CRDs, generated from the types in `istioctl::api::types`:
//! `cargo run --example gen-crds` prints them as one YAML stream,
//! `cargo run --example gen-crds -- --write` (re)writes the committed
//! `manifests/crds/istio-crds.yaml`, which a test keeps in step with the types.

use std::path::Path;
use std::process::ExitCode;

use istioctl::api::{crds_file, crds_yaml, CRDS_PATH};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            print!("{}", crds_yaml());
            ExitCode::SUCCESS
        }
        [flag] if flag == "--write" => {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CRDS_PATH);
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, crds_file()));
            match written {
                Ok(()) => {
                    eprintln!("wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cannot write {}: {e}", path.display());
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: gen-crds [--write]");
            ExitCode::from(2)
        }
    }
}
