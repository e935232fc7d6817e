//! Durations as Go writes them (`time.ParseDuration`): one parser for CEL's `duration()` in
//! schema rules and for duration flags (`--timeout 30s`).

use std::time::Duration;

/// Parses a duration the way Go's `time.ParseDuration` (and CEL's `duration()`) does: an
/// optional sign, then one or more decimal numbers each followed by a unit (`ns`, `us`, `µs`,
/// `ms`, `s`, `m`, `h`), e.g. `1.5s`, `1h30m`, `300ms`; `0` alone is zero. Returns nanoseconds,
/// or `None` when the text is not a duration or overflows Go's range.
pub fn parse_go(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, tail) = after.split_at(unit_len);
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * scale;
        rest = tail;
    }
    if total > 9.223_372_036_854_776e18 {
        return None;
    }
    let ns = total as i128;
    Some(if negative { -ns } else { ns })
}

/// Parses a duration flag: a Go duration (`300s`, `5m`, `1m30s`, `500ms`), or a bare number
/// of seconds. Negative durations are refused. The error says what to write instead.
pub fn parse_flag(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).map_err(|e| e.to_string());
    }
    match parse_go(text) {
        Some(ns) if ns >= 0 => Ok(Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))),
        Some(_) => Err(format!("negative duration {text:?}")),
        None => Err(format!(
            "invalid duration {text:?}: write a number with a unit, e.g. 300s, 5m, 1m30s or 500ms"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax() {
        assert_eq!(parse_go("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_go("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_go("300ms"), Some(300_000_000));
        assert_eq!(parse_go("0"), Some(0));
        assert_eq!(parse_go("-2s"), Some(-2_000_000_000));
        for bad in ["", "5", "s", "1x", "1..2s", "ten seconds", "1s "] {
            assert_eq!(parse_go(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("300s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_flag("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_flag("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_flag("2"), Ok(Duration::from_secs(2)));
        assert!(parse_flag("5x").unwrap_err().contains("e.g. 300s"));
        assert!(parse_flag("-5s").is_err());
    }
}
