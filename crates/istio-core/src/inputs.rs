//! Local inputs shared by `analyze` and `validate`: files, directories walked in a stable order,
//! and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// What one named input (or a file found below a directory) turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file to read (or `-` for stdin).
    File(PathBuf),
    /// A file below a directory that is not `.yaml`, `.yml` or `.json`.
    Skipped(PathBuf),
    /// A directory that could not be listed, and why.
    Unreadable(PathBuf, String),
}

/// True for the extensions we read from directories.
pub fn has_yaml_extension(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Expands the inputs: files as given, directories walked in sorted order (into
/// subdirectories when `recursive`); `-` stands for stdin.
pub fn expand(inputs: &[PathBuf], recursive: bool) -> Vec<Input> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" || !input.is_dir() {
            out.push(Input::File(input.clone()));
            continue;
        }
        let mut stack = vec![input.clone()];
        while let Some(dir) = stack.pop() {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    out.push(Input::Unreadable(
                        dir,
                        format!("cannot read directory: {e}"),
                    ));
                    continue;
                }
            };
            entries.sort();
            let mut subdirs = Vec::new();
            for path in entries {
                if path.is_dir() {
                    if recursive {
                        subdirs.push(path);
                    }
                } else if has_yaml_extension(&path) {
                    out.push(Input::File(path));
                } else {
                    out.push(Input::Skipped(path));
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
    }
    out
}

/// Reads a file's bytes, or stdin's for `-`.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_directories_in_order_and_skips_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        for f in ["b.yaml", "a.json", "notes.txt", "sub/c.yml"] {
            std::fs::write(root.join(f), "x: 1\n").expect("write");
        }
        let got = expand(&[root.to_path_buf(), PathBuf::from("-")], true);
        assert_eq!(
            got,
            vec![
                Input::File(root.join("a.json")),
                Input::File(root.join("b.yaml")),
                Input::Skipped(root.join("notes.txt")),
                Input::File(root.join("sub/c.yml")),
                Input::File(PathBuf::from("-")),
            ]
        );
        let flat = expand(&[root.to_path_buf()], false);
        assert!(!flat.contains(&Input::File(root.join("sub/c.yml"))));
    }
}
