//! SPDY/3.1, as far as Kubernetes port-forwarding needs it.
//!
//! `kubectl port-forward` upgrades an HTTP/1.1 connection (or tunnels WebSocket binary messages)
//! to SPDY/3.1 and then opens one stream per data and error channel. This crate has the three
//! layers that takes:
//!
//! * [`Frame`]: the SPDY/3 frames as values;
//! * [`Encoder`] and [`Decoder`]: frames to bytes and back, with the header blocks compressed by
//!   one zlib stream per direction, primed with the SPDY/3 dictionary;
//! * [`session`]: a multiplexed session over any tokio transport, whose [`Session`] opens streams
//!   and whose [`Incoming`] accepts the streams the peer opens.
//!
//! Flow control: the session grants the peer window (WINDOW_UPDATE for the stream as the
//! application reads, and for the session as frames arrive) so a peer that enforces it never
//! stalls, but it never waits on the peer's window when sending, because Go's spdystream, which
//! Kubernetes uses, never grants any.

#![warn(missing_docs)]

mod codec;
mod dictionary;
mod error;
mod frame;
mod session;

pub use codec::{Decoder, Encoder, MAX_HEADER_BLOCK};
pub use error::{Error, FrameError};
pub use frame::{
    Frame, Setting, FLAG_FIN, FLAG_SETTINGS_CLEAR_SETTINGS, FLAG_UNIDIRECTIONAL, MAX_FRAME_PAYLOAD,
    MAX_STREAM_ID,
};
pub use session::{session, Incoming, RecvHalf, Role, SendHalf, Session, Stream};

/// A header block: lowercase names and their values, in order. A value may hold several values
/// separated by NUL bytes; they are kept as given.
pub type Headers = Vec<(String, String)>;

/// Status codes of RST_STREAM and GOAWAY.
pub mod status {
    /// RST_STREAM: the frame broke the protocol.
    pub const PROTOCOL_ERROR: u32 = 1;
    /// RST_STREAM: the frame names a stream that is not open.
    pub const INVALID_STREAM: u32 = 2;
    /// RST_STREAM: the stream was refused before any processing.
    pub const REFUSED_STREAM: u32 = 3;
    /// RST_STREAM: the SPDY version is not supported.
    pub const UNSUPPORTED_VERSION: u32 = 4;
    /// RST_STREAM: the stream is no longer needed.
    pub const CANCEL: u32 = 5;
    /// RST_STREAM: the sender failed internally.
    pub const INTERNAL_ERROR: u32 = 6;
    /// RST_STREAM: the peer broke flow control.
    pub const FLOW_CONTROL_ERROR: u32 = 7;
    /// RST_STREAM: a second SYN_REPLY for the stream.
    pub const STREAM_IN_USE: u32 = 8;
    /// RST_STREAM: data or headers after the peer's half-close.
    pub const STREAM_ALREADY_CLOSED: u32 = 9;
    /// RST_STREAM: the frame was too large for the receiver.
    pub const FRAME_TOO_LARGE: u32 = 11;
    /// GOAWAY: a normal end of the session.
    pub const GOAWAY_OK: u32 = 0;
    /// GOAWAY: the peer broke the protocol.
    pub const GOAWAY_PROTOCOL_ERROR: u32 = 1;
    /// GOAWAY: the sender failed internally.
    pub const GOAWAY_INTERNAL_ERROR: u32 = 2;
}
