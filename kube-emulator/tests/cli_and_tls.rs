//! The `kube-emulator` binary, and HTTPS with a rustls client (as the `kube` crate uses).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use kube_emulator::{Config, Emulator};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{crypto::ring, ClientConfig, RootCertStore};

#[test]
fn binary_prints_url_and_writes_kubeconfig() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kube-emulator"))
        .args([
            "--port",
            "0",
            "--plain-http",
            "--token",
            "t0k",
            "--ready-after",
            "never",
        ])
        .arg("--kubeconfig-out")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    let text = std::fs::read_to_string(&kubeconfig).unwrap_or_default();
    // One plain request to /version on the printed address.
    let addr = url.strip_prefix("http://").unwrap_or_default().to_string();
    let reply = std::net::TcpStream::connect(&addr).and_then(|mut s| {
        s.write_all(b"GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0k\r\nConnection: close\r\n\r\n")?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(text.contains(&format!("server: {url}")), "{text}");
    assert!(text.contains("token: t0k"), "{text}");
    let reply = reply.unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("APIVersions"), "{reply}");

    let bad = Command::new(env!("CARGO_BIN_EXE_kube-emulator"))
        .args(["--ready-after", "soon"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid duration"));
}

#[tokio::test]
async fn https_with_rustls_and_the_generated_ca() {
    let emu = Emulator::start(Config::default()).unwrap();
    let pem = emu.ca_pem().expect("HTTPS has a CA");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pem.as_bytes()).unwrap())
        .unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    for host in ["127.0.0.1", "localhost"] {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", emu.port()))
            .await
            .unwrap();
        let tls = connector
            .connect(ServerName::try_from(host.to_string()).unwrap(), tcp)
            .await
            .expect("the server certificate verifies against the CA");
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(conn);
        let req = Request::get("/api/v1/namespaces/default")
            .header("Host", host)
            .header("Authorization", format!("Bearer {}", emu.token()))
            .body(Full::new(bytes::Bytes::new()))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        assert_eq!(resp.status(), 200);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let ns: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(ns["status"]["phase"], "Active");
    }
}
