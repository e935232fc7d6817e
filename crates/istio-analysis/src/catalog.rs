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

/// A message code: one of the catalog's constants ([`codes`], generated from the catalog, the
/// only codes a built-in analyzer can name), or a user rule's own code, which exists only once
/// [`Code::register_user`] has checked and registered the rule's entry at run time.
#[derive(Clone, Copy)]
pub struct Code(&'static Entry);

/// Where a user rule's code comes from: its rule file, and the page documenting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserOrigin {
    /// The analyzer (rule) name.
    pub analyzer: String,
    /// The rule file, as found.
    pub file: String,
    /// The line of the rule's `code` in that file.
    pub line: u32,
    /// The rule's documentation URL (its `url`, or empty).
    pub url: String,
}

/// Codes registered by user rules, sorted by code.
fn user_codes() -> &'static std::sync::RwLock<Vec<(Code, &'static UserOrigin)>> {
    static USER: std::sync::RwLock<Vec<(Code, &'static UserOrigin)>> =
        std::sync::RwLock::new(Vec::new());
    &USER
}

/// A user code that cannot be registered: why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserCodeError {
    /// Not letters followed by digits, e.g. `USR0001`.
    #[error("code {0:?} is not an upper-case prefix and digits, like USR0001")]
    Malformed(String),
    /// The `IST` prefix belongs to Istio's catalog.
    #[error(
        "code {0:?} uses Istio's prefix IST; give user rules a prefix of their own, like USR0001"
    )]
    Reserved(String),
}

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
    /// has it or a loaded user rule registered it.
    pub fn parse(text: &str) -> Option<Code> {
        codes::ALL
            .binary_search_by(|c| c.as_str().cmp(text))
            .ok()
            .map(|i| codes::ALL[i])
            .or_else(|| Code::user(text).map(|(c, _)| c))
    }

    /// Registers a user rule's entry (its code must not be Istio's `IST…`) and returns its code.
    /// Registering a code again replaces the earlier entry (the same rule loaded twice, e.g. by
    /// two runs in one process); rule loading refuses two rules with one code in one run.
    pub fn register_user(entry: Entry, origin: UserOrigin) -> Result<Code, UserCodeError> {
        let code = entry.code;
        let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
        let digits = &code[letters..];
        if letters == 0 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UserCodeError::Malformed(code.to_owned()));
        }
        if code.starts_with("IST") {
            return Err(UserCodeError::Reserved(code.to_owned()));
        }
        // Rules are loaded once per run and live as long as it: their entries are leaked.
        let new = Code(Box::leak(Box::new(entry)));
        let origin: &'static UserOrigin = Box::leak(Box::new(origin));
        let mut user = user_codes().write().unwrap_or_else(|e| e.into_inner());
        match user.binary_search_by(|(c, _)| c.as_str().cmp(code)) {
            Ok(i) => user[i] = (new, origin),
            Err(i) => user.insert(i, (new, origin)),
        }
        Ok(new)
    }

    /// A registered user code and where it comes from.
    pub fn user(text: &str) -> Option<(Code, &'static UserOrigin)> {
        let user = user_codes().read().unwrap_or_else(|e| e.into_inner());
        user.binary_search_by(|(c, _)| c.as_str().cmp(text))
            .ok()
            .map(|i| user[i])
    }

    /// Where the code comes from, when a user rule registered it.
    pub fn user_origin(self) -> Option<&'static UserOrigin> {
        Code::user(self.as_str())
            .filter(|(c, _)| std::ptr::eq(c.0, self.0))
            .map(|(_, o)| o)
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

/// The documentation page istio.io keeps for a code; for a user rule's code, the rule's own
/// `url` (empty when it has none).
pub fn documentation_url(code: &str) -> String {
    if let Some((_, origin)) = Code::user(code) {
        return origin.url.clone();
    }
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
