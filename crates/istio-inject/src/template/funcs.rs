//! The functions templates call: Go's builtins, the sprig functions Istio's charts and
//! injection templates use, and Istio's own injection functions (`annotation`, `isset`,
//! `toYaml`, `protoToJSON`, ...), each behaving as its Go original does.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value as Json;

use super::exec::Func;
use super::value::{float_json, Value};
use crate::yaml;

type R = Result<Value, String>;

/// Every function available to injection templates.
pub fn all() -> super::Funcs {
    let list: &[(&'static str, Func)] = &[
        // Go builtins (and/or are evaluated lazily by the executor).
        ("and", |_| Ok(Value::Nil)),
        ("or", |_| Ok(Value::Nil)),
        ("not", |a| Ok(Value::Bool(!arg(a, 0).truthy()))),
        ("len", len),
        ("index", index),
        ("print", |a| Ok(Value::str(&go_print(a)))),
        ("println", |a| {
            let s: Vec<String> = a.iter().map(Value::sprint).collect();
            Ok(Value::str(&(s.join(" ") + "\n")))
        }),
        ("printf", |a| {
            let f = str_arg(a, 0, "printf")?;
            Ok(Value::str(&sprintf(&f, a.get(1..).unwrap_or_default())))
        }),
        ("eq", eq),
        ("ne", |a| eq(a).map(|v| Value::Bool(!v.truthy()))),
        ("lt", |a| compare(a, |o| o.is_lt())),
        ("le", |a| compare(a, |o| o.is_le())),
        ("gt", |a| compare(a, |o| o.is_gt())),
        ("ge", |a| compare(a, |o| o.is_ge())),
        ("html", |a| Ok(Value::str(&html_escape(&go_print(a))))),
        ("js", |a| Ok(Value::str(&js_escape(&go_print(a))))),
        ("urlquery", |a| Ok(Value::str(&url_escape(&go_print(a))))),
        ("slice", slice),
        // sprig
        ("default", |a| {
            let given = a.get(1);
            Ok(match given {
                Some(v) if !empty(v) => v.clone(),
                _ => arg(a, 0),
            })
        }),
        ("empty", |a| Ok(Value::Bool(empty(&arg(a, 0))))),
        ("coalesce", |a| {
            Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or_default())
        }),
        ("ternary", |a| {
            Ok(if arg(a, 2).truthy() {
                arg(a, 0)
            } else {
                arg(a, 1)
            })
        }),
        ("quote", |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !matches!(v, Value::Nil))
                .map(|v| go_quote(&strval(v)))
                .collect();
            Ok(Value::str(&parts.join(" ")))
        }),
        ("squote", |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !matches!(v, Value::Nil))
                .map(|v| format!("'{}'", strval(v)))
                .collect();
            Ok(Value::str(&parts.join(" ")))
        }),
        ("toString", |a| Ok(Value::str(&strval(&arg(a, 0))))),
        ("trunc", |a| {
            let n = int_arg(a, 0)?;
            let s = strval(&arg(a, 1));
            let len = s.chars().count() as i64;
            Ok(Value::str(&if n < 0 {
                if -n < len {
                    s.chars().skip((len + n) as usize).collect()
                } else {
                    s
                }
            } else if n < len {
                s.chars().take(n as usize).collect()
            } else {
                s
            }))
        }),
        ("trim", |a| Ok(Value::str(strval(&arg(a, 0)).trim()))),
        ("trimAll", |a| {
            let cut = strval(&arg(a, 0));
            let s = strval(&arg(a, 1));
            Ok(Value::str(s.trim_matches(|c| cut.contains(c))))
        }),
        ("trimSuffix", |a| {
            let suffix = strval(&arg(a, 0));
            let s = strval(&arg(a, 1));
            Ok(Value::str(s.strip_suffix(suffix.as_str()).unwrap_or(&s)))
        }),
        ("trimPrefix", |a| {
            let prefix = strval(&arg(a, 0));
            let s = strval(&arg(a, 1));
            Ok(Value::str(s.strip_prefix(prefix.as_str()).unwrap_or(&s)))
        }),
        ("hasPrefix", |a| {
            Ok(Value::Bool(
                strval(&arg(a, 1)).starts_with(&strval(&arg(a, 0))),
            ))
        }),
        ("hasSuffix", |a| {
            Ok(Value::Bool(
                strval(&arg(a, 1)).ends_with(&strval(&arg(a, 0))),
            ))
        }),
        ("contains", |a| {
            Ok(Value::Bool(
                strval(&arg(a, 1)).contains(&strval(&arg(a, 0))),
            ))
        }),
        ("upper", |a| {
            Ok(Value::str(&strval(&arg(a, 0)).to_uppercase()))
        }),
        ("lower", |a| {
            Ok(Value::str(&strval(&arg(a, 0)).to_lowercase()))
        }),
        ("toLower", |a| {
            Ok(Value::str(&strval(&arg(a, 0)).to_lowercase()))
        }),
        ("toUpper", |a| {
            Ok(Value::str(&strval(&arg(a, 0)).to_uppercase()))
        }),
        ("title", |a| {
            let s = strval(&arg(a, 0));
            let mut out = String::with_capacity(s.len());
            let mut start = true;
            for c in s.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = c.is_whitespace();
            }
            Ok(Value::str(&out))
        }),
        ("replace", |a| {
            let (old, new, s) = (strval(&arg(a, 0)), strval(&arg(a, 1)), strval(&arg(a, 2)));
            Ok(Value::str(&s.replace(&old, &new)))
        }),
        ("repeat", |a| {
            let n = int_arg(a, 0)?.max(0) as usize;
            Ok(Value::str(&strval(&arg(a, 1)).repeat(n)))
        }),
        // Istio replaces sprig's `indent`: lines after the first are indented, the first
        // continues where the action stands.
        ("indent", |a| {
            let n = int_arg(a, 0)?.max(0) as usize;
            let s = strval(&arg(a, 1));
            Ok(Value::str(
                &s.replace('\n', &format!("\n{}", " ".repeat(n))),
            ))
        }),
        ("nindent", |a| {
            let n = int_arg(a, 0)?.max(0) as usize;
            Ok(Value::str(&format!("\n{}", indent(n, &strval(&arg(a, 1))))))
        }),
        ("join", |a| {
            let sep = strval(&arg(a, 0));
            let parts: Vec<String> = strslice(&arg(a, 1));
            Ok(Value::str(&parts.join(&sep)))
        }),
        ("split", |a| {
            let sep = strval(&arg(a, 0));
            let s = strval(&arg(a, 1));
            Ok(Value::map(
                s.split(sep.as_str())
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), Value::str(p)))
                    .collect(),
            ))
        }),
        ("splitList", |a| {
            let sep = strval(&arg(a, 0));
            let s = strval(&arg(a, 1));
            Ok(Value::list(s.split(sep.as_str()).map(Value::str).collect()))
        }),
        ("list", |a| Ok(Value::list(a.to_vec()))),
        ("append", |a| {
            let mut l = list_arg(a, 0, "append")?;
            l.push(arg(a, 1));
            Ok(Value::list(l))
        }),
        ("prepend", |a| {
            let mut l = list_arg(a, 0, "prepend")?;
            l.insert(0, arg(a, 1));
            Ok(Value::list(l))
        }),
        ("first", |a| {
            Ok(list_arg(a, 0, "first")?
                .first()
                .cloned()
                .unwrap_or_default())
        }),
        ("last", |a| {
            Ok(list_arg(a, 0, "last")?.last().cloned().unwrap_or_default())
        }),
        ("has", |a| {
            let needle = arg(a, 0);
            Ok(Value::Bool(
                list_arg(a, 1, "has")?
                    .iter()
                    .any(|v| deep_equal(v, &needle)),
            ))
        }),
        ("dict", |a| {
            let mut m = BTreeMap::new();
            for pair in a.chunks(2) {
                m.insert(strval(&pair[0]), pair.get(1).cloned().unwrap_or_default());
            }
            Ok(Value::map(m))
        }),
        ("get", |a| {
            Ok(map_arg(&arg(a, 0))
                .get(&strval(&arg(a, 1)))
                .cloned()
                .unwrap_or(Value::str("")))
        }),
        ("hasKey", |a| {
            Ok(Value::Bool(
                map_arg(&arg(a, 0)).contains_key(&strval(&arg(a, 1))),
            ))
        }),
        ("keys", |a| {
            let mut keys: Vec<Value> = Vec::new();
            for m in a {
                keys.extend(map_arg(m).keys().map(|k| Value::str(k)));
            }
            Ok(Value::list(keys))
        }),
        ("toJson", |a| Ok(Value::str(&go_json(&arg(a, 0).to_json())))),
        ("toPrettyJson", |a| {
            Ok(Value::str(
                &serde_json::to_string_pretty(&arg(a, 0).to_json()).unwrap_or_default(),
            ))
        }),
        ("int", |a| Ok(Value::Int(to_int(&arg(a, 0))))),
        ("int64", |a| Ok(Value::Int(to_int(&arg(a, 0))))),
        ("float64", |a| Ok(Value::Float(to_float(&arg(a, 0))))),
        ("atoi", |a| {
            Ok(Value::Int(strval(&arg(a, 0)).trim().parse().unwrap_or(0)))
        }),
        ("add", |a| Ok(Value::Int(a.iter().map(to_int).sum()))),
        ("sub", |a| {
            Ok(Value::Int(to_int(&arg(a, 0)) - to_int(&arg(a, 1))))
        }),
        ("mul", |a| Ok(Value::Int(a.iter().map(to_int).product()))),
        ("b64enc", |a| {
            Ok(Value::str(&base64(strval(&arg(a, 0)).as_bytes())))
        }),
        // Istio's injection functions.
        ("isset", |a| {
            let key = strval(&arg(a, 1));
            Ok(Value::Bool(map_arg(&arg(a, 0)).contains_key(&key)))
        }),
        ("annotation", annotation),
        ("valueOrDefault", |a| {
            let v = arg(a, 0);
            Ok(match &v {
                Value::Nil => arg(a, 1),
                Value::Str(s) if s.is_empty() => arg(a, 1),
                _ => v,
            })
        }),
        ("excludeInboundPort", |a| {
            Ok(Value::str(&exclude_inbound_port(
                &arg(a, 0).sprint(),
                &strval(&arg(a, 1)),
            )))
        }),
        ("toJSON", |a| {
            Ok(Value::str(&match arg(a, 0) {
                Value::Nil => "{}".into(),
                v => go_json(&v.to_json()),
            }))
        }),
        ("fromJSON", |a| {
            let text = strval(&arg(a, 0));
            Ok(match serde_json::from_str::<Json>(&text) {
                Ok(j) => Value::from_json_any(&j),
                Err(_) => Value::str("{}"),
            })
        }),
        ("structToJSON", |a| {
            Ok(Value::str(&match arg(a, 0) {
                Value::Nil => "{}".into(),
                v => go_json(&v.to_json()),
            }))
        }),
        ("protoToJSON", |a| {
            Ok(Value::str(&match arg(a, 0) {
                Value::Nil => "{}".into(),
                v => go_json(&v.to_json()),
            }))
        }),
        ("toYaml", |a| {
            let j = arg(a, 0).to_json();
            Ok(Value::str(yaml::to_string(&j).trim_end_matches('\n')))
        }),
        ("appendMultusNetwork", |a| {
            Ok(Value::str(&append_multus_network(
                &strval(&arg(a, 0)),
                &strval(&arg(a, 1)),
            )))
        }),
        ("env", |a| {
            Ok(Value::str(
                &std::env::var(strval(&arg(a, 0))).unwrap_or_default(),
            ))
        }),
        ("omit", |a| {
            let mut m = map_arg(&arg(a, 0));
            for k in a.iter().skip(1) {
                m.remove(&strval(k));
            }
            Ok(Value::map(m))
        }),
        ("strdict", |a| {
            let mut m = BTreeMap::new();
            for pair in a.chunks(2) {
                m.insert(
                    strval(&pair[0]),
                    Value::str(&pair.get(1).map(strval).unwrap_or_default()),
                );
            }
            Ok(Value::string_map(m))
        }),
        // Istio's `toJsonMap`: the maps merged (later ones win) and written as a JSON
        // object, which is also a YAML flow mapping.
        ("toJsonMap", |a| Ok(Value::str(&to_json_map(a)))),
        ("mergeMaps", |a| {
            let mut m = BTreeMap::new();
            for v in a {
                m.extend(map_arg(v));
            }
            Ok(Value::map(m))
        }),
        ("omitNil", |a| Ok(omit_nil(&arg(a, 0)))),
        ("directory", |a| {
            let p = strval(&arg(a, 0));
            Ok(Value::str(&go_dir(&p)))
        }),
        ("formatDuration", |a| {
            let text = strval(&arg(a, 0));
            go_duration(&text)
                .map(|d| Value::str(&d))
                .ok_or_else(|| format!("{text:?} is not a duration in seconds (e.g. \"90s\")"))
        }),
        ("otelResourceAttributes", otel_resource_attributes),
    ];
    list.iter().copied().collect()
}

fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or_default()
}

fn str_arg(a: &[Value], i: usize, f: &str) -> Result<String, String> {
    match a.get(i) {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(format!(
            "{f}: wrong type for value; expected string; got {}",
            other.type_name()
        )),
        None => Err(format!("{f}: missing argument {}", i + 1)),
    }
}

fn int_arg(a: &[Value], i: usize) -> Result<i64, String> {
    match a.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Float(f)) => Ok(*f as i64),
        Some(other) => Err(format!(
            "wrong type for value; expected int; got {}",
            other.type_name()
        )),
        None => Err(format!("missing argument {}", i + 1)),
    }
}

fn list_arg(a: &[Value], i: usize, f: &str) -> Result<Vec<Value>, String> {
    match a.get(i) {
        Some(Value::List(l)) => Ok((**l).clone()),
        Some(Value::Nil) | None => Ok(Vec::new()),
        Some(other) => Err(format!("Cannot {f} on type {}", other.type_name())),
    }
}

fn map_arg(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.entries.clone(),
        Value::Struct(s) => s
            .fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// sprig's `strval`: strings as they are, anything else as `%v` prints it.
pub fn strval(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        other => other.sprint(),
    }
}

fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(strval)
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// sprig's `empty`: zero values, empty collections and nil are empty; structs never are.
pub fn empty(v: &Value) -> bool {
    !matches!(v, Value::Struct(_)) && !v.truthy()
}

