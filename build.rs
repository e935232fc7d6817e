//! Turns the message catalog (`analyzers/messages.yaml`) into a Rust table at build time, so a
//! run does not parse YAML for it and a broken catalog fails the build with the entry at fault.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

const CATALOG: &str = "analyzers/messages.yaml";
const LEVELS: [&str; 3] = ["Info", "Warning", "Error"];

/// One catalog entry as written in the YAML file (see `src/analysis/catalog.rs`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    name: String,
    level: String,
    description: String,
    message: String,
    #[serde(default)]
    hint: String,
    #[serde(default)]
    args: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    messages: Vec<Entry>,
}

fn main() {
    println!("cargo::rerun-if-changed={CATALOG}");
    let text =
        std::fs::read_to_string(CATALOG).unwrap_or_else(|e| panic!("cannot read {CATALOG}: {e}"));
    let file: File =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{CATALOG} is invalid: {e}"));
    let mut by_code = BTreeMap::new();
    for e in file.messages {
        assert!(
            LEVELS.contains(&e.level.as_str()),
            "{CATALOG}: {} has level {:?}; use one of {LEVELS:?}",
            e.code,
            e.level
        );
        let code = e.code.clone();
        assert!(
            by_code.insert(code.clone(), e).is_none(),
            "{CATALOG}: {code} appears twice"
        );
    }
    // Sorted by code: `catalog::entry` finds a code by binary search.
    let mut out = String::from("[\n");
    for e in by_code.values() {
        let _ = writeln!(
            out,
            "    Entry {{ code: {:?}, name: {:?}, level: Level::{}, description: {:?}, \
             message: {:?}, hint: {:?}, args: &{:?} }},",
            e.code, e.name, e.level, e.description, e.message, e.hint, e.args
        );
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
