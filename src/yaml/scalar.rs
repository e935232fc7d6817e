//! Typing of plain YAML scalars (YAML 1.2 core schema), and of explicitly tagged ones.

use serde_json::{Number, Value};

/// Types a plain (unquoted) scalar as the YAML 1.2 core schema does.
pub fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(text) {
        return n;
    }
    float(text).unwrap_or_else(|| Value::String(text.to_owned()))
}

/// Types a scalar carrying a core-schema tag (`!!str`, `!!int`, …); `None` for other tags.
pub fn tagged(text: &str, suffix: &str) -> Option<Value> {
    match suffix {
        "str" => Some(Value::String(text.to_owned())),
        "null" => Some(Value::Null),
        "bool" | "int" | "float" => Some(plain(text)),
        _ => None,
    }
}

fn integer(text: &str) -> Option<Value> {
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
    let number = match (negative, magnitude) {
        (false, Some(m)) => Number::from(m),
        (true, Some(m)) if m <= i64::MAX as u64 + 1 => {
            Number::from((m as i128).wrapping_neg() as i64)
        }
        // Out of the 64-bit range: keep the value as a float, as JSON decoders do.
        _ => Number::from_f64(text.parse::<f64>().ok()?)?,
    };
    Some(Value::Number(number))
}

fn float(text: &str) -> Option<Value> {
    let body = text.trim_start_matches(['-', '+']);
    let special = matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN");
    if special {
        // JSON has no infinities or NaN: keep the text.
        return Some(Value::String(text.to_owned()));
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
    let value: f64 = text.parse().ok()?;
    Number::from_f64(value).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn core_schema() {
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("True"), json!(true));
        assert_eq!(plain("yes"), json!("yes"));
        assert_eq!(plain("42"), json!(42));
        assert_eq!(plain("-7"), json!(-7));
        assert_eq!(plain("0x1F"), json!(31));
        assert_eq!(plain("1.5"), json!(1.5));
        assert_eq!(plain("1e3"), json!(1000.0));
        assert_eq!(plain("10m"), json!("10m"));
        assert_eq!(plain("1.2.3"), json!("1.2.3"));
        assert_eq!(plain("-"), json!("-"));
        assert_eq!(plain("e3"), json!("e3"));
        assert_eq!(plain(".inf"), json!(".inf"));
    }
}