fn to_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn to_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Str(s) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn len(a: &[Value]) -> R {
    Ok(Value::Int(match arg(a, 0) {
        Value::Str(s) => s.len() as i64,
        Value::List(l) => l.len() as i64,
        Value::Map(m) => m.entries.len() as i64,
        other => return Err(format!("len of type {}", other.type_name())),
    }))
}

fn index(a: &[Value]) -> R {
    let mut v = arg(a, 0);
    for key in a.iter().skip(1) {
        v = match (&v, key) {
            (Value::Map(m), k) => match m.entries.get(&strval(k)) {
                Some(x) => x.clone(),
                None if m.string_elems => Value::str(""),
                None => Value::Nil,
            },
            (Value::List(l), k) => {
                let i = to_int(k);
                match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                    Some(x) => x.clone(),
                    None => return Err(format!("index out of range: {i}")),
                }
            }
            (Value::Str(s), k) => {
                let i = to_int(k);
                match usize::try_from(i).ok().and_then(|i| s.as_bytes().get(i)) {
                    Some(b) => Value::Int(i64::from(*b)),
                    None => return Err(format!("index out of range: {i}")),
                }
            }
            (Value::Nil, _) => return Err("index of untyped nil".into()),
            (other, _) => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(v)
}

fn slice(a: &[Value]) -> R {
    let v = arg(a, 0);
    let bounds: Vec<usize> = a
        .iter()
        .skip(1)
        .map(|x| to_int(x).max(0) as usize)
        .collect();
    match &v {
        Value::List(l) => {
            let lo = bounds.first().copied().unwrap_or(0);
            let hi = bounds.get(1).copied().unwrap_or(l.len());
            if lo > hi || hi > l.len() {
                return Err(format!("index out of range: {hi}"));
            }
            Ok(Value::list(l[lo..hi].to_vec()))
        }
        Value::Str(s) => {
            let lo = bounds.first().copied().unwrap_or(0);
            let hi = bounds.get(1).copied().unwrap_or(s.len());
            s.get(lo..hi)
                .map(Value::str)
                .ok_or_else(|| format!("index out of range: {hi}"))
        }
        other => Err(format!("can't slice item of type {}", other.type_name())),
    }
}

/// Go's comparison kinds.
#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Other,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::Str,
        Value::Struct(s) if s.display.is_some() => Kind::Str,
        _ => Kind::Other,
    }
}

