//! `pods/{name}/portforward` over WebSocket with the `v4.channel.k8s.io` subprotocol, as the
//! API server relays it to the kubelet for the `kube` crate's port-forwarder: per requested
//! port, a data channel (2·i) and an error channel (2·i+1), each opened by a frame carrying the
//! port (little-endian), then binary frames prefixed by their channel. There is no kubelet: a
//! Pod is backed by local TCP servers named in its annotation
//! `kube-emulator.istioctl-rs.dev/port-forward` — `127.0.0.1:PORT` for every pod port, or
//! `POD_PORT=127.0.0.1:PORT,…` per port. Only loopback addresses are ever dialled.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::state::Body;
use crate::status::ApiError;

/// The annotation naming a Pod's local backends.
pub(crate) const ANNOTATION: &str = "kube-emulator.istioctl-rs.dev/port-forward";

/// The only subprotocol served.
const PROTOCOL: &str = "v4.channel.k8s.io";

/// The loopback address that serves `port` of a Pod with these annotations.
pub(crate) fn backend(pod: &Value, port: u16) -> Result<SocketAddr, String> {
    let name = pod
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let spec = pod
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(ANNOTATION))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            format!("pod {name:?} has no backend: annotate it {ANNOTATION}=127.0.0.1:PORT (kube-emulator runs no containers)")
        })?;
    let parse = |text: &str| -> Result<SocketAddr, String> {
        let addr: SocketAddr = text
            .trim()
            .parse()
            .map_err(|_| format!("{ANNOTATION} of pod {name:?}: {text:?} is not an IP:PORT"))?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{ANNOTATION} of pod {name:?}: {addr} is not a loopback address; kube-emulator dials 127.0.0.1/::1 only"
            ));
        }
        Ok(addr)
    };
    if !spec.contains('=') {
        return parse(spec);
    }
    for entry in spec.split(',') {
        let (pod_port, addr) = entry.split_once('=').ok_or_else(|| {
            format!("{ANNOTATION} of pod {name:?}: {entry:?} is not POD_PORT=IP:PORT")
        })?;
        if pod_port.trim().parse::<u16>().ok() == Some(port) {
            return parse(addr);
        }
    }
    Err(format!(
        "pod {name:?} has no backend for port {port} in {ANNOTATION}"
    ))
}

/// The `ports` query parameter: comma-separated (the `kube` crate) or repeated (kubectl).
pub(crate) fn ports(query: Option<&str>) -> Result<Vec<u16>, ApiError> {
    let mut out = Vec::new();
    for pair in query.unwrap_or("").split('&') {
        let Some(value) = pair.strip_prefix("ports=") else {
            continue;
        };
        for part in value.replace("%2C", ",").replace("%2c", ",").split(',') {
            if part.is_empty() {
                continue;
            }
            let port = part
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| ApiError::bad_request(format!("invalid port {part:?}")))?;
            out.push(port);
        }
    }
    if out.is_empty() {
        return Err(ApiError::bad_request("at least one port must be specified"));
    }
    Ok(out)
}

fn header<'a>(req: &'a Request<Incoming>, name: &str) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Answers the upgrade request and relays the ports to `backends` (one per port).
pub(crate) fn serve(
    mut req: Request<Incoming>,
    ports: Vec<u16>,
    backends: Vec<SocketAddr>,
) -> Result<Response<Body>, ApiError> {
    let upgrade = header(&req, "upgrade").eq_ignore_ascii_case("websocket");
    let offered = header(&req, "sec-websocket-protocol")
        .split(',')
        .any(|p| p.trim() == PROTOCOL);
    let key = header(&req, "sec-websocket-key").to_string();
    if !upgrade || key.is_empty() {
        return Err(ApiError::bad_request(
            "port forwarding needs a WebSocket upgrade (SPDY is not served by kube-emulator)",
        ));
    }
    if !offered {
        return Err(ApiError::bad_request(format!(
            "no supported WebSocket subprotocol: kube-emulator serves {PROTOCOL}"
        )));
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            let ws =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            relay(ws, ports, backends).await;
        }
    });
    let mut response = Response::builder()
        .status(101)
        .body(http_body_util::BodyExt::boxed_unsync(
            http_body_util::Empty::new(),
        ))
        .expect("static response parts are valid");
    let headers = response.headers_mut();
    for (name, value) in [
        ("Upgrade", "websocket".to_string()),
        ("Connection", "Upgrade".to_string()),
        ("Sec-WebSocket-Accept", derive_accept_key(key.as_bytes())),
        ("Sec-WebSocket-Protocol", PROTOCOL.to_string()),
    ] {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    Ok(response)
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(channel);
    bytes.extend_from_slice(data);
    Message::binary(bytes)
}

/// Relays frames between the WebSocket and one TCP connection per port until either side ends.
async fn relay<S>(ws: WebSocketStream<S>, ports: Vec<u16>, backends: Vec<SocketAddr>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(64);
    let mut writers = Vec::new();
    for (i, (port, addr)) in ports.iter().zip(&backends).enumerate() {
        let data = (2 * i) as u8;
        for channel in [data, data + 1] {
            if sink
                .send(frame(channel, &port.to_le_bytes()))
                .await
                .is_err()
            {
                return;
            }
        }
        match TcpStream::connect(addr).await {
            Ok(conn) => {
                let (mut read, write) = conn.into_split();
                writers.push(Some(write));
                let tx = out_tx.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 32 * 1024];
                    loop {
                        match read.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if tx.send(frame(data, &buf[..n])).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    // The backend closed: v4 cannot half-close a channel, so the stream ends.
                    let _ = tx.send(Message::Close(None)).await;
                });
            }
            Err(e) => {
                writers.push(None);
                let text = format!("error forwarding port {port} to pod: dial {addr}: {e}");
                let _ = sink.send(frame(data + 1, text.as_bytes())).await;
            }
        }
    }
    drop(out_tx);
    loop {
        tokio::select! {
            outgoing = out_rx.recv() => match outgoing {
                Some(Message::Close(frame)) => {
                    let _ = sink.send(Message::Close(frame)).await;
                    return;
                }
                Some(message) => {
                    if sink.send(message).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Binary(bytes))) if bytes.len() > 1 => {
                    let index = usize::from(bytes[0] / 2);
                    if bytes[0] % 2 == 0 {
                        if let Some(Some(writer)) = writers.get_mut(index) {
                            if writer.write_all(&bytes[1..]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn backends_and_ports() {
        let pod =
            |a: &str| json!({ "metadata": { "name": "p", "annotations": { ANNOTATION: a } } });
        assert_eq!(
            backend(&pod("127.0.0.1:9000"), 80).unwrap().to_string(),
            "127.0.0.1:9000"
        );
        assert_eq!(
            backend(&pod("80=127.0.0.1:9000,15014=[::1]:9001"), 15014)
                .unwrap()
                .to_string(),
            "[::1]:9001"
        );
        assert!(backend(&pod("80=127.0.0.1:9000"), 81)
            .unwrap_err()
            .contains("no backend for port 81"));
        assert!(backend(&pod("10.0.0.1:80"), 80)
            .unwrap_err()
            .contains("not a loopback address"));
        assert!(backend(&json!({ "metadata": { "name": "p" } }), 80)
            .unwrap_err()
            .contains("has no backend"));
        assert_eq!(ports(Some("ports=80%2C1234")).unwrap(), [80, 1234]);
        assert_eq!(ports(Some("ports=80&ports=81")).unwrap(), [80, 81]);
        assert_eq!(
            ports(None).unwrap_err().message,
            "at least one port must be specified"
        );
    }
}
