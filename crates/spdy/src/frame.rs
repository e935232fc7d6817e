//! SPDY/3 frames as values.

use crate::Headers;

/// The FIN flag of SYN_STREAM, SYN_REPLY, HEADERS and data frames: the sender's last frame on
/// the stream.
pub const FLAG_FIN: u8 = 0x01;
/// The UNIDIRECTIONAL flag of SYN_STREAM: the receiver must not send on the stream.
pub const FLAG_UNIDIRECTIONAL: u8 = 0x02;
/// The CLEAR_SETTINGS flag of SETTINGS.
pub const FLAG_SETTINGS_CLEAR_SETTINGS: u8 = 0x01;

/// The largest payload a frame can carry: its length field has 24 bits.
pub const MAX_FRAME_PAYLOAD: usize = (1 << 24) - 1;

/// The largest stream id: ids have 31 bits.
pub const MAX_STREAM_ID: u32 = (1 << 31) - 1;

/// One entry of a SETTINGS frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The entry's flags (PERSIST_VALUE 0x1, PERSISTED 0x2).
    pub flags: u8,
    /// The setting's 24-bit id (e.g. 7 for SETTINGS_INITIAL_WINDOW_SIZE).
    pub id: u32,
    /// The setting's value.
    pub value: u32,
}

/// A SPDY/3 frame: the control frames this crate knows, and data frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// SYN_STREAM (1): opens a stream.
    SynStream {
        /// The new stream's id (31 bits; odd from a client, even from a server).
        stream_id: u32,
        /// The stream this one is associated with, or 0.
        associated_stream_id: u32,
        /// The priority, 0 (highest) to 7.
        priority: u8,
        /// The credential slot, or 0.
        slot: u8,
        /// [`FLAG_FIN`] and/or [`FLAG_UNIDIRECTIONAL`].
        flags: u8,
        /// The stream's headers.
        headers: Headers,
    },
    /// SYN_REPLY (2): accepts a stream.
    SynReply {
        /// The accepted stream's id.
        stream_id: u32,
        /// [`FLAG_FIN`] or 0.
        flags: u8,
        /// The reply's headers.
        headers: Headers,
    },
    /// RST_STREAM (3): ends a stream abnormally.
    RstStream {
        /// The stream's id.
        stream_id: u32,
        /// The reason (see [`crate::status`]).
        status: u32,
    },
    /// SETTINGS (4).
    Settings {
        /// [`FLAG_SETTINGS_CLEAR_SETTINGS`] or 0.
        flags: u8,
        /// The entries.
        entries: Vec<Setting>,
    },
    /// PING (6): answered by the peer with the same id.
    Ping {
        /// The ping's id: odd from a client, even from a server.
        id: u32,
    },
    /// GOAWAY (7): the sender accepts no new streams.
    GoAway {
        /// The last stream id the sender processed.
        last_good_stream_id: u32,
        /// 0 OK, 1 PROTOCOL_ERROR, 2 INTERNAL_ERROR.
        status: u32,
    },
    /// HEADERS (8): more headers for a stream.
    Headers {
        /// The stream's id.
        stream_id: u32,
        /// [`FLAG_FIN`] or 0.
        flags: u8,
        /// The headers.
        headers: Headers,
    },
    /// WINDOW_UPDATE (9): grants the peer more send window.
    WindowUpdate {
        /// The stream's id, or 0 for the whole session (SPDY/3.1).
        stream_id: u32,
        /// The number of bytes granted (31 bits).
        delta: u32,
    },
    /// A data frame.
    Data {
        /// The stream's id.
        stream_id: u32,
        /// [`FLAG_FIN`] or 0.
        flags: u8,
        /// The payload.
        data: Vec<u8>,
    },
}

/// Control frame type codes.
pub(crate) mod kind {
    pub const SYN_STREAM: u16 = 1;
    pub const SYN_REPLY: u16 = 2;
    pub const RST_STREAM: u16 = 3;
    pub const SETTINGS: u16 = 4;
    pub const PING: u16 = 6;
    pub const GOAWAY: u16 = 7;
    pub const HEADERS: u16 = 8;
    pub const WINDOW_UPDATE: u16 = 9;
}
