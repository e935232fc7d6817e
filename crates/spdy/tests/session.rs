//! Sessions over in-memory transports: two sessions against each other, and a session against
//! a hand-driven peer that speaks raw frames.

use std::time::Duration;

use spdy::{session, status, Decoder, Encoder, Error, Frame, Headers, Role, FLAG_FIN};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);

fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// A peer that reads and writes frames by hand.
struct Raw {
    io: DuplexStream,
    encoder: Encoder,
    decoder: Decoder,
    buf: Vec<u8>,
}

impl Raw {
    fn new(io: DuplexStream) -> Self {
        Raw {
            io,
            encoder: Encoder::new(),
            decoder: Decoder::new(),
            buf: Vec::new(),
        }
    }

    async fn send(&mut self, frame: Frame) {
        let mut out = Vec::new();
        self.encoder.encode(&frame, &mut out).unwrap();
        self.io.write_all(&out).await.unwrap();
    }

    async fn recv(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = self.decoder.decode(&mut self.buf).unwrap() {
                return Some(frame);
            }
            if self.io.read_buf(&mut self.buf).await.unwrap() == 0 {
                return None;
            }
        }
    }

    /// The next frame that `pick` accepts, skipping others.
    async fn recv_until<T>(&mut self, mut pick: impl FnMut(&Frame) -> Option<T>) -> T {
        loop {
            let frame = self.recv().await.expect("connection ended");
            if let Some(found) = pick(&frame) {
                return found;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_streams_echo_concurrently_without_flow_control_stalls() {
    timeout(LIMIT, async {
        let (a, b) = duplex(16 * 1024);
        let (client, _client_incoming) = session(a, Role::Client);
        let (_server, mut incoming) = session(b, Role::Server);

        let server = tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut echoes = Vec::new();
            for _ in 0..2 {
                let stream = incoming.accept().await.expect("a stream");
                assert_eq!(stream.id() % 2, 1, "client ids are odd");
                seen.push((
                    stream.header("streamtype").map(str::to_owned),
                    stream.header("port").map(str::to_owned),
                ));
                let (mut recv, mut send) = stream.into_split();
                echoes.push(tokio::spawn(async move {
                    while let Some(chunk) = recv.read().await {
                        send.write(&chunk).await.unwrap();
                    }
                    send.finish().await.unwrap();
                }));
            }
            for echo in echoes {
                echo.await.unwrap();
            }
            seen.sort();
            seen
        });

        let (data, error) = tokio::join!(
            client.open(headers(&[("streamtype", "data"), ("port", "8080")])),
            client.open(headers(&[("streamType", "error"), ("port", "8080")])),
        );
        let (data, error) = (data.unwrap(), error.unwrap());
        assert_ne!(data.id(), error.id());
        assert!(
            data.headers().is_empty(),
            "the automatic SYN_REPLY has no headers"
        );

        let big: Vec<u8> = (0..300 * 1024).map(|i| (i % 251) as u8).collect();
        let echo = |stream: spdy::Stream, payload: Vec<u8>| async move {
            let (mut recv, mut send) = stream.into_split();
            let writer = async move {
                for piece in payload.chunks(70 * 1024) {
                    send.write(piece).await.unwrap();
                }
                send.finish().await.unwrap();
            };
            let reader = async move {
                let mut got = Vec::new();
                while let Some(chunk) = recv.read().await {
                    assert!(chunk.len() <= 64 * 1024);
                    got.extend(chunk);
                }
                got
            };
            tokio::join!(writer, reader).1
        };
        let (got_big, got_small) =
            tokio::join!(echo(data, big.clone()), echo(error, b"oops".to_vec()));
        assert_eq!(got_big.len(), big.len());
        assert!(got_big == big, "the echo differs");
        assert_eq!(got_small, b"oops");

        let seen = server.await.unwrap();
        assert_eq!(
            seen,
            [
                (Some("data".into()), Some("8080".into())),
                (Some("error".into()), Some("8080".into())),
            ]
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn pings_are_answered_both_ways() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, _ci) = session(a, Role::Client);
        let (server, _si) = session(b, Role::Server);
        client.ping().await.unwrap();
        server.ping().await.unwrap();
        client.ping().await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_dropped_send_half_half_closes_the_stream() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, _ci) = session(a, Role::Client);
        let (_server, mut incoming) = session(b, Role::Server);
        let accept = tokio::spawn(async move {
            let stream = incoming.accept().await.unwrap();
            let (mut recv, send) = stream.into_split();
            let got = recv.read().await;
            assert_eq!(recv.read().await, None);
            drop(send);
            got
        });
        let (mut recv, mut send) = client.open(Vec::new()).await.unwrap().into_split();
        send.write(b"hi").await.unwrap();
        drop(send);
        assert_eq!(accept.await.unwrap(), Some(b"hi".to_vec()));
        assert_eq!(recv.read().await, None);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_reset_from_the_server_ends_reads_and_fails_writes() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, _ci) = session(a, Role::Client);
        let (_server, mut incoming) = session(b, Role::Server);
        let server = tokio::spawn(async move {
            let stream = incoming.accept().await.unwrap();
            let (_recv, send) = stream.into_split();
            send.reset(status::CANCEL).await;
            incoming
        });
        let (mut recv, mut send) = client.open(Vec::new()).await.unwrap().into_split();
        let _incoming = server.await.unwrap();
        assert_eq!(recv.read().await, None);
        let err = send.write(b"late").await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Reset {
                    status: status::CANCEL,
                    ..
                }
            ),
            "{err:?}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn goaway_ends_accept_and_fails_later_opens() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, mut incoming) = session(a, Role::Client);
        let mut peer = Raw::new(b);
        peer.send(Frame::GoAway {
            last_good_stream_id: 0,
            status: status::GOAWAY_OK,
        })
        .await;
        assert!(incoming.accept().await.is_none());
        let err = client.open(Vec::new()).await.err().unwrap();
        assert!(matches!(err, Error::GoAway { .. }), "{err:?}");
        // The connection itself stays up: pings still work.
        let ping = tokio::spawn(async move { client.ping().await.map(|_| ()) });
        let id = peer
            .recv_until(|f| match f {
                Frame::Ping { id } => Some(*id),
                _ => None,
            })
            .await;
        assert_eq!(id % 2, 1);
        peer.send(Frame::Ping { id }).await;
        ping.await.unwrap().unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn goaway_fails_a_pending_open_past_the_last_good_stream() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, _incoming) = session(a, Role::Client);
        let mut peer = Raw::new(b);
        let open = tokio::spawn(async move { client.open(Vec::new()).await.map(|_| ()) });
        peer.recv_until(|f| matches!(f, Frame::SynStream { .. }).then_some(()))
            .await;
        peer.send(Frame::GoAway {
            last_good_stream_id: 0,
            status: status::GOAWAY_OK,
        })
        .await;
        assert!(matches!(open.await.unwrap(), Err(Error::GoAway { .. })));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_session_answers_pings_grants_window_and_rejects_bad_streams() {
    timeout(LIMIT, async {
        let (a, b) = duplex(256 * 1024);
        let (_server, mut incoming) = session(a, Role::Server);
        let mut peer = Raw::new(b);

        // A ping with the client's parity is echoed; one with the server's is a stray reply.
        peer.send(Frame::Ping { id: 2 }).await;
        peer.send(Frame::Ping { id: 7 }).await;
        assert_eq!(peer.recv().await, Some(Frame::Ping { id: 7 }));

        // WINDOW_UPDATE and SETTINGS from the peer are accepted and ignored.
        peer.send(Frame::Settings {
            flags: 0,
            entries: vec![spdy::Setting {
                flags: 0,
                id: 7,
                value: 1,
            }],
        })
        .await;
        peer.send(Frame::WindowUpdate {
            stream_id: 0,
            delta: 1,
        })
        .await;

        peer.send(Frame::SynStream {
            stream_id: 3,
            associated_stream_id: 0,
            priority: 0,
            slot: 0,
            flags: 0,
            headers: headers(&[("streamtype", "data")]),
        })
        .await;
        assert_eq!(
            peer.recv().await,
            Some(Frame::SynReply {
                stream_id: 3,
                flags: 0,
                headers: Vec::new(),
            })
        );
        let stream = incoming.accept().await.unwrap();
        assert_eq!(
            (stream.id(), stream.header("streamtype")),
            (3, Some("data"))
        );

        // Stream ids must grow and have the client's parity.
        for bad in [1, 4] {
            peer.send(Frame::SynStream {
                stream_id: bad,
                associated_stream_id: 0,
                priority: 0,
                slot: 0,
                flags: 0,
                headers: Vec::new(),
            })
            .await;
            assert_eq!(
                peer.recv().await,
                Some(Frame::RstStream {
                    stream_id: bad,
                    status: status::PROTOCOL_ERROR,
                })
            );
        }
        // Data for a stream that was never opened.
        peer.send(Frame::Data {
            stream_id: 9,
            flags: 0,
            data: b"?".to_vec(),
        })
        .await;
        assert_eq!(
            peer.recv().await,
            Some(Frame::RstStream {
                stream_id: 9,
                status: status::INVALID_STREAM,
            })
        );

        // 96 KiB of data: the session window is granted as it arrives, the stream window as the
        // application reads.
        for _ in 0..3 {
            peer.send(Frame::Data {
                stream_id: 3,
                flags: 0,
                data: vec![7; 32 * 1024],
            })
            .await;
        }
        let mut session_granted = 0;
        while session_granted < 96 * 1024 {
            match peer.recv().await.unwrap() {
                Frame::WindowUpdate {
                    stream_id: 0,
                    delta,
                } => session_granted += delta,
                other => panic!("unexpected {other:?}"),
            }
        }
        let (mut recv, send) = stream.into_split();
        let mut read = 0;
        while read < 96 * 1024 {
            read += recv.read().await.unwrap().len();
        }
        let mut stream_granted = 0;
        while stream_granted < 96 * 1024 {
            match peer.recv().await.unwrap() {
                Frame::WindowUpdate {
                    stream_id: 3,
                    delta,
                } => stream_granted += delta,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(stream_granted, 96 * 1024);

        // Both sides finish: the server's FIN goes out, and the peer's FIN ends the reads.
        send.finish().await.unwrap();
        assert_eq!(
            peer.recv().await,
            Some(Frame::Data {
                stream_id: 3,
                flags: FLAG_FIN,
                data: Vec::new(),
            })
        );
        peer.send(Frame::Data {
            stream_id: 3,
            flags: FLAG_FIN,
            data: Vec::new(),
        })
        .await;
        assert_eq!(recv.read().await, None);
        // The stream is forgotten: more data for it is data for an unknown stream.
        peer.send(Frame::Data {
            stream_id: 3,
            flags: 0,
            data: b"late".to_vec(),
        })
        .await;
        assert_eq!(
            peer.recv().await,
            Some(Frame::RstStream {
                stream_id: 3,
                status: status::INVALID_STREAM,
            })
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn close_says_goaway_and_ends_everything() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, mut client_incoming) = session(a, Role::Client);
        let mut peer = Raw::new(b);
        let (mut recv, _send) = {
            let open = tokio::spawn({
                let client = client.clone();
                async move { client.open(Vec::new()).await.unwrap() }
            });
            peer.recv_until(|f| matches!(f, Frame::SynStream { .. }).then_some(()))
                .await;
            peer.send(Frame::SynReply {
                stream_id: 1,
                flags: 0,
                headers: headers(&[("x", "y")]),
            })
            .await;
            let stream = open.await.unwrap();
            assert_eq!(stream.header("X"), Some("y"));
            stream.into_split()
        };
        client.close().await;
        assert_eq!(
            peer.recv().await,
            Some(Frame::GoAway {
                last_good_stream_id: 0,
                status: status::GOAWAY_OK,
            })
        );
        assert_eq!(peer.recv().await, None, "the transport is shut down");
        assert_eq!(recv.read().await, None);
        assert!(client_incoming.accept().await.is_none());
        assert!(matches!(
            client.open(Vec::new()).await,
            Err(Error::ConnectionClosed)
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn dropping_every_handle_ends_the_session() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (client, incoming) = session(a, Role::Client);
        let mut peer = Raw::new(b);
        drop((client, incoming));
        assert!(matches!(peer.recv().await, Some(Frame::GoAway { .. })));
        assert_eq!(peer.recv().await, None);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_protocol_error_from_the_peer_ends_the_session_with_goaway() {
    timeout(LIMIT, async {
        let (a, b) = duplex(4096);
        let (_client, mut incoming) = session(a, Role::Client);
        let mut peer = Raw::new(b);
        // A control frame of SPDY/2.
        peer.io
            .write_all(&[0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 2])
            .await
            .unwrap();
        assert_eq!(
            peer.recv().await,
            Some(Frame::GoAway {
                last_good_stream_id: 0,
                status: status::GOAWAY_PROTOCOL_ERROR,
            })
        );
        assert!(incoming.accept().await.is_none());
    })
    .await
    .unwrap();
}
