//! `pods/{name}/portforward`, in the three ways kube-apiserver 1.36 serves it:
//!
//! - WebSocket with the `v4.channel.k8s.io` subprotocol (the `kube` crate's port-forwarder):
//!   the ports come from the `ports` query; per port, a data channel (2·i) and an error
//!   channel (2·i+1), each opened by a frame carrying the port (little-endian), then binary
//!   frames prefixed by their channel.
//! - SPDY/3.1 (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version: portforward.k8s.io`, what
//!   kubectl falls back to): the client opens, per connection, an error stream and a data
//!   stream carrying the headers `streamtype`, `port` and `requestid`.
//! - SPDY/3.1 tunneled in WebSocket binary messages (the subprotocol
//!   `SPDY/3.1+portforward.k8s.io`, which kubectl tries first).
//!
//! There is no kubelet: a Pod is backed by local TCP servers named in its annotation
//! `kube-emulator.istioctl-rs.dev/port-forward` — `127.0.0.1:PORT` for every pod port, or
//! `POD_PORT=127.0.0.1:PORT,…` per port. Only loopback addresses are ever dialled.
//! [`Config::websocket_port_forward`](crate::Config) off refuses the WebSocket ways, as a
//! server or proxy that only passes SPDY does.

use std::collections::HashMap;
use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
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

/// The channel subprotocol of WebSocket port forwarding.
const CHANNEL_PROTOCOL: &str = "v4.channel.k8s.io";
/// The stream protocol of SPDY port forwarding.
const SPDY_PROTOCOL: &str = "portforward.k8s.io";
/// The WebSocket subprotocol that tunnels SPDY port forwarding.
const TUNNEL_PROTOCOL: &str = "SPDY/3.1+portforward.k8s.io";
/// Size of the pipe between a WebSocket tunnel and its SPDY session.
const TUNNEL_BUFFER: usize = 64 * 1024;
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
            let port = parse_port(part)
                .ok_or_else(|| ApiError::bad_request(format!("invalid port {part:?}")))?;
            out.push(port);
        }
    }
    if out.is_empty() {
        return Err(ApiError::bad_request("at least one port must be specified"));
    }
    Ok(out)
}

/// A port number: 1 to 65535.
fn parse_port(text: &str) -> Option<u16> {
    text.parse::<u16>().ok().filter(|p| *p > 0)
}

/// Dials a pod's backend; the error as the kubelet words a failed forward.
async fn dial(port: u16, addr: SocketAddr) -> Result<TcpStream, String> {
    TcpStream::connect(addr)
        .await
        .map_err(|e| format!("error forwarding port {port} to pod: dial {addr}: {e}"))
}

/// A header's value, empty when absent or not text.
fn header<'a>(req: &'a Request<Incoming>, name: &str) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Every value of a header that may be repeated or comma-separated.
fn header_values<'a>(req: &'a Request<Incoming>, name: &str) -> Vec<&'a str> {
    req.headers()
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// A 101 response with these headers.
fn switching(headers: &[(&'static str, String)]) -> Response<Body> {
    let mut response = Response::new(http_body_util::BodyExt::boxed_unsync(
        http_body_util::Empty::new(),
    ));
    *response.status_mut() = hyper::StatusCode::SWITCHING_PROTOCOLS;
    for (name, value) in headers {
        if let Ok(v) = hyper::header::HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, v);
        }
    }
    response
}

/// Answers the upgrade request of a port forward to `pod` and serves it. `websocket` off
/// refuses the WebSocket ways.
pub(crate) fn serve(
    mut req: Request<Incoming>,
    pod: Value,
    websocket: bool,
) -> Result<Response<Body>, ApiError> {
    let upgrades = header_values(&req, "upgrade");
    if upgrades.iter().any(|u| u.eq_ignore_ascii_case("websocket")) {
        if !websocket {
            return Err(ApiError::bad_request(
                "unable to upgrade: WebSocket port forwarding is turned off on this server; use SPDY/3.1",
            ));
        }
        let key = header(&req, "sec-websocket-key").to_string();
        if key.is_empty() {
            return Err(ApiError::bad_request(
                "unable to upgrade: the WebSocket handshake has no Sec-WebSocket-Key",
            ));
        }
        let offered = header_values(&req, "sec-websocket-protocol");
        let (protocol, ports): (&'static str, Vec<u16>) = if offered.contains(&TUNNEL_PROTOCOL) {
            (TUNNEL_PROTOCOL, Vec::new())
        } else if offered.contains(&CHANNEL_PROTOCOL) {
            (CHANNEL_PROTOCOL, ports(req.uri().query())?)
        } else {
            return Err(ApiError::bad_request(format!(
                "no supported WebSocket subprotocol: the server accepts {CHANNEL_PROTOCOL} and {TUNNEL_PROTOCOL}"
            )));
        };
        let backends = ports
            .iter()
            .map(|p| backend(&pod, *p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::bad_request)?;
        let on_upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let ws =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            if protocol == TUNNEL_PROTOCOL {
                let (session_end, pipe_end) = tokio::io::duplex(TUNNEL_BUFFER);
                tokio::spawn(serve_spdy(session_end, pod));
                pump(ws, pipe_end).await;
            } else {
                relay(ws, ports, backends).await;
            }
        });
        return Ok(switching(&[
            ("Upgrade", "websocket".to_string()),
            ("Connection", "Upgrade".to_string()),
            ("Sec-WebSocket-Accept", derive_accept_key(key.as_bytes())),
            ("Sec-WebSocket-Protocol", protocol.to_string()),
        ]));
    }
    if upgrades.iter().any(|u| u.eq_ignore_ascii_case("SPDY/3.1")) {
        let versions = header_values(&req, "x-stream-protocol-version");
        if !versions.contains(&SPDY_PROTOCOL) {
            return Err(ApiError::forbidden(format!(
                "unable to upgrade: unable to negotiate protocol: client supports {versions:?}, server accepts [\"{SPDY_PROTOCOL}\"]"
            )));
        }
        let on_upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            if let Ok(upgraded) = on_upgrade.await {
                serve_spdy(TokioIo::new(upgraded), pod).await;
            }
        });
        return Ok(switching(&[
            ("Upgrade", "SPDY/3.1".to_string()),
            ("Connection", "Upgrade".to_string()),
            ("X-Stream-Protocol-Version", SPDY_PROTOCOL.to_string()),
        ]));
    }
    Err(ApiError::bad_request(
        "unable to upgrade: missing upgrade headers in request",
    ))
}