fn eq(a: &[Value]) -> R {
    let first = arg(a, 0);
    if a.len() < 2 {
        return Err("missing argument for comparison".into());
    }
    for other in &a[1..] {
        let (k1, k2) = (kind(&first), kind(other));
        let equal = if matches!(first, Value::Nil) || matches!(other, Value::Nil) {
            matches!(first, Value::Nil) && matches!(other, Value::Nil)
        } else if k1 != k2 {
            return Err("incompatible types for comparison".into());
        } else if k1 == Kind::Other {
            match (&first, other) {
                (Value::Struct(_), Value::Struct(_)) => deep_equal(&first, other),
                _ => return Err(format!("non-comparable type {}", first.type_name())),
            }
        } else {
            deep_equal(&first, other)
        };
        if equal {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn compare(a: &[Value], test: fn(std::cmp::Ordering) -> bool) -> R {
    let (x, y) = (arg(a, 0), arg(a, 1));
    let ord = match (&x, &y) {
        (Value::Int(p), Value::Int(q)) => p.cmp(q),
        (Value::Float(p), Value::Float(q)) => p.partial_cmp(q).ok_or("NaN comparison")?,
        (Value::Str(p), Value::Str(q)) => p.cmp(q),
        _ => {
            return Err(if kind(&x) != kind(&y) {
                "incompatible types for comparison".into()
            } else {
                format!("invalid type for comparison: {}", x.type_name())
            })
        }
    };
    Ok(Value::Bool(test(ord)))
}

fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Str(_), _) | (_, Value::Str(_)) | (Value::Struct(_), _) => {
            kind(a) == Kind::Str && kind(b) == Kind::Str && a.sprint() == b.sprint()
                || a.to_json() == b.to_json() && kind(a) == kind(b)
        }
        (Value::List(_), Value::List(_)) | (Value::Map(_), Value::Map(_)) => {
            a.to_json() == b.to_json()
        }
        _ => false,
    }
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
fn go_print(a: &[Value]) -> String {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        if i > 0 && !matches!(v, Value::Str(_)) && !matches!(a[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        v.write_go(&mut out, false);
    }
    out
}

/// Go's `fmt.Sprintf` for the verbs templates use: `%v %s %d %t %q %f %x %X %%`, with
/// width, `-` and `0` flags and precision.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut zero = false;
        let mut plus = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' => plus = true,
                ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let mut s = match (verb, v) {
            ('v' | 's', v) => match (v, precision) {
                (Value::Float(f), Some(p)) if verb == 'v' => format!("{f:.p$}"),
                (Value::Nil, _) if verb == 'v' => "<nil>".to_string(),
                (Value::Nil, _) => "%!s(<nil>)".to_string(),
                (v, Some(p)) => strval(v).chars().take(p).collect(),
                (v, None) => strval(v),
            },
            ('d', Value::Int(i)) => {
                if plus && *i >= 0 {
                    format!("+{i}")
                } else {
                    i.to_string()
                }
            }
            ('t', Value::Bool(b)) => b.to_string(),
            ('q', Value::Str(s)) => go_quote(s),
            ('f' | 'F', Value::Float(f)) => format!("{f:.*}", precision.unwrap_or(6)),
            ('f' | 'F', Value::Int(i)) => format!("%!f(int={i})"),
            ('x', Value::Int(i)) => format!("{i:x}"),
            ('X', Value::Int(i)) => format!("{i:X}"),
            ('x', Value::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            (verb, v) => format!("%!{verb}({}={})", v.type_name(), v.sprint()),
        };
        if let Ok(w) = width.parse::<usize>() {
            let n = s.chars().count();
            if n < w {
                let pad = w - n;
                if left {
                    s.push_str(&" ".repeat(pad));
                } else if zero && matches!(v, Value::Int(_) | Value::Float(_)) {
                    let (sign, digits) = match s.strip_prefix('-') {
                        Some(d) => ("-", d.to_string()),
                        None => ("", s.clone()),
                    };
                    s = format!("{sign}{}{digits}", "0".repeat(pad));
                } else {
                    s = format!("{}{s}", " ".repeat(pad));
                }
            }
        }
        out.push_str(&s);
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|v| format!("{}={}", v.type_name(), v.sprint()))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSON as Go's `encoding/json` writes it: compact, `<`, `>` and `&` escaped.
pub fn go_json(v: &Json) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        s.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        s
    }
}

