//! The committed scripts in `completions/` must match what the CLI generates.
//! Run with `UPDATE_COMPLETIONS=1` to rewrite them after changing the CLI.

use istioctl::cmd::completion::{script, CompletionShell};

#[test]
fn completions_are_in_sync_with_the_cli() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in [
        (CompletionShell::Bash, "istioctl.bash"),
        (CompletionShell::Zsh, "_istioctl"),
        (CompletionShell::Fish, "istioctl.fish"),
    ] {
        let path = dir.join(file);
        let want = script(shell);
        if update {
            std::fs::write(&path, &want).expect("write completion file");
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{stale:?} drifted from the CLI; run `UPDATE_COMPLETIONS=1 cargo test --test completions`"
    );
}
