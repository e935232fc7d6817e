//! `upgrade`'s gate: which Istio release runs the control plane being upgraded, and whether
//! this release may replace it in place. Istio supports in-place upgrades to a newer release
//! at most [`MAX_MINOR_SKIP`] minor versions ahead; a downgrade is refused.

use std::fmt;

use istio_api::release::ISTIO_VERSION;
use istio_kube::Cluster;

use crate::apply::control_planes;
use crate::record::recorded;

/// How many minor versions one upgrade may move forward (e.g. 1.28 → 1.30).
pub const MAX_MINOR_SKIP: u64 = 2;

/// A release number `MAJOR.MINOR.PATCH` (a missing patch is 0; suffixes such as `-dev` or
/// `-distroless` are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
}

impl Release {
    /// Parses `1.30.3`, `v1.30.3`, `1.30`, `1.30.3-distroless`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Release {
            major,
            minor,
            patch,
        })
    }

    /// The release this binary installs.
    pub fn current() -> Option<Release> {
        Release::parse(ISTIO_VERSION)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Where the installed release was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The record of the install (`installed-state[-REVISION]` ConfigMap).
    Record(String),
    /// The image tag of the revision's istiod Deployment.
    Istiod(String),
    /// Given on the command line (`x precheck --from-version`).
    Flag,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Record(name) => write!(f, "recorded in ConfigMap {name}"),
            Source::Istiod(name) => write!(f, "image tag of Deployment {name}"),
            Source::Flag => f.write_str("given with --from-version"),
        }
    }
}

/// Why an upgrade is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum UpgradeError {
    /// Nothing of the revision is installed.
    #[error("no Istio control plane of revision {revision:?} is installed in namespace {namespace}: nothing to upgrade")]
    #[diagnostic(help(
        "install it with `istioctl install` (or name the installed revision with -r)"
    ))]
    NotInstalled {
        /// The revision.
        revision: String,
        /// The control plane namespace.
        namespace: String,
    },
    /// The installed version is not a release number.
    #[error("cannot tell which Istio release revision {revision:?} runs: {version:?} ({source_}) is not a release number")]
    #[diagnostic(help(
        "reinstall with `istioctl install`, which replaces the control plane without the upgrade checks"
    ))]
    UnknownVersion {
        /// The revision.
        revision: String,
        /// What was read.
        version: String,
        /// Where it was read.
        source_: Source,
    },
    /// The installed release is newer than this one.
    #[error("refusing to downgrade revision {revision:?} from Istio {from} ({source_}) to {to}")]
    #[diagnostic(help(
        "use the istioctl of release {from} or newer, or install {to} beside it as a new revision with `istioctl install --revision NAME`"
    ))]
    Downgrade {
        /// The revision.
        revision: String,
        /// The installed release.
        from: Release,
        /// This release.
        to: Release,
        /// Where the installed release was read.
        source_: Source,
    },
    /// The upgrade skips more minor versions than Istio supports.
    #[error("refusing to upgrade revision {revision:?} from Istio {from} ({source_}) to {to}: Istio upgrades across at most {MAX_MINOR_SKIP} minor versions")]
    #[diagnostic(help(
        "upgrade in steps (to {}.{} first, with that release's istioctl), or install {to} beside it as a new revision with `istioctl install --revision NAME` and move the workloads over",
        .from.major, .from.minor + MAX_MINOR_SKIP
    ))]
    TooFar {
        /// The revision.
        revision: String,
        /// The installed release.
        from: Release,
        /// This release.
        to: Release,
        /// Where the installed release was read.
        source_: Source,
    },
}

/// Checks that `to` may replace `from` in place.
pub fn check(
    revision: &str,
    from: &str,
    source: Source,
    to: Release,
) -> Result<Release, UpgradeError> {
    let Some(from_release) = Release::parse(from) else {
        return Err(UpgradeError::UnknownVersion {
            revision: revision.to_owned(),
            version: from.to_owned(),
            source_: source,
        });
    };
    if from_release > to {
        return Err(UpgradeError::Downgrade {
            revision: revision.to_owned(),
            from: from_release,
            to,
            source_: source,
        });
    }
    if from_release.major != to.major || to.minor - from_release.minor > MAX_MINOR_SKIP {
        return Err(UpgradeError::TooFar {
            revision: revision.to_owned(),
            from: from_release,
            to,
            source_: source,
        });
    }
    Ok(from_release)
}

/// The release revision `rev_label` of `namespace` runs, and where it was read: its install
/// record, else its istiod's image tag.
pub async fn installed_version(
    cluster: &Cluster,
    namespace: &str,
    rev_label: &str,
) -> miette::Result<(String, Source)> {
    let records = recorded(cluster, Some(rev_label)).await?;
    if let Some(r) = records.iter().find(|r| r.namespace == namespace) {
        let name = format!("{namespace}/{}", crate::record::record_name(&r.revision));
        return Ok((r.istio_version.clone(), Source::Record(name)));
    }
    let planes = control_planes(cluster, Some(namespace)).await?;
    match planes.into_iter().find(|p| p.revision == rev_label) {
        Some(p) => Ok((
            p.version,
            Source::Istiod(format!("{}/{}", p.namespace, p.name)),
        )),
        None => Err(UpgradeError::NotInstalled {
            revision: rev_label.to_owned(),
            namespace: namespace.to_owned(),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> Release {
        Release::parse(text).unwrap()
    }

    #[test]
    fn releases_parse_and_order() {
        assert_eq!(r("v1.30.3").to_string(), "1.30.3");
        assert_eq!(r("1.29-dev").to_string(), "1.29.0");
        assert_eq!(r("1.28.1-distroless").to_string(), "1.28.1");
        assert!(Release::parse("latest").is_none());
        assert!(Release::parse("1.2.3.4").is_none());
        assert!(r("1.30.3") > r("1.30.2"));
        assert!(r("1.9.0") < r("1.10.0"));
    }

    #[test]
    fn upgrades_move_forward_at_most_two_minor_versions() {
        let to = r("1.30.3");
        assert_eq!(
            check("default", "1.28.0", Source::Flag, to),
            Ok(r("1.28.0"))
        );
        assert_eq!(check("default", "1.30.3", Source::Flag, to), Ok(to));
        assert!(matches!(
            check("default", "1.27.4", Source::Flag, to),
            Err(UpgradeError::TooFar { .. })
        ));
        assert!(matches!(
            check("default", "1.31.0", Source::Flag, to),
            Err(UpgradeError::Downgrade { .. })
        ));
        assert!(matches!(
            check("default", "0.8.0", Source::Flag, to),
            Err(UpgradeError::TooFar { .. })
        ));
        assert!(matches!(
            check("default", "sha256:abc", Source::Flag, to),
            Err(UpgradeError::UnknownVersion { .. })
        ));
    }
}
