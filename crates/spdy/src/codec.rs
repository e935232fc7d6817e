//! Encoding frames to bytes and decoding them back, with the connection-wide header compression.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::dictionary::DICTIONARY;
use crate::error::FrameError;
use crate::frame::{kind, Frame, Setting, MAX_FRAME_PAYLOAD, MAX_STREAM_ID};
use crate::Headers;

/// The SPDY version this crate speaks.
const VERSION: u16 = 3;
/// The bytes of a frame header, control or data.
const FRAME_HEADER: usize = 8;
/// The most a header block may decompress to; bounds what a peer can make us allocate.
pub const MAX_HEADER_BLOCK: usize = 1 << 20;

/// Encodes frames to bytes for one direction of one connection.
///
/// Header blocks share one zlib stream for the whole connection, so a connection needs exactly
/// one `Encoder`, fed every frame in the order they go on the wire.
pub struct Encoder {
    zlib: Compress,
    primed: bool,
}

impl Default for Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder {
    /// A fresh encoder, as at the start of a connection.
    pub fn new() -> Self {
        Encoder {
            zlib: Compress::new(Compression::default(), true),
            primed: false,
        }
    }

    /// Appends the wire form of `frame` to `out`.
    ///
    /// Header names are lowercased, as SPDY requires; values are sent as given. On error
    /// nothing is appended, but a failure inside header compression leaves the zlib stream
    /// unusable, so the connection should be ended.
    pub fn encode(&mut self, frame: &Frame, out: &mut Vec<u8>) -> Result<(), FrameError> {
        let mut body = Vec::new();
        let (ty, flags) = match frame {
            Frame::Data {
                stream_id,
                flags,
                data,
            } => return write_frame(out, stream_id & MAX_STREAM_ID, *flags, data),
            Frame::SynStream {
                stream_id,
                associated_stream_id,
                priority,
                slot,
                flags,
                headers,
            } => {
                put_u32(&mut body, stream_id & MAX_STREAM_ID);
                put_u32(&mut body, associated_stream_id & MAX_STREAM_ID);
                body.push((priority & 0x07) << 5);
                body.push(*slot);
                self.compress_headers(headers, &mut body)?;
                (kind::SYN_STREAM, *flags)
            }
            Frame::SynReply {
                stream_id,
                flags,
                headers,
            } => {
                put_u32(&mut body, stream_id & MAX_STREAM_ID);
                self.compress_headers(headers, &mut body)?;
                (kind::SYN_REPLY, *flags)
            }
            Frame::RstStream { stream_id, status } => {
                put_u32(&mut body, stream_id & MAX_STREAM_ID);
                put_u32(&mut body, *status);
                (kind::RST_STREAM, 0)
            }
            Frame::Settings { flags, entries } => {
                put_u32(&mut body, len_u32(entries.len())?);
                for entry in entries {
                    body.push(entry.flags);
                    body.extend_from_slice(&entry.id.to_be_bytes()[1..]);
                    put_u32(&mut body, entry.value);
                }
                (kind::SETTINGS, *flags)
            }
            Frame::Ping { id } => {
                put_u32(&mut body, *id);
                (kind::PING, 0)
            }
            Frame::GoAway {
                last_good_stream_id,
                status,
            } => {
                put_u32(&mut body, last_good_stream_id & MAX_STREAM_ID);
                put_u32(&mut body, *status);
                (kind::GOAWAY, 0)
            }
            Frame::Headers {
                stream_id,
                flags,
                headers,
            } => {
                put_u32(&mut body, stream_id & MAX_STREAM_ID);
                self.compress_headers(headers, &mut body)?;
                (kind::HEADERS, *flags)
            }
            Frame::WindowUpdate { stream_id, delta } => {
                put_u32(&mut body, stream_id & MAX_STREAM_ID);
                put_u32(&mut body, delta & MAX_STREAM_ID);
                (kind::WINDOW_UPDATE, 0)
            }
        };
        let first_word = 0x8000_0000 | u32::from(VERSION) << 16 | u32::from(ty);
        write_frame(out, first_word, flags, &body)
    }