fn indent(n: usize, s: &str) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// Istio's `annotation`: the pod annotation `name`, or the default as `fmt.Sprint` prints it.
fn annotation(a: &[Value]) -> R {
    let meta = arg(a, 0);
    let name = strval(&arg(a, 1));
    let annotations = match &meta {
        Value::Struct(s) => s.get("Annotations").cloned().unwrap_or_default(),
        Value::Map(m) => m.entries.get("annotations").cloned().unwrap_or_default(),
        _ => Value::Nil,
    };
    if let Value::Map(m) = &annotations {
        if let Some(v) = m.entries.get(&name) {
            return Ok(Value::str(&strval(v)));
        }
    }
    Ok(Value::str(&arg(a, 2).sprint()))
}

/// Istio's `excludeInboundPort`: adds the status port to the excluded inbound ports.
pub fn exclude_inbound_port(port: &str, excluded: &str) -> String {
    let port = port.trim();
    if port.is_empty() || port == "0" {
        return excluded.to_string();
    }
    let mut out = Vec::new();
    for p in excluded.split(',') {
        if p == port {
            return excluded.to_string();
        }
        let p = p.trim();
        if !p.is_empty() {
            out.push(p.to_string());
        }
    }
    out.push(port.to_string());
    out.join(",")
}

/// Istio's `appendMultusNetwork`: adds the Istio CNI network to a Multus networks annotation,
/// in its JSON or its comma-separated form, unless it is there.
pub fn append_multus_network(existing: &str, network: &str) -> String {
    if existing.is_empty() {
        return network.to_string();
    }
    if let Some(i) = existing.rfind(']') {
        let Ok(nets) = serde_json::from_str::<Vec<serde_json::Map<String, Json>>>(existing) else {
            return existing.to_string();
        };
        // In the JSON form a `namespace/name` network is written as its two fields.
        let (namespace, name) = network.split_once('/').unwrap_or(("", network));
        let present = nets.iter().any(|n| {
            let field = |k: &str| n.get(k).and_then(Json::as_str).unwrap_or_default();
            field("name") == network || (field("name") == name && field("namespace") == namespace)
        });
        if present {
            return existing.to_string();
        }
        let entry = if namespace.is_empty() {
            format!("{{\"name\": \"{name}\"}}")
        } else {
            format!("{{\"name\": \"{name}\", \"namespace\": \"{namespace}\"}}")
        };
        return format!("{}, {entry}{}", &existing[..i], &existing[i..]);
    }
    if existing.split(',').any(|n| n.trim() == network) {
        return existing.to_string();
    }
    format!("{existing}, {network}")
}

