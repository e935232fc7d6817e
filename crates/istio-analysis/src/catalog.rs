//! The message catalog (`analyzers/messages.yaml`): for each Istio code its name, level, our
//! wording and a fix hint. Wording uses `{0}`, `{1}`, … for the message's arguments. The build
//! script (`build.rs`) turns the YAML into one typed constant per code ([`codes`]): analyzers
//! report [`Code`]s, and a code the catalog lacks does not compile.

use std::fmt;

use super::message::Level;

/// One catalog entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The code, e.g. `IST0102`.
    pub code: &'static str,
    /// Istio's name for it, e.g. `NamespaceNotInjected`.
    pub name: &'static str,
    /// Its level.
    pub level: Level,
    /// What the code means, for documentation and SARIF rules.
    pub description: &'static str,
    /// The message, with `{N}` placeholders.
    pub message: &'static str,
    /// How to fix it, with `{N}` placeholders; may be empty.
    pub hint: &'static str,
    /// Names of the arguments, in order.
    pub args: &'static [&'static str],
}

/// A message code of the catalog. The only values are the constants of [`codes`], generated
/// from the catalog, so an analyzer cannot report a code the catalog lacks.
#[derive(Clone, Copy)]
pub struct Code(&'static Entry);

/// One constant per catalog code, e.g. [`codes::IST0101`] (`ReferencedResourceNotFound`).
pub mod codes {
    use super::{Code, Entry, Level};

    include!(concat!(env!("OUT_DIR"), "/codes.rs"));
}

impl Code {
    /// Its catalog entry.
    pub fn entry(self) -> &'static Entry {
        self.0
    }

    /// The code as written, e.g. `IST0101`.
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    /// The code written as `text` (e.g. in `-S` or a suppression annotation), if the catalog
    /// has it.
    pub fn parse(text: &str) -> Option<Code> {
        codes::ALL
            .binary_search_by(|c| c.as_str().cmp(text))
            .ok()
            .map(|i| codes::ALL[i])
    }

    /// Every code, sorted.
    pub fn all() -> &'static [Code] {
        codes::ALL
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fills `{N}` placeholders of `template` with `args`.
pub fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((after[..close].parse::<usize>().ok()?, close)))
        {
            Some((i, close)) => {
                out.push_str(args.get(i).map_or("", String::as_str));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// istio.io's index of analysis messages, for the Istio release we follow.
pub fn documentation_index() -> String {
    format!(
        "https://istio.io/v{}/docs/reference/config/analysis",
        istio_api::release::ISTIO_VERSION
            .rsplit_once('.')
            .map_or("", |(minor, _)| minor)
    )
}

/// The documentation page istio.io keeps for a code.
pub fn documentation_url(code: &str) -> String {
    format!("{}/{}/", documentation_index(), code.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_and_codes_are_unique_and_well_formed() {
        let all = Code::all();
        assert!(!all.is_empty());
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Code::parse("IST0101"), Some(codes::IST0101));
        assert_eq!(Code::parse("IST9999"), None);
        for e in all.iter().map(|c| c.entry()) {
            assert!(e.code.starts_with("IST") && e.code.len() == 7, "{}", e.code);
            assert!(!e.message.is_empty(), "{} has no message", e.code);
            for i in 0..e.args.len() {
                assert!(
                    e.message.contains(&format!("{{{i}}}")) || e.hint.contains(&format!("{{{i}}}")),
                    "{} never uses argument {i}",
                    e.code
                );
            }
        }
    }

    use serde::Deserialize;

    /// Istio's own catalog, as far as this check needs it.
    #[derive(Debug, Deserialize)]
    struct IstioFile {
        messages: Vec<IstioEntry>,
    }

    #[derive(Debug, Deserialize)]
    struct IstioEntry {
        name: String,
        code: String,
        level: Level,
        #[serde(default)]
        args: Vec<IstioArg>,
    }

    #[derive(Debug, Deserialize)]
    struct IstioArg {
        name: String,
    }

    #[test]
    fn catalog_covers_every_istio_code_with_same_name_level_and_args() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rel = "shared/reference/istio/analyzers/messages.yaml";
        // `shared/` beside the checkout (or beside a worktree's parent).
        let Some(path) = root.ancestors().map(|a| a.join(rel)).find(|p| p.exists()) else {
            return;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let istio: IstioFile = serde_saphyr::from_str(&text).unwrap();
        assert!(!istio.messages.is_empty());
        for m in &istio.messages {
            let e = Code::parse(&m.code)
                .unwrap_or_else(|| panic!("catalog lacks {}", m.code))
                .entry();
            assert_eq!(e.name, m.name, "name of {}", m.code);
            assert_eq!(e.level, m.level, "level of {}", m.code);
            let names: Vec<&str> = m.args.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(e.args, names, "args of {}", m.code);
        }
        assert_eq!(
            Code::all().len(),
            istio.messages.len(),
            "catalog has codes Istio lacks"
        );
    }

    #[test]
    fn fills_placeholders() {
        let args = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(fill("x {1} y {0} {2} {z}", &args), "x b y a  {z}");
    }

    #[test]
    fn documentation_urls_follow_istio() {
        assert!(documentation_url("IST0101").ends_with("/docs/reference/config/analysis/ist0101/"));
    }
}
