//! `gateway.SecretAnalyzer`: Gateway servers whose `credentialName` (or one of whose
//! `credentialNames`) names a Secret that does not exist in the gateway workload's namespace,
//! or one that holds no usable certificate (missing keys, not PEM, not X.509, expired or not
//! yet valid, or a private key that does not belong to the certificate). Messages name the
//! Secret and the Gateway only; the Secret's contents never leave this module.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::hosts::items;
use crate::analyzers::util::selectors::selector_string;
use crate::analyzers::util::workloads::pods_selected_anywhere;
use crate::catalog::codes::{IST0101, IST0161};
use crate::kinds::{GATEWAY, POD, SECRET};
use crate::message::Message;
use crate::resource::Resource;
use istio_core::tree::Map as TreeMap;

/// One value of a Secret: `data` (base64) or `stringData` (plain).
fn secret_value(secret: &Resource, key: &str) -> Option<Vec<u8>> {
    if let Some(v) = secret
        .root()
        .pointer("/stringData")
        .and_then(|d| d.get(key))
    {
        return v.as_str().map(|s| s.as_bytes().to_vec());
    }
    let v = secret.root().get("data")?.get(key)?.as_str()?;
    base64_decode(v)
}

/// The certificate and private key of a TLS Secret, as Istio reads them: `cert`/`key`, else
/// `tls.crt`/`tls.key`, both non-empty.
fn secret_certificate(secret: &Resource) -> Option<(Vec<u8>, Vec<u8>)> {
    for (cert, key) in [("cert", "key"), ("tls.crt", "tls.key")] {
        let c = secret_value(secret, cert).filter(|v| !v.is_empty());
        let k = secret_value(secret, key).filter(|v| !v.is_empty());
        if let (Some(c), Some(k)) = (c, k) {
            return Some((c, k));
        }
    }
    None
}

/// True when the PEM private key `key` belongs to the first certificate of the PEM chain
/// `chain` (what Go's `tls.X509KeyPair`, which Istio calls, requires). A key of a type whose
/// public half cannot be derived here is given the benefit of the doubt.
fn key_matches(chain: &[u8], key: &[u8]) -> bool {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let Ok(certs) = CertificateDer::pem_slice_iter(chain).collect::<Result<Vec<_>, _>>() else {
        return false;
    };
    if certs.is_empty() {
        return false;
    }
    let Ok(key) = PrivateKeyDer::from_pem_slice(key) else {
        return false;
    };
    let Ok(signing) = rustls::crypto::ring::sign::any_supported_type(&key) else {
        return false;
    };
    match rustls::sign::CertifiedKey::new(certs, signing).keys_match() {
        Ok(()) => true,
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => true,
        Err(_) => false,
    }
}

/// True when the Secret holds a PEM X.509 certificate valid at `now` (seconds since the epoch)
/// and the private key that belongs to it.
pub fn is_valid_secret(secret: &Resource, now: i64) -> bool {
    let Some((pem, key)) = secret_certificate(secret) else {
        return false;
    };
    if !key_matches(&pem, &key) {
        return false;
    }
    let Some(der) = first_pem_block(&pem) else {
        return false;
    };
    let mut rest = der.as_slice();
    let mut seen = false;
    while !rest.is_empty() {
        let Some(((not_before, not_after), after)) = certificate_validity(rest) else {
            return false;
        };
        if now < not_before || now > not_after {
            return false;
        }
        seen = true;
        rest = after;
    }
    seen
}