    /// Serializes `headers` and appends them compressed, ended with a SYNC_FLUSH.
    fn compress_headers(&mut self, headers: &Headers, out: &mut Vec<u8>) -> Result<(), FrameError> {
        let raw = serialize_headers(headers)?;
        if !self.primed {
            self.zlib
                .set_dictionary(&DICTIONARY)
                .map_err(|e| FrameError::Compress(e.to_string()))?;
            self.primed = true;
        }
        let mut consumed = 0;
        loop {
            out.reserve(raw.len() - consumed + 64);
            let before_in = self.zlib.total_in();
            self.zlib
                .compress_vec(&raw[consumed..], out, FlushCompress::Sync)
                .map_err(|e| FrameError::Compress(e.to_string()))?;
            consumed += (self.zlib.total_in() - before_in) as usize;
            // The flush is complete once all input is taken and zlib left output room unused.
            if consumed == raw.len() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }
}

/// Appends a frame: its first word (control bit, version and type, or the data stream id),
/// flags, 24-bit length and payload.
fn write_frame(
    out: &mut Vec<u8>,
    first_word: u32,
    flags: u8,
    payload: &[u8],
) -> Result<(), FrameError> {
    if payload.len() > MAX_FRAME_PAYLOAD {
        return Err(FrameError::TooLarge(payload.len()));
    }
    put_u32(out, first_word);
    out.push(flags);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(payload);
    Ok(())
}

/// The uncompressed form of a header block: a count, then length-prefixed names and values.
pub(crate) fn serialize_headers(headers: &Headers) -> Result<Vec<u8>, FrameError> {
    let mut raw = Vec::new();
    put_u32(&mut raw, len_u32(headers.len())?);
    for (name, value) in headers {
        if name.is_empty() {
            return Err(FrameError::HeaderName(name.clone()));
        }
        put_u32(&mut raw, len_u32(name.len())?);
        raw.extend(name.bytes().map(|b| b.to_ascii_lowercase()));
        put_u32(&mut raw, len_u32(value.len())?);
        raw.extend_from_slice(value.as_bytes());
    }
    if raw.len() > MAX_FRAME_PAYLOAD {
        return Err(FrameError::TooLarge(raw.len()));
    }
    Ok(raw)
}

/// Decodes frames from bytes for one direction of one connection.
///
/// Like [`Encoder`], a connection needs exactly one `Decoder`, fed the bytes in wire order.
pub struct Decoder {
    zlib: Decompress,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A fresh decoder, as at the start of a connection.
    pub fn new() -> Self {
        Decoder {
            zlib: Decompress::new(true),
        }
    }

    /// Takes the next whole frame off the front of `buf`.
    ///
    /// Returns `Ok(None)` (leaving `buf` as it is) until a whole frame is there. Control frames
    /// of unknown types are removed and skipped. Any error is fatal for the connection: the
    /// header compression state can no longer be trusted.
    pub fn decode(&mut self, buf: &mut Vec<u8>) -> Result<Option<Frame>, FrameError> {
        loop {
            if buf.len() < FRAME_HEADER {
                return Ok(None);
            }
            let word = u32_at(buf, 0);
            let control = word & 0x8000_0000 != 0;
            if control {
                let version = (word >> 16) as u16 & 0x7fff;
                if version != VERSION {
                    return Err(FrameError::UnsupportedVersion(version));
                }
            }
            let flags = buf[4];
            let len = (u32_at(buf, 4) & 0x00ff_ffff) as usize;
            let total = FRAME_HEADER + len;
            if buf.len() < total {
                return Ok(None);
            }
            let body = buf[FRAME_HEADER..total].to_vec();
            buf.drain(..total);
            if !control {
                return Ok(Some(Frame::Data {
                    stream_id: word & MAX_STREAM_ID,
                    flags,
                    data: body,
                }));
            }
            if let Some(frame) = self.control(word as u16, flags, &body)? {
                return Ok(Some(frame));
            }
        }
    }

