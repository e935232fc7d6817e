//! Typing of plain YAML scalars (YAML 1.2 core schema), and of explicitly tagged ones.

use crate::tree::Scalar;

/// Types a plain (unquoted) scalar as the YAML 1.2 core schema does.
pub fn plain(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(text) {
        return n;
    }
    float(text).unwrap_or(Scalar::Str(text))
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

fn integer(text: &str) -> Option<Scalar<'_>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok();
    Some(match (negative, magnitude) {
        (false, Some(m)) => i64::try_from(m).map_or(Scalar::UInt(m), Scalar::Int),
        (true, Some(m)) if m <= i64::MAX as u64 + 1 => {
            Scalar::Int((m as i128).wrapping_neg() as i64)
        }
        // Out of the 64-bit range: keep the value as a float, as JSON decoders do.
        _ => Scalar::Float(finite(text.parse::<f64>().ok()?)?),
    })
}

fn float(text: &str) -> Option<Scalar<'_>> {
    let body = text.trim_start_matches(['-', '+']);
    let special = matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN");
    if special {
        // JSON has no infinities or NaN: keep the text.
        return Some(Scalar::Str(text));
    }
    let looks_numeric = !body.is_empty()
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && body.chars().any(|c| c.is_ascii_digit());
    if !looks_numeric {
        return None;
    }
    finite(text.parse().ok()?).map(Scalar::Float)
}

/// JSON has no infinities or NaN.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema() {
        assert_eq!(plain("~"), Scalar::Null);
        assert_eq!(plain("True"), Scalar::Bool(true));
        assert_eq!(plain("yes"), Scalar::Str("yes"));
        assert_eq!(plain("42"), Scalar::Int(42));
        assert_eq!(plain("-7"), Scalar::Int(-7));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("18446744073709551615"), Scalar::UInt(u64::MAX));
        assert_eq!(plain("1.5"), Scalar::Float(1.5));
        assert_eq!(plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(plain("10m"), Scalar::Str("10m"));
        assert_eq!(plain("1.2.3"), Scalar::Str("1.2.3"));
        assert_eq!(plain("-"), Scalar::Str("-"));
        assert_eq!(plain("e3"), Scalar::Str("e3"));
        assert_eq!(plain(".inf"), Scalar::Str(".inf"));
    }
}