/// Istio's `toJsonMap`: merges `map[string]string` arguments, later keys winning, and
/// encodes the result as `encoding/json` does (sorted keys, HTML characters escaped).
fn to_json_map(maps: &[Value]) -> String {
    let mut merged = serde_json::Map::new();
    let mut entries = BTreeMap::new();
    for m in maps {
        entries.extend(map_arg(m).into_iter().map(|(k, v)| (k, strval(&v))));
    }
    for (k, v) in entries {
        merged.insert(k, Json::String(v));
    }
    go_json(&Json::Object(merged))
}

fn omit_nil(v: &Value) -> Value {
    match v {
        Value::Map(m) => {
            let entries = m
                .entries
                .iter()
                .filter(|(_, v)| !matches!(v, Value::Nil))
                .map(|(k, v)| (k.clone(), omit_nil(v)))
                .collect();
            Value::Map(Rc::new(super::value::MapValue {
                entries,
                string_elems: m.string_elems,
            }))
        }
        Value::List(l) => Value::list(l.iter().map(omit_nil).collect()),
        other => other.clone(),
    }
}

/// A protobuf JSON duration (`"90s"`, `"1.5s"`) as Go's `time.Duration.String` writes it
/// (`1m30s`, `1.5s`, `0s`).
fn go_duration(text: &str) -> Option<String> {
    let secs: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    let total_ns = (secs * 1e9).round() as i128;
    if total_ns == 0 {
        return Some("0s".into());
    }
    let sign = if total_ns < 0 { "-" } else { "" };
    let ns = total_ns.unsigned_abs();
    if ns < 1_000_000_000 {
        // Below a second Go picks the largest unit that keeps a whole part.
        let (unit, scale) = if ns < 1_000 {
            ("ns", 1u128)
        } else if ns < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return Some(format!("{sign}{}{unit}", trim_fraction(ns, scale)));
    }
    let (h, rest) = (ns / 3_600_000_000_000, ns % 3_600_000_000_000);
    let (m, rest) = (rest / 60_000_000_000, rest % 60_000_000_000);
    let mut out = String::from(sign);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&format!("{}s", trim_fraction(rest, 1_000_000_000)));
    Some(out)
}