    /// Parses a control frame's body; `None` for a type this crate does not know.
    fn control(&mut self, ty: u16, flags: u8, body: &[u8]) -> Result<Option<Frame>, FrameError> {
        let malformed = |kind, reason| FrameError::Malformed { kind, reason };
        let frame = match ty {
            kind::SYN_STREAM => {
                if body.len() < 10 {
                    return Err(malformed("SYN_STREAM", "shorter than 10 bytes"));
                }
                Frame::SynStream {
                    stream_id: u32_at(body, 0) & MAX_STREAM_ID,
                    associated_stream_id: u32_at(body, 4) & MAX_STREAM_ID,
                    priority: body[8] >> 5,
                    slot: body[9],
                    flags,
                    headers: self.decompress_headers(&body[10..])?,
                }
            }
            kind::SYN_REPLY | kind::HEADERS => {
                if body.len() < 4 {
                    return Err(malformed(
                        if ty == kind::SYN_REPLY {
                            "SYN_REPLY"
                        } else {
                            "HEADERS"
                        },
                        "shorter than 4 bytes",
                    ));
                }
                let stream_id = u32_at(body, 0) & MAX_STREAM_ID;
                let headers = self.decompress_headers(&body[4..])?;
                if ty == kind::SYN_REPLY {
                    Frame::SynReply {
                        stream_id,
                        flags,
                        headers,
                    }
                } else {
                    Frame::Headers {
                        stream_id,
                        flags,
                        headers,
                    }
                }
            }
            kind::RST_STREAM => {
                if body.len() != 8 {
                    return Err(malformed("RST_STREAM", "length is not 8"));
                }
                Frame::RstStream {
                    stream_id: u32_at(body, 0) & MAX_STREAM_ID,
                    status: u32_at(body, 4),
                }
            }
            kind::SETTINGS => {
                if body.len() < 4 {
                    return Err(malformed("SETTINGS", "shorter than 4 bytes"));
                }
                let count = u32_at(body, 0) as usize;
                if count.checked_mul(8) != Some(body.len() - 4) {
                    return Err(malformed(
                        "SETTINGS",
                        "length does not match the entry count",
                    ));
                }
                let entries = body[4..]
                    .chunks_exact(8)
                    .map(|e| Setting {
                        flags: e[0],
                        id: u32_at(e, 0) & 0x00ff_ffff,
                        value: u32_at(e, 4),
                    })
                    .collect();
                Frame::Settings { flags, entries }
            }
            kind::PING => {
                if body.len() != 4 {
                    return Err(malformed("PING", "length is not 4"));
                }
                Frame::Ping {
                    id: u32_at(body, 0),
                }
            }
            kind::GOAWAY => {
                if body.len() != 8 {
                    return Err(malformed("GOAWAY", "length is not 8"));
                }
                Frame::GoAway {
                    last_good_stream_id: u32_at(body, 0) & MAX_STREAM_ID,
                    status: u32_at(body, 4),
                }
            }
            kind::WINDOW_UPDATE => {
                if body.len() != 8 {
                    return Err(malformed("WINDOW_UPDATE", "length is not 8"));
                }
                Frame::WindowUpdate {
                    stream_id: u32_at(body, 0) & MAX_STREAM_ID,
                    delta: u32_at(body, 4) & MAX_STREAM_ID,
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(frame))
    }

    /// Inflates one header block (priming the stream with the dictionary when zlib asks) and
    /// parses it.
    fn decompress_headers(&mut self, compressed: &[u8]) -> Result<Headers, FrameError> {
        let mut raw = Vec::with_capacity(compressed.len() * 4 + 64);
        let mut consumed = 0;
        loop {
            if raw.len() == raw.capacity() {
                raw.reserve(raw.len().max(256));
            }
            let (before_in, before_len) = (self.zlib.total_in(), raw.len());
            let result =
                self.zlib
                    .decompress_vec(&compressed[consumed..], &mut raw, FlushDecompress::Sync);
            consumed += (self.zlib.total_in() - before_in) as usize;
            if raw.len() > MAX_HEADER_BLOCK {
                return Err(FrameError::HeaderBlockTooLarge(MAX_HEADER_BLOCK));
            }
            match result {
                Ok(Status::StreamEnd) => {
                    return Err(FrameError::Decompress("the zlib stream ended".into()))
                }
                Ok(_)
                    if consumed < compressed.len()
                        && raw.len() == before_len
                        && self.zlib.total_in() == before_in =>
                {
                    return Err(FrameError::Decompress("zlib made no progress".into()))
                }
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.zlib
                        .set_dictionary(&DICTIONARY)
                        .map_err(|e| FrameError::Decompress(e.to_string()))?;
                    continue;
                }
                Err(e) => return Err(FrameError::Decompress(e.to_string())),
            }
            if consumed == compressed.len() && raw.len() < raw.capacity() {
                return parse_headers(&raw);
            }
        }
    }
}

/// Parses an uncompressed header block.
fn parse_headers(raw: &[u8]) -> Result<Headers, FrameError> {
    let mut rest = raw;
    let count = take_u32(&mut rest)? as usize;
    // Every pair takes at least its two length words: a larger count cannot be honest.
    if count > rest.len() / 8 {
        return Err(FrameError::HeaderBlock("header count exceeds the block"));
    }
    let mut headers = Vec::with_capacity(count);
    for _ in 0..count {
        let name = take_string(&mut rest)?;
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(FrameError::HeaderName(name));
        }
        let value = take_string(&mut rest)?;
        headers.push((name, value));
    }
    if !rest.is_empty() {
        return Err(FrameError::HeaderBlock("bytes after the last header"));
    }
    Ok(headers)
}

fn take_u32(rest: &mut &[u8]) -> Result<u32, FrameError> {
    let Some((word, tail)) = rest.split_first_chunk::<4>() else {
        return Err(FrameError::HeaderBlock("truncated length"));
    };
    *rest = tail;
    Ok(u32::from_be_bytes(*word))
}

fn take_string(rest: &mut &[u8]) -> Result<String, FrameError> {
    let len = take_u32(rest)? as usize;
    if len > rest.len() {
        return Err(FrameError::HeaderBlock("string longer than the block"));
    }
    let (bytes, tail) = rest.split_at(len);
    *rest = tail;
    String::from_utf8(bytes.to_vec()).map_err(|_| FrameError::HeaderBlock("string is not UTF-8"))
}

/// The big-endian u32 at `at`; callers have checked the length.
fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn len_u32(len: usize) -> Result<u32, FrameError> {
    u32::try_from(len).map_err(|_| FrameError::TooLarge(len))
}

#[cfg(test)]
mod tests;
