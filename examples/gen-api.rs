//! The files generated from the types in `istio_api::types`: the 15 Istio CRDs and the
//! kinds' validation schemas. `cargo run --example gen-api` prints the CRDs as one YAML stream;
//! `cargo run --example gen-api -- --write` (re)writes the committed
//! `manifests/crds/istio-crds.yaml` and `crates/istio-api/src/schemas/*.json`, which tests keep in step with
//! the types.

use std::path::Path;
use std::process::ExitCode;

use istio_api::{crds_file, schema_files, CRDS_PATH, SCHEMAS_PATH};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            print!("{}", crds_file());
            ExitCode::SUCCESS
        }
        [flag] if flag == "--write" => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut files = vec![(root.join(CRDS_PATH), crds_file())];
            files.extend(
                schema_files()
                    .into_iter()
                    .map(|(name, text)| (root.join(SCHEMAS_PATH).join(name), text)),
            );
            for (path, text) in files {
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&path, text));
                if let Err(e) = written {
                    eprintln!("cannot write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: gen-api [--write]");
            ExitCode::from(2)
        }
    }
}
