//! Messages reported by analyzers: a catalog code, its arguments, the resource and field.

use std::fmt;

use super::catalog::Code;
use super::resource::ResourceId;

/// Severity of a message, ordered `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
pub enum Level {
    /// Informational.
    Info,
    /// Likely a problem.
    Warning,
    /// A definite problem.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Info => "Info",
            Level::Warning => "Warning",
            Level::Error => "Error",
        })
    }
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Level::Info),
            "warning" | "warn" => Ok(Level::Warning),
            "error" => Ok(Level::Error),
            _ => Err(format!(
                "unknown level {s:?}: expected Info, Warning or Error"
            )),
        }
    }
}

/// One finding: which catalog entry, with which arguments, about which resource and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The catalog code, e.g. `IST0101`.
    pub code: Code,
    /// Arguments filling the catalog's wording and hint, in order.
    pub args: Vec<String>,
    /// The resource the message is about, if any.
    pub resource: Option<ResourceId>,
    /// Dotted path of the offending field (`spec.http[0].route[0].destination.host`), if known.
    pub field: Option<String>,
}

impl Message {
    /// A message about `resource`.
    pub fn new(code: Code, resource: ResourceId, args: Vec<String>) -> Self {
        Message {
            code,
            args,
            resource: Some(resource),
            field: None,
        }
    }

    /// Points the message at a field of its resource.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}