/// The bytes of the first PEM block in `text`.
fn first_pem_block(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let start = text.find("-----BEGIN ")?;
    let after_begin = &text[start..];
    let body_start = after_begin.find('\n')? + 1;
    let body = &after_begin[body_start..];
    let end = body.find("-----END ")?;
    let body: String = body[..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .collect::<Vec<_>>()
        .concat();
    base64_decode(&body)
}

/// Standard base64 (padding optional, whitespace ignored).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// One DER element: tag, contents, and what follows it.
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |l, &b| (l << 8) | usize::from(b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// `(notBefore, notAfter)` of the DER certificate at the start of `input`, and what follows.
fn certificate_validity(input: &[u8]) -> Option<((i64, i64), &[u8])> {
    let (tag, cert, after) = der(input)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, tbs, sig) = der(cert)?;
    if tag != 0x30 {
        return None;
    }
    // The signature algorithm and value follow the TBS certificate.
    let (alg_tag, _, sig) = der(sig)?;
    let (sig_tag, _, _) = der(sig)?;
    if alg_tag != 0x30 || sig_tag != 0x03 {
        return None;
    }
    let mut rest = tbs;
    let (mut tag, _, mut next) = der(rest)?;
    if tag == 0xa0 {
        // [0] version
        rest = next;
        (tag, _, next) = der(rest)?;
    }
    if tag != 0x02 {
        return None; // serialNumber
    }
    rest = next;
    for _ in 0..2 {
        // signature AlgorithmIdentifier, issuer Name
        let (tag, _, next) = der(rest)?;
        if tag != 0x30 {
            return None;
        }
        rest = next;
    }
    let (tag, validity, _) = der(rest)?;
    if tag != 0x30 {
        return None;
    }
    let (t1, before, rest) = der(validity)?;
    let (t2, after_time, _) = der(rest)?;
    Some(((asn1_time(t1, before)?, asn1_time(t2, after_time)?), after))
}

/// Seconds since the epoch of a UTCTime (tag 0x17) or GeneralizedTime (0x18) `…Z`.
fn asn1_time(tag: u8, bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?.strip_suffix('Z')?;
    let (year, rest): (i32, &str) = match tag {
        0x17 => {
            let yy: i32 = text.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let field = |i: usize| -> Option<u32> { rest.get(i..i + 2)?.parse().ok() };
    let (month, day, hour, minute) = (field(0)?, field(2)?, field(4)?, field(6)?);
    let second = field(8).unwrap_or(0);
    let at =
        chrono::NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    Some(at.and_utc().timestamp())
}

crate::analyzer! {
    /// Checks that Gateway credentials exist in the gateway's namespace and hold a valid
    /// certificate.
    name: "gateway.SecretAnalyzer",
    inputs: [GATEWAY, POD, SECRET],
    codes: [IST0101, IST0161],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut workload_ns: HashMap<String, Option<String>> = HashMap::new();
    let mut validity: HashMap<(String, String), bool> = HashMap::new();
    for (id, gw) in store.of_kind(GATEWAY) {
        let selector = gw
            .spec()
            .get("selector")
            .and_then(Node::as_object)
            .unwrap_or(TreeMap::empty());
        let text = selector_string(selector);
        let ns = workload_ns.entry(text.clone()).or_insert_with(|| {
            let pods = pods_selected_anywhere(store, selector);
            // Prefer a workload in the Gateway's own namespace.
            pods.iter()
                .find(|(_, p)| p.namespace == gw.namespace)
                .or(pods.first())
                .map(|(_, p)| p.namespace.to_string())
        });
        let Some(ns) = ns.clone() else {
            ctx.report(
                Message::new(IST0101, id, vec!["selector".to_owned(), text]).at("spec.selector"),
            );
            continue;
        };
        let servers = gw.spec().get("servers").and_then(Node::as_array);
        for (i, server) in servers.into_iter().flatten().enumerate() {
            // `credentialName`, or each of `credentialNames` (several certificates, e.g. RSA
            // and ECDSA, for one server).
            let single = server
                .pointer("/tls/credentialName")
                .and_then(Node::as_str)
                .map(|n| (n, format!("spec.servers[{i}].tls.credentialName")));
            let several = items(server.pointer("/tls/credentialNames"))
                .enumerate()
                .filter_map(|(j, n)| {
                    n.as_str()
                        .map(|n| (n, format!("spec.servers[{i}].tls.credentialNames[{j}]")))
                });
            for (name, at) in single.into_iter().chain(several) {
                if name.is_empty() {
                    continue;
                }
                let (secret_ns, secret_name) = match name.split_once('/') {
                    Some((n, s)) => (n.to_owned(), s.to_owned()),
                    None => (ns.clone(), name.to_owned()),
                };
                let Some((_, secret)) = store.find(SECRET, &secret_ns, &secret_name) else {
                    ctx.report(
                        Message::new(
                            IST0101,
                            id,
                            vec!["credentialName".to_owned(), name.to_owned()],
                        )
                        .at(at),
                    );
                    continue;
                };
                let valid = *validity
                    .entry((secret_ns, secret_name))
                    .or_insert_with(|| is_valid_secret(secret, now));
                if !valid {
                    ctx.report(
                        Message::new(IST0161, id, vec![gw.name.to_string(), ns.clone()]).at(at),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_missing_and_unusable_credentials() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["gateway/secrets.yaml"]));
    }

    #[test]
    fn dates_and_base64() {
        assert_eq!(asn1_time(0x18, b"20000301000000Z"), Some(11_017 * 86_400));
        assert_eq!(asn1_time(0x17, b"701301000000Z"), None);
        assert_eq!(asn1_time(0x17, b"700101000010Z"), Some(10));
        assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64_decode("a!"), None);
    }
}
