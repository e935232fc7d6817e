//! What several commands do with the terminal: write to stdout (a closed pipe is not an
//! error), ask for confirmation, and run cluster work until it ends or Ctrl-C stops it.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use miette::miette;

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> miette::Result<()> {
    stream_stdout(|out| out.write_all(text.as_bytes()))
}

/// Writes to stdout through a buffer; a closed pipe is not an error.
pub fn stream_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> miette::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(miette!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Asks `question` on the terminal; `yes` answers it. Without a terminal on stdin it refuses,
/// since nobody can answer.
pub fn confirm(question: &str, yes: bool) -> miette::Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(miette!(
            help = "pass -y (--skip-confirmation) to proceed without a prompt",
            "refusing to proceed without confirmation: stdin is not a terminal"
        ));
    }
    eprint!("{question} (y/N) ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| miette!("cannot read the answer: {e}"))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Runs a cluster command until it ends or Ctrl-C stops it.
pub fn run_interruptible<F>(work: F) -> miette::Result<ExitCode>
where
    F: std::future::Future<Output = miette::Result<ExitCode>>,
{
    istio_kube::runtime()?.block_on(async {
        tokio::select! {
            result = work => result,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("\n\u{2718} Interrupted: stopped before finishing. Every object applied so far is complete; run the same command again to converge.");
                Ok(ExitCode::from(EXIT_INTERRUPTED))
            }
        }
    })
}
