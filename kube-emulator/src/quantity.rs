//! Resource quantities (`500m`, `1Gi`, `1e3`) parsed as `resource.ParseQuantity` does, with its
//! errors, and their values for comparisons.

/// `resource.ErrFormatWrong`.
pub(crate) const FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// `resource.ErrSuffix`.
pub(crate) const SUFFIX: &str = "unable to parse quantity's suffix";
/// `resource.ErrNumeric`.
pub(crate) const NUMERIC: &str = "unable to parse numeric part of quantity";

/// The value of a quantity, or the API server's error for it.
pub(crate) fn parse(text: &str) -> Result<f64, &'static str> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    // The number: an optional sign, then digits and dots.
    let digits = number.strip_prefix(['+', '-']).unwrap_or(number);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(FORMAT);
    }
    // The suffix: letters of [eEinumkKMGTP], then an optional signed exponent.
    let letters_end = suffix
        .find(|c: char| !"eEinumkKMGTP".contains(c))
        .unwrap_or(suffix.len());
    let (letters, exponent) = suffix.split_at(letters_end);
    let exponent_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if !exponent_digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FORMAT);
    }
    if digits.matches('.').count() > 1 || digits == "." {
        return Err(NUMERIC);
    }
    let value: f64 = number.parse().map_err(|_| NUMERIC)?;
    let factor = match (letters, exponent) {
        ("", "") => 1.0,
        ("n", "") => 1e-9,
        ("u", "") => 1e-6,
        ("m", "") => 1e-3,
        ("k", "") => 1e3,
        ("M", "") => 1e6,
        ("G", "") => 1e9,
        ("T", "") => 1e12,
        ("P", "") => 1e15,
        ("E", "") => 1e18,
        ("Ki", "") => 1024f64,
        ("Mi", "") => 1024f64.powi(2),
        ("Gi", "") => 1024f64.powi(3),
        ("Ti", "") => 1024f64.powi(4),
        ("Pi", "") => 1024f64.powi(5),
        ("Ei", "") => 1024f64.powi(6),
        ("e" | "E", exp) if !exponent_digits.is_empty() => {
            let exp: i32 = exp.parse().map_err(|_| SUFFIX)?;
            10f64.powi(exp)
        }
        _ => return Err(SUFFIX),
    };
    Ok(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse("500m"), Ok(0.5));
        assert_eq!(parse("1Gi"), Ok(1024f64.powi(3)));
        assert_eq!(parse("1e3"), Ok(1000.0));
        assert_eq!(parse("2"), Ok(2.0));
        assert_eq!(parse("lots"), Err(FORMAT));
        assert_eq!(parse("1Gb"), Err(FORMAT));
        assert_eq!(parse("1Ki1"), Err(SUFFIX));
        assert_eq!(parse("1mm"), Err(SUFFIX));
        assert_eq!(parse("1.2.3"), Err(NUMERIC));
    }
}
