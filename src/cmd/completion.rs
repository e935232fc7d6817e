//! `istioctl completion SHELL`: shell completion scripts generated from the CLI definition.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;

/// The shells we generate completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// GNU bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
    /// PowerShell
    Powershell,
}

impl From<CompletionShell> for Shell {
    fn from(shell: CompletionShell) -> Self {
        match shell {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
            CompletionShell::Powershell => Shell::PowerShell,
        }
    }
}

/// Arguments of `istioctl completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate the script for
    pub shell: CompletionShell,
}

/// Renders the completion script for `shell` into a string.
pub fn script(shell: CompletionShell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(
        Shell::from(shell),
        &mut Cli::command(),
        "istioctl",
        &mut buf,
    );
    String::from_utf8_lossy(&buf).into_owned()
}

/// Prints the completion script on stdout.
pub fn run(args: &CompletionArgs) -> miette::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth reporting.
    let _ = out.write_all(script(args.shell).as_bytes());
    Ok(ExitCode::SUCCESS)
}
