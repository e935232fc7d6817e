//! Typing of plain YAML scalars as Kubernetes reads them (sigs.k8s.io/yaml over go-yaml v2,
//! YAML 1.1 style: `yes`/`no`/`on`/`off` are booleans, `0777` is octal), and of explicitly
//! tagged ones. The result is what the JSON Kubernetes builds from the YAML holds: a float that
//! is a whole number is written (and so read back) as an integer.

use crate::tree::Scalar;

/// Types a plain (unquoted) scalar as go-yaml v2 resolves it for Kubernetes.
pub fn plain(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false)
        }
        // JSON has no infinities or NaN (Kubernetes refuses them): keep the text.
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Scalar::Str(text),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => float(text).unwrap_or(Scalar::Str(text)),
        b'+' | b'-' | b'0'..=b'9' => {
            let plain = text.replace('_', "");
            integer(&plain)
                .or_else(|| yaml_style_float(&plain))
                .unwrap_or(Scalar::Str(text))
        }
        _ => Scalar::Str(text),
    }
}

/// Types a scalar carrying a core-schema tag (`!!str`, `!!int`, …); `None` for other tags.
pub fn tagged<'t>(text: &'t str, suffix: &str) -> Option<Scalar<'t>> {
    match suffix {
        "str" => Some(Scalar::Str(text)),
        "null" => Some(Scalar::Null),
        "bool" | "int" | "float" => Some(plain(text)),
        _ => None,
    }
}

/// An integer as Go's `strconv.ParseInt(text, 0, 64)` (else `ParseUint`) reads it: an optional
/// sign, then `0x`, `0o`, `0b` or a leading `0` (octal) for the base.
fn integer(text: &str) -> Option<Scalar<'static>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    match (negative, i64::try_from(magnitude)) {
        (false, Ok(n)) => Some(Scalar::Int(n)),
        (false, Err(_)) => Some(Scalar::UInt(magnitude)),
        (true, _) if magnitude <= i64::MAX as u64 + 1 => {
            Some(Scalar::Int((magnitude as i128).wrapping_neg() as i64))
        }
        (true, _) => None,
    }
}

/// go-yaml's float syntax for scalars that start like a number:
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn yaml_style_float(text: &str) -> Option<Scalar<'static>> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    number(text.parse().ok()?)
}

/// A float as Go's `strconv.ParseFloat` reads it (for scalars starting with `.`).
fn float(text: &str) -> Option<Scalar<'static>> {
    let body = text.trim_start_matches(['-', '+']);
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    number(text.parse().ok()?)
}

/// A float as JSON carries it: infinities and NaN are not numbers; a whole number in the range
/// Go writes without an exponent (below 1e21) is an integer.
fn number(value: f64) -> Option<Scalar<'static>> {
    if !value.is_finite() {
        return None;
    }
    if value.fract() == 0.0 && value.abs() < 1e21 {
        if value >= i64::MIN as f64 && value < i64::MAX as f64 {
            return Some(Scalar::Int(value as i64));
        }
        if value >= 0.0 && value < u64::MAX as f64 {
            return Some(Scalar::UInt(value as u64));
        }
    }
    Some(Scalar::Float(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_reads_yaml_as_go_yaml_v2_does() {
        assert_eq!(plain("~"), Scalar::Null);
        assert_eq!(plain("True"), Scalar::Bool(true));
        for yes in ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"] {
            assert_eq!(plain(yes), Scalar::Bool(true), "{yes}");
        }
        for no in ["n", "no", "NO", "off", "Off", "OFF", "false"] {
            assert_eq!(plain(no), Scalar::Bool(false), "{no}");
        }
        assert_eq!(plain("yEs"), Scalar::Str("yEs"));
        assert_eq!(plain("42"), Scalar::Int(42));
        assert_eq!(plain("+42"), Scalar::Int(42));
        assert_eq!(plain("-7"), Scalar::Int(-7));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("-0x1F"), Scalar::Int(-31));
        assert_eq!(plain("0o17"), Scalar::Int(15));
        assert_eq!(plain("0b101"), Scalar::Int(5));
        assert_eq!(plain("0777"), Scalar::Int(511));
        assert_eq!(plain("1_000"), Scalar::Int(1000));
        // Not octal, but a float by go-yaml's float syntax: 8.
        assert_eq!(plain("08"), Scalar::Int(8));
        assert_eq!(plain("18446744073709551615"), Scalar::UInt(u64::MAX));
        assert_eq!(plain("1.5"), Scalar::Float(1.5));
        assert_eq!(plain(".5"), Scalar::Float(0.5));
        assert_eq!(plain("1."), Scalar::Int(1));
        // Whole floats are integers in the JSON Kubernetes makes.
        assert_eq!(plain("1e3"), Scalar::Int(1000));
        assert_eq!(plain("2.0"), Scalar::Int(2));
        assert_eq!(plain("1e21"), Scalar::Float(1e21));
        assert_eq!(plain("10m"), Scalar::Str("10m"));
        assert_eq!(plain("1.2.3"), Scalar::Str("1.2.3"));
        assert_eq!(plain("1.2.3.4"), Scalar::Str("1.2.3.4"));
        assert_eq!(plain("-"), Scalar::Str("-"));
        assert_eq!(plain("e3"), Scalar::Str("e3"));
        assert_eq!(plain("2001-12-14"), Scalar::Str("2001-12-14"));
        assert_eq!(plain(".inf"), Scalar::Str(".inf"));
        assert_eq!(plain("0x"), Scalar::Str("0x"));
    }
}
