//! One module per subcommand, and the dispatcher that runs them.

pub mod analyze;
pub mod completion;
pub mod install;
pub mod kube_inject;
pub mod manifest;
pub mod precheck;
pub mod profile;
pub mod progress;
pub mod table;
pub mod tag;
pub mod term;
pub mod uninstall;
pub mod validate;
pub mod verify_install;
pub mod version;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Parses the command line, runs the subcommand and turns its outcome into an exit code.
/// Errors are rendered as miette diagnostics on stderr and exit with 1. Usage errors exit with 1
/// too (clap's default is 2), as istioctl's do; `--help` and `--version` exit with 0.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> miette::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args, &cli.global),
        Command::Validate(args) => validate::run(&args),
        Command::Version(args) => version::run(&args, &cli.global),
        Command::Completion(args) => completion::run(&args),
        Command::Manifest(args) => manifest::run(&args),
        Command::Profile(args) => profile::run(&args),
        Command::Install(args) => install::run(&args, &cli.global),
        Command::Uninstall(args) => uninstall::run(&args, &cli.global),
        Command::KubeInject(args) => kube_inject::run(&args, &cli.global),
        Command::VerifyInstall(args) => verify_install::run(&args, &cli.global),
        Command::Tag(args) => tag::run(&args, &cli.global),
        Command::X(args) => precheck::run(&args, &cli.global),
    }
}
