//! One module per subcommand, and the dispatcher that runs them.

pub mod analyze;
pub mod check_inject;
pub mod completion;
pub mod dashboard;
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

/// Exit code of a usage error: an unknown command or flag, a bad flag value, a malformed
/// argument (istioctl's `ExitIncorrectUsage`, sysexits' `EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// Parses the command line, runs the subcommand and turns its outcome into an exit code, as
/// istioctl defines them (`istioctl/cmd/sysexits.go`): usage errors (clap's, and
/// [`istio_analysis::UsageError`]) exit 64; other errors are rendered as miette diagnostics on
/// stderr and exit 1; `--help` and `--version` exit 0. Commands choose their other codes
/// (`analyze`: 65, 79).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            if report
                .downcast_ref::<istio_analysis::UsageError>()
                .is_some()
            {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::from(1)
            }
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
        Command::Upgrade(args) => install::upgrade(&args, &cli.global),
        Command::Uninstall(args) => uninstall::run(&args, &cli.global),
        Command::KubeInject(args) => kube_inject::run(&args, &cli.global),
        Command::VerifyInstall(args) => verify_install::run(&args, &cli.global),
        Command::Dashboard(args) => dashboard::run(&args, &cli.global),
        Command::Tag(args) => tag::run(&args, &cli.global),
        Command::X(args) => precheck::run(&args, &cli.global),
    }
}