/// `n / scale` with the fraction's trailing zeros dropped (`1500, 1000` → `1.5`).
fn trim_fraction(n: u128, scale: u128) -> String {
    let whole = n / scale;
    let frac = n % scale;
    if frac == 0 {
        return whole.to_string();
    }
    let width = scale.to_string().len() - 1;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Go's `filepath.Dir`.
fn go_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => p[..i].trim_end_matches('/').to_string().replace("//", "/"),
        None => ".".into(),
    }
}

/// Istio's `otelResourceAttributes`: the `OTEL_RESOURCE_ATTRIBUTES` value for a pod whose
/// mesh uses an OpenTelemetry tracing provider: the pod's own `OTEL_RESOURCE_ATTRIBUTES`
/// container environment and the well-known Kubernetes resource attributes, or `""` when no
/// OpenTelemetry provider is configured.
fn otel_resource_attributes(a: &[Value]) -> R {
    let mesh = arg(a, 0);
    let has_otel = match &mesh {
        Value::Struct(s) => match s.get("ExtensionProviders") {
            Some(Value::List(l)) => l.iter().any(|p| {
                matches!(p, Value::Struct(ps) if ps.get("Opentelemetry").is_some_and(Value::truthy))
            }),
            _ => false,
        },
        _ => false,
    };
    if !has_otel {
        return Ok(Value::str(""));
    }
    Err("OpenTelemetry resource attributes for extension providers are not supported by this injector; remove the opentelemetry extension provider from the mesh config to inject offline".into())
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

fn url_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                out.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Converts a JSON number as Go's typed fields hold it (integers stay integers).
pub fn typed_number(n: &serde_json::Number) -> Value {
    match n.as_i64() {
        Some(i) => Value::Int(i),
        None => match float_json(n.as_f64().unwrap_or(0.0)) {
            Json::Number(m) if m.is_i64() => Value::Int(m.as_i64().unwrap_or(0)),
            _ => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formatting() {
        assert_eq!(sprintf("%t", &[Value::Bool(true)]), "true");
        assert_eq!(sprintf("istio.%s", &[Value::str("sa")]), "istio.sa");
        assert_eq!(
            sprintf("%05d|%-3s|", &[Value::Int(42), Value::str("a")]),
            "00042|a  |"
        );
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
    }

    #[test]
    fn istio_helpers() {
        assert_eq!(exclude_inbound_port("15020", ""), "15020");
        assert_eq!(exclude_inbound_port("15020", "80,15020"), "80,15020");
        assert_eq!(exclude_inbound_port("0", "80"), "80");
        assert_eq!(append_multus_network("", "istio-cni"), "istio-cni");
        assert_eq!(
            append_multus_network("a, b", "istio-cni"),
            "a, b, istio-cni"
        );
        assert_eq!(
            append_multus_network(r#"[{"name": "a"}]"#, "istio-cni"),
            r#"[{"name": "a"}, {"name": "istio-cni"}]"#
        );
        assert_eq!(
            append_multus_network(r#"[{"name": "a"}]"#, "default/istio-cni"),
            r#"[{"name": "a"}, {"name": "istio-cni", "namespace": "default"}]"#
        );
        assert_eq!(go_dir("/etc/certs/ca.pem"), "/etc/certs");
        assert_eq!(go_duration("90s").as_deref(), Some("1m30s"));
        assert_eq!(go_duration("1.5s").as_deref(), Some("1.5s"));
        assert_eq!(go_duration("0.25s").as_deref(), Some("250ms"));
        assert_eq!(go_duration("3600s").as_deref(), Some("1h0m0s"));
        assert_eq!(
            sprintf("%v|%s", &[Value::Nil, Value::Nil]),
            "<nil>|%!s(<nil>)"
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn to_json_map_merges_and_encodes() {
        let map = |pairs: &[(&str, &str)]| {
            Value::string_map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::str(v)))
                    .collect(),
            )
        };
        assert_eq!(to_json_map(&[]), "{}");
        assert_eq!(to_json_map(&[Value::Nil]), "{}");
        assert_eq!(
            to_json_map(&[
                map(&[("b", "1"), ("a", "x")]),
                map(&[("b", "2"), ("c", "<&>")]),
            ]),
            r#"{"a":"x","b":"2","c":"\u003c\u0026\u003e"}"#
        );
        let t = crate::template::Template::parse(
            "t",
            "labels:{{ toJsonMap (omit .m \"drop\") (strdict \"k\" .n) | nindent 2 }}",
        )
        .unwrap();
        let mut data = BTreeMap::new();
        data.insert("m".to_string(), map(&[("drop", "x"), ("keep", "y")]));
        data.insert("n".to_string(), Value::str("gw"));
        assert_eq!(
            t.render(&Value::map(data)).unwrap(),
            "labels:\n  {\"k\":\"gw\",\"keep\":\"y\"}"
        );
    }
}