/// Carries a SPDY session's bytes in WebSocket binary messages, both ways, until either ends.
async fn pump<S>(ws: WebSocketStream<S>, pipe: tokio::io::DuplexStream)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (mut from_session, mut to_session) = tokio::io::split(pipe);
    let outgoing = async {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match from_session.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink.send(Message::binary(buf[..n].to_vec())).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };
    let incoming = async {
        while let Some(Ok(message)) = stream.next().await {
            match message {
                Message::Binary(bytes) if to_session.write_all(&bytes).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = to_session.shutdown().await;
    };
    tokio::join!(outgoing, incoming);
}

/// The request a SPDY port-forward stream belongs to: its `requestid` header, else (clients
/// of the first protocol version) the pair's error stream id, as the kubelet reads it.
fn request_id(stream: &spdy::Stream, data: bool) -> String {
    match stream.header("requestid") {
        Some(id) => id.to_owned(),
        None if data => stream.id().saturating_sub(2).to_string(),
        None => stream.id().to_string(),
    }
}

/// Serves one SPDY port-forward session: streams come in pairs (error, data) of one request,
/// each pair relayed to the backend of its `port`.
async fn serve_spdy<T>(io: T, pod: Value)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (_session, mut incoming) = spdy::session(io, spdy::Role::Server);
    let mut pairs: HashMap<String, (Option<spdy::Stream>, Option<spdy::Stream>)> = HashMap::new();
    while let Some(stream) = incoming.accept().await {
        let data = match stream.header("streamtype") {
            Some("data") => true,
            Some("error") => false,
            _ => {
                let (_, send) = stream.into_split();
                send.reset(spdy::status::PROTOCOL_ERROR).await;
                continue;
            }
        };
        let id = request_id(&stream, data);
        let pair = pairs.entry(id.clone()).or_default();
        if data {
            pair.1 = Some(stream);
        } else {
            pair.0 = Some(stream);
        }
        if matches!(pair, (Some(_), Some(_))) {
            if let Some((Some(error), Some(data))) = pairs.remove(&id) {
                tokio::spawn(forward_pair(pod.clone(), error, data));
            }
        }
    }
}

/// Relays one request's data stream to the backend of its port; what goes wrong is written
/// to its error stream, as the kubelet does.
async fn forward_pair(pod: Value, error: spdy::Stream, data: spdy::Stream) {
    let (_, mut errors) = error.into_split();
    let port = data.header("port").unwrap_or_default().to_owned();
    let dialled = match parse_port(&port) {
        None => Err(format!("invalid port {port:?}")),
        Some(port) => match backend(&pod, port) {
            Err(e) => Err(e),
            Ok(addr) => dial(port, addr).await,
        },
    };
    let (mut from_client, mut to_client) = data.into_split();
    match dialled {
        Err(text) => {
            let _ = errors.write(text.as_bytes()).await;
            let _ = to_client.finish().await;
        }
        Ok(conn) => {
            let (mut from_pod, mut to_pod) = conn.into_split();
            let upstream = async {
                while let Some(bytes) = from_client.read().await {
                    if to_pod.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
                let _ = to_pod.shutdown().await;
            };
            let downstream = async {
                let mut buf = vec![0u8; 32 * 1024];
                loop {
                    match from_pod.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if to_client.write(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = to_client.finish().await;
            };
            tokio::join!(upstream, downstream);
        }
    }
    let _ = errors.finish().await;
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
        match dial(*port, *addr).await {
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
            Err(text) => {
                writers.push(None);
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
