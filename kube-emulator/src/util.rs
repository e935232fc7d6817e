//! Small helpers: timestamps, random identifiers, duration parsing, JSON paths.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

/// The current UTC time as RFC 3339 with second precision, as Kubernetes writes timestamps.
pub(crate) fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs as i64, None)
}

/// Seconds since the epoch as RFC 3339 UTC; with `micros`, six fractional digits (MicroTime).
pub(crate) fn rfc3339(secs: i64, micros: Option<u32>) -> String {
    let nanos = micros.map_or(0, |m| m.saturating_mul(1_000));
    let format = if micros.is_some() {
        SecondsFormat::Micros
    } else {
        SecondsFormat::Secs
    };
    DateTime::from_timestamp(secs, nanos)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .to_rfc3339_opts(format, true)
}

/// Seconds since the epoch and nanoseconds of an RFC 3339 UTC timestamp
/// (`2026-01-02T03:04:05Z`, `2026-01-02T03:04:05.123456Z`).
pub(crate) fn parse_rfc3339(text: &str) -> Option<(i64, u32)> {
    let at = DateTime::parse_from_rfc3339(text).ok()?;
    Some((at.timestamp(), at.timestamp_subsec_nanos()))
}

/// 64 random bits from the standard library's per-process randomly keyed hasher.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    hasher.finish()
}

/// A random lowercase hex string of `len` characters.
pub(crate) fn random_hex(len: usize) -> String {
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        out.push_str(&format!("{:016x}", random_u64()));
    }
    out.truncate(len);
    out
}

/// A random UUID (version 4 layout), as Kubernetes uses for `metadata.uid`.
pub(crate) fn new_uid() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The value at a path of object keys, if every step exists.
pub(crate) fn get_path<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// A string field under `metadata`.
pub(crate) fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(field)?.as_str()
}

/// `metadata` as a mutable map, created when missing or not a map.
pub(crate) fn meta_mut(obj: &mut Value) -> &mut serde_json::Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(serde_json::Map::new());
    }
    let map = obj.as_object_mut().expect("object ensured above");
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(serde_json::Map::new());
    }
    meta.as_object_mut().expect("object ensured above")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(rfc3339(1_767_323_045, None), "2026-01-02T03:04:05Z");
        assert_eq!(
            rfc3339(1_767_323_045, Some(123_456)),
            "2026-01-02T03:04:05.123456Z"
        );
        assert_eq!(
            parse_rfc3339("2026-01-02T03:04:05.123456Z"),
            Some((1_767_323_045, 123_456_000))
        );
        assert_eq!(parse_rfc3339("2026-01-02 03:04"), None);
    }

    #[test]
    fn timestamp_shape() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.ends_with('Z'));
    }

    #[test]
    fn uid_shape() {
        let u = new_uid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
    }
}
