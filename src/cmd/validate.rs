//! `istioctl validate`: checks Istio resources in files against the Istio API, and Kubernetes'
//! own kinds (Deployment, Service, …) against their k8s-openapi types; other resources only for
//! apiVersion, kind and metadata.name. Prints `"FILE" is valid` for each valid file and every
//! problem as `Error: FILE:LINE: FIELD: message`; exits 0 when all files are valid, 1 otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args};
use istio_api::text::validate_files;
use istio_api::Level;
use miette::miette;

/// Arguments of `istioctl validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories to validate (repeatable); `-` reads stdin
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Accepted for compatibility with istioctl; has no effect (every check always runs)
    #[arg(short = 'x', long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub referential: bool,
}

/// Runs `istioctl validate`.
pub fn run(args: &ValidateArgs) -> miette::Result<ExitCode> {
    if args.files.is_empty() {
        return Err(miette!(help = "pass -f FILE", "no file provided"));
    }
    let mut failed = false;
    for (path, result) in validate_files(&args.files) {
        let problems = match result {
            Ok(problems) => problems,
            Err(message) => {
                eprintln!("Error: {}: {message}", path.display());
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let mut errors = 0;
        for p in &problems {
            let word = match p.level {
                Level::Error => {
                    errors += 1;
                    "Error"
                }
                Level::Warning => "Warning",
            };
            let place = p.line.map_or(name.clone(), |l| format!("{name}:{l}"));
            if p.path.is_empty() {
                eprintln!("{word}: {place}: {}", p.message);
            } else {
                eprintln!("{word}: {place}: {}: {}", p.path, p.message);
            }
        }
        if errors == 0 {
            println!("{name:?} is valid");
        } else {
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
