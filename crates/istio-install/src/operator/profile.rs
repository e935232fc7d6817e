//! The embedded profiles (`profiles/*.yaml`).

use include_dir::{include_dir, Dir};

static PROFILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../profiles");

/// The profile every other profile is merged onto.
pub const DEFAULT_PROFILE: &str = "default";

/// Names of the embedded profiles, sorted.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PROFILES
        .files()
        .filter_map(|f| {
            let path = f.path();
            (path.extension()? == "yaml").then_some(())?;
            path.file_stem()?.to_str()
        })
        .collect();
    names.sort_unstable();
    names
}

/// The YAML text of a profile, with its file name for diagnostics.
pub fn source(name: &str) -> Option<(String, &'static str)> {
    let file = PROFILES.get_file(format!("{name}.yaml"))?;
    Some((format!("profiles/{name}.yaml"), file.contents_utf8()?))
}
