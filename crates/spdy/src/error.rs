//! The errors of this crate.

/// A frame or header block that cannot be encoded or decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    /// A control frame carried a SPDY version other than 3.
    #[error("unsupported SPDY version {0} (only 3 is spoken)")]
    UnsupportedVersion(u16),
    /// A frame's payload does not fit the 24-bit length field.
    #[error("frame payload of {0} bytes exceeds the SPDY limit of 16777215")]
    TooLarge(usize),
    /// A control frame whose length or flags do not fit its type.
    #[error("malformed {kind} frame: {reason}")]
    Malformed {
        /// The frame type, as the spec names it.
        kind: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A decompressed header block whose structure is invalid.
    #[error("malformed header block: {0}")]
    HeaderBlock(&'static str),
    /// A header name that is empty or not lowercase ASCII-compatible.
    #[error("invalid header name {0:?}: names must be non-empty and lowercase")]
    HeaderName(String),
    /// A decompressed header block larger than this crate accepts.
    #[error("header block decompresses to more than {0} bytes")]
    HeaderBlockTooLarge(usize),
    /// zlib failed to compress a header block.
    #[error("header compression failed: {0}")]
    Compress(String),
    /// zlib failed to decompress a header block (corrupt data or a wrong dictionary).
    #[error("header decompression failed: {0}")]
    Decompress(String),
}

/// An error of a session or of one of its streams.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The peer reset the stream with RST_STREAM.
    #[error("stream {id} was reset with status {status}")]
    Reset {
        /// The stream's id.
        id: u32,
        /// The RST_STREAM status code (see [`crate::status`]).
        status: u32,
    },
    /// The peer sent GOAWAY: it accepts no new streams.
    #[error("the peer sent GOAWAY (last good stream {last_good_stream_id}, status {status})")]
    GoAway {
        /// The last stream id the peer processed.
        last_good_stream_id: u32,
        /// The GOAWAY status code.
        status: u32,
    },
    /// The connection ended, or the session was closed.
    #[error("the SPDY connection is closed")]
    ConnectionClosed,
    /// This side already finished or reset the stream.
    #[error("stream {0} is closed for writing")]
    StreamClosed(u32),
    /// All 2^31 stream ids of this side have been used.
    #[error("no stream ids left on this connection")]
    StreamIdsExhausted,
    /// The headers given to [`crate::Session::open`] cannot be encoded.
    #[error(transparent)]
    Frame(#[from] FrameError),
}
