//! Kubernetes resource quantities in their canonical form, as the API machinery writes them
//! back: `2000m` is `2`, `1024Mi` is `1Gi`, `0.5` is `500m`.

/// Decimal suffixes by power of ten (multiples of three).
const DECIMAL: &[(&str, i32)] = &[
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("", 0),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// Binary suffixes by power of 1024.
const BINARY: &[(&str, u32)] = &[
    ("Ki", 1),
    ("Mi", 2),
    ("Gi", 3),
    ("Ti", 4),
    ("Pi", 5),
    ("Ei", 6),
];

/// Returns the canonical form of a quantity, or `None` when `s` is not a quantity.
pub fn canonical(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let (negative, digits) = match num.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    if digits.is_empty() || digits.matches('.').count() > 1 || digits.contains(['+', '-']) {
        return None;
    }
    // The value in units of 10^-9, rounded up as the API machinery rounds sub-nano values.
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut nanos: i128 = 0;
    for c in int_part.chars() {
        nanos = nanos
            .checked_mul(10)?
            .checked_add(i128::from(c.to_digit(10)?))?;
    }
    nanos = nanos.checked_mul(1_000_000_000)?;
    let mut scale: i128 = 100_000_000;
    let mut remainder = false;
    for c in frac_part.chars() {
        let d = i128::from(c.to_digit(10)?);
        if scale == 0 {
            remainder |= d != 0;
        } else {
            nanos += d * scale;
            scale /= 10;
        }
    }
    let binary = BINARY.iter().find(|(b, _)| *b == suffix);
    let exponent_form = suffix.starts_with(['e', 'E']);
    let (value, is_binary) = if let Some((_, power)) = binary {
        (nanos.checked_mul(1024i128.pow(*power))?, true)
    } else if exponent_form {
        let exp: i32 = suffix[1..].parse().ok()?;
        (scale_pow10(nanos, exp)?, false)
    } else {
        let (_, exp) = DECIMAL.iter().find(|(d, _)| *d == suffix)?;
        (scale_pow10(nanos, *exp)?, false)
    };
    let value = if remainder { value + 1 } else { value };
    let value = if negative { -value } else { value };
    let whole = value % 1_000_000_000 == 0;
    if is_binary && whole && value.abs() >= 1024 * 1_000_000_000 {
        let mut n = value / 1_000_000_000;
        let mut power = 0usize;
        while power < BINARY.len() && n % 1024 == 0 {
            n /= 1024;
            power += 1;
        }
        let suffix = if power == 0 { "" } else { BINARY[power - 1].0 };
        return Some(format!("{n}{suffix}"));
    }
    // Decimal: the largest power of 1000 that keeps the number whole.
    if value == 0 {
        return Some("0".into());
    }
    let mut exp = -9i32;
    let mut n = value;
    while exp < 18 && n % 1000 == 0 {
        n /= 1000;
        exp += 3;
    }
    if exponent_form {
        return Some(if exp == 0 {
            n.to_string()
        } else {
            format!("{n}e{exp}")
        });
    }
    let suffix = DECIMAL
        .iter()
        .find(|(_, e)| *e == exp)
        .map_or("", |(s, _)| s);
    Some(format!("{n}{suffix}"))
}

fn scale_pow10(nanos: i128, exp: i32) -> Option<i128> {
    if exp >= 0 {
        nanos.checked_mul(10i128.checked_pow(exp as u32)?)
    } else {
        let d = 10i128.checked_pow((-exp) as u32)?;
        Some(nanos / d + i128::from(nanos % d != 0))
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
        for (i, o) in [
            ("2000m", "2"),
            ("100m", "100m"),
            ("1024Mi", "1Gi"),
            ("128Mi", "128Mi"),
            ("1536Mi", "1536Mi"),
            ("0.5", "500m"),
            ("2", "2"),
            ("0", "0"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("512", "512"),
            ("1.5Gi", "1536Mi"),
            ("100Ki", "100Ki"),
            ("1e3", "1e3"),
            ("1000e0", "1e3"),
        ] {
            assert_eq!(canonical(i).as_deref(), Some(o), "{i}");
        }
        assert_eq!(canonical("abc"), None);
        assert_eq!(canonical("1x"), None);
    }
}
