//! Turns the message catalog (`analyzers/messages.yaml` at the project root) into Rust at build
//! time: one typed constant per code (`catalog::codes::IST0101`), so a run does not parse YAML,
//! an analyzer cannot name a code the catalog lacks, and a broken catalog fails the build with
//! the entry at fault.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

const CATALOG: &str = "../../analyzers/messages.yaml";
const LEVELS: [&str; 3] = ["Info", "Warning", "Error"];

/// One catalog entry as written in the YAML file (see `src/catalog.rs`).
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
            code.len() == 7
                && code.starts_with("IST")
                && code[3..].bytes().all(|b| b.is_ascii_digit()),
            "{CATALOG}: {code:?} is not a code like IST0101"
        );
        assert!(
            by_code.insert(code.clone(), e).is_none(),
            "{CATALOG}: {code} appears twice"
        );
    }
    // One constant per code (`codes::IST0101`), and the table of them sorted by code, which
    // `Code::parse` searches by binary search.
    let mut out = String::new();
    for e in by_code.values() {
        let _ = writeln!(
            out,
            "/// `{}` ({}): {}\npub const {}: Code = Code(&Entry {{ code: {:?}, name: {:?}, \
             level: Level::{}, description: {:?}, message: {:?}, hint: {:?}, args: &{:?} }});",
            e.name,
            e.level,
            e.description.replace('`', "'"),
            e.code,
            e.code,
            e.name,
            e.level,
            e.description,
            e.message,
            e.hint,
            e.args
        );
    }
    out.push_str("\n/// Every code, sorted.\npub(super) static ALL: &[Code] = &[\n");
    for e in by_code.values() {
        let _ = writeln!(out, "    {},", e.code);
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("codes.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
