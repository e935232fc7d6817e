use super::*;
use crate::frame::{FLAG_FIN, FLAG_SETTINGS_CLEAR_SETTINGS, FLAG_UNIDIRECTIONAL};

fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn encode_all(encoder: &mut Encoder, frames: &[Frame]) -> Vec<u8> {
    let mut out = Vec::new();
    for frame in frames {
        encoder.encode(frame, &mut out).unwrap();
    }
    out
}

fn sample_frames() -> Vec<Frame> {
    vec![
        Frame::SynStream {
            stream_id: 1,
            associated_stream_id: 0,
            priority: 3,
            slot: 0,
            flags: FLAG_FIN | FLAG_UNIDIRECTIONAL,
            headers: headers(&[("streamtype", "data"), ("port", "8080"), ("requestid", "0")]),
        },
        Frame::SynReply {
            stream_id: 1,
            flags: 0,
            headers: Vec::new(),
        },
        Frame::RstStream {
            stream_id: 3,
            status: 5,
        },
        Frame::Settings {
            flags: FLAG_SETTINGS_CLEAR_SETTINGS,
            entries: vec![
                Setting {
                    flags: 1,
                    id: 7,
                    value: 65536,
                },
                Setting {
                    flags: 0,
                    id: 0x00ab_cdef,
                    value: u32::MAX,
                },
            ],
        },
        Frame::Settings {
            flags: 0,
            entries: Vec::new(),
        },
        Frame::Ping { id: 0xffff_fffe },
        Frame::GoAway {
            last_good_stream_id: 7,
            status: 2,
        },
        Frame::Headers {
            stream_id: 5,
            flags: FLAG_FIN,
            headers: headers(&[("x-multi", "a\0b\0c")]),
        },
        Frame::WindowUpdate {
            stream_id: 0,
            delta: 0x7fff_ffff,
        },
        Frame::Data {
            stream_id: MAX_STREAM_ID,
            flags: FLAG_FIN,
            data: (0..=255).collect(),
        },
        Frame::Data {
            stream_id: 2,
            flags: 0,
            data: Vec::new(),
        },
    ]
}

#[test]
fn every_frame_type_round_trips() {
    let frames = sample_frames();
    let mut buf = encode_all(&mut Encoder::new(), &frames);
    let mut decoder = Decoder::new();
    for frame in &frames {
        assert_eq!(decoder.decode(&mut buf).unwrap().as_ref(), Some(frame));
    }
    assert_eq!(decoder.decode(&mut buf).unwrap(), None);
    assert!(buf.is_empty());
}

#[test]
fn decoding_is_incremental() {
    let frames = sample_frames();
    let wire = encode_all(&mut Encoder::new(), &frames);
    let mut decoder = Decoder::new();
    let mut buf = Vec::new();
    let mut decoded = Vec::new();
    for &byte in &wire {
        buf.push(byte);
        while let Some(frame) = decoder.decode(&mut buf).unwrap() {
            decoded.push(frame);
        }
    }
    assert_eq!(decoded, frames);
}

#[test]
fn header_names_are_lowercased_on_the_wire() {
    let frame = Frame::Headers {
        stream_id: 1,
        flags: 0,
        headers: headers(&[("streamType", "error")]),
    };
    let mut buf = encode_all(&mut Encoder::new(), &[frame]);
    let Some(Frame::Headers { headers: got, .. }) = Decoder::new().decode(&mut buf).unwrap() else {
        panic!("not a HEADERS frame");
    };
    assert_eq!(got, headers(&[("streamtype", "error")]));
}

#[test]
fn header_blocks_share_one_zlib_stream_per_direction() {
    let mut encoder = Encoder::new();
    let mut decoder = Decoder::new();
    let blocks = [
        headers(&[("streamtype", "error"), ("port", "80"), ("requestid", "0")]),
        headers(&[("streamtype", "data"), ("port", "80"), ("requestid", "0")]),
        Vec::new(),
        headers(&[("streamtype", "error"), ("port", "80"), ("requestid", "1")]),
        headers(&[("streamtype", "error"), ("port", "80"), ("requestid", "1")]),
    ];
    let mut sizes = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let frame = Frame::SynStream {
            stream_id: 2 * i as u32 + 1,
            associated_stream_id: 0,
            priority: 0,
            slot: 0,
            flags: 0,
            headers: block.clone(),
        };
        let mut wire = encode_all(&mut encoder, std::slice::from_ref(&frame));
        sizes.push(wire.len());
        if i > 0 {
            // A later block only makes sense to a decoder that saw the earlier ones.
            assert!(Decoder::new().decode(&mut wire.clone()).is_err());
        }
        assert_eq!(decoder.decode(&mut wire).unwrap(), Some(frame));
    }
    // A block repeating the previous one is coded as back-references into the shared window.
    assert!(sizes[4] < sizes[0], "sizes {sizes:?}");
}

/// Adler-32 as RFC 1950 defines it.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

#[test]
fn compressed_blocks_start_with_a_zlib_header_naming_the_spdy_dictionary() {
    assert_eq!(DICTIONARY.len(), 1423);
    assert_eq!(&DICTIONARY[..11], b"\0\0\0\x07options");
    assert!(DICTIONARY.ends_with(b",*,enq=0."));
    assert_eq!(adler32(&DICTIONARY), 0xe3c6_a7c2);
    let frame = Frame::SynReply {
        stream_id: 1,
        flags: 0,
        headers: headers(&[("status", "200 OK")]),
    };
    let wire = encode_all(&mut Encoder::new(), &[frame]);
    // 8 bytes of frame header, 4 of stream id, then the zlib stream.
    let zlib = &wire[12..];
    let (cmf, flg) = (zlib[0], zlib[1]);
    assert_eq!(cmf & 0x0f, 8, "deflate");
    assert_eq!(
        (u16::from(cmf) << 8 | u16::from(flg)) % 31,
        0,
        "header check"
    );
    assert_ne!(flg & 0x20, 0, "FDICT");
    let dictid = u32::from_be_bytes([zlib[2], zlib[3], zlib[4], zlib[5]]);
    assert_eq!(dictid, adler32(&DICTIONARY));
    // Every block ends with the empty stored block of a SYNC_FLUSH.
    assert!(wire.ends_with(&[0x00, 0x00, 0xff, 0xff]));
}

#[test]
fn unknown_control_frames_are_skipped() {
    // A NOOP-like control frame of type 5 and one of type 0x7fff, each with a payload.
    let mut buf = vec![0x80, 0x03, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb];
    buf.extend_from_slice(&[0x80, 0x03, 0x7f, 0xff, 0x00, 0x00, 0x00, 0x00]);
    buf.extend(encode_all(&mut Encoder::new(), &[Frame::Ping { id: 1 }]));
    assert_eq!(
        Decoder::new().decode(&mut buf).unwrap(),
        Some(Frame::Ping { id: 1 })
    );
    assert!(buf.is_empty());
}

#[test]
fn a_wrong_version_is_an_error() {
    let mut buf = vec![0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1];
    assert_eq!(
        Decoder::new().decode(&mut buf),
        Err(FrameError::UnsupportedVersion(2))
    );
}

#[test]
fn lengths_that_do_not_fit_the_type_are_errors() {
    let cases: [&[u8]; 6] = [
        // RST_STREAM of 4 bytes.
        &[0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1],
        // PING of 8 bytes.
        &[
            0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 0, 2,
        ],
        // WINDOW_UPDATE of 4 bytes.
        &[0x80, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1],
        // GOAWAY of 4 bytes (the SPDY/2 form).
        &[0x80, 0x03, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1],
        // SYN_STREAM too short for its fixed fields.
        &[0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1],
        // SETTINGS claiming two entries but holding one.
        &[
            0x80, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0c, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 1,
        ],
    ];
    for case in cases {
        let result = Decoder::new().decode(&mut case.to_vec());
        assert!(
            matches!(result, Err(FrameError::Malformed { .. })),
            "{case:?}: {result:?}"
        );
    }
}

#[test]
fn a_truncated_frame_waits_for_more() {
    let wire = encode_all(&mut Encoder::new(), &sample_frames()[..1]);
    let mut decoder = Decoder::new();
    for cut in [0, 3, 7, 8, wire.len() - 1] {
        let mut part = wire[..cut].to_vec();
        assert_eq!(decoder.decode(&mut part).unwrap(), None);
        assert_eq!(part.len(), cut, "nothing is consumed");
    }
}

/// A SYN_REPLY frame for stream 1 whose header block is `raw`, compressed as SPDY does.
fn syn_reply_with_raw_block(raw: &[u8]) -> Vec<u8> {
    let mut zlib = Compress::new(Compression::default(), true);
    zlib.set_dictionary(&DICTIONARY).unwrap();
    let mut block = Vec::with_capacity(raw.len() + 256);
    zlib.compress_vec(raw, &mut block, FlushCompress::Sync)
        .unwrap();
    let mut body = 1u32.to_be_bytes().to_vec();
    body.extend(block);
    let mut wire = vec![0x80, 0x03, 0x00, 0x02, 0x00];
    wire.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    wire.extend(body);
    wire
}

#[test]
fn header_blocks_that_lie_about_their_contents_are_errors() {
    let bad: [(&[u8], &str); 5] = [
        (
            &[0, 0, 0, 200, 0, 0, 0, 1, b'a', 0, 0, 0, 0],
            "count larger than the block",
        ),
        (
            &[0, 0, 0, 1, 0, 0, 0, 9, b'a', 0, 0, 0, 0],
            "name longer than the block",
        ),
        (
            &[0, 0, 0, 1, 0, 0, 0, 1, b'a', 0, 0],
            "truncated value length",
        ),
        (
            &[0, 0, 0, 1, 0, 0, 0, 1, b'A', 0, 0, 0, 0],
            "uppercase name",
        ),
        (&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], "empty name"),
    ];
    for (raw, what) in bad {
        let result = Decoder::new().decode(&mut syn_reply_with_raw_block(raw));
        assert!(
            matches!(
                result,
                Err(FrameError::HeaderBlock(_) | FrameError::HeaderName(_))
            ),
            "{what}: {result:?}"
        );
    }
    let good = syn_reply_with_raw_block(&[0, 0, 0, 1, 0, 0, 0, 1, b'a', 0, 0, 0, 1, b'b']);
    assert_eq!(
        Decoder::new().decode(&mut good.clone()).unwrap(),
        Some(Frame::SynReply {
            stream_id: 1,
            flags: 0,
            headers: headers(&[("a", "b")]),
        })
    );
}

#[test]
fn corrupt_compressed_data_is_an_error() {
    let mut wire = vec![0x80, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00, 0x0a, 0, 0, 0, 1];
    wire.extend_from_slice(&[0x78, 0xbb, 0xde, 0xad, 0xbe, 0xef]);
    assert!(matches!(
        Decoder::new().decode(&mut wire),
        Err(FrameError::Decompress(_))
    ));
    let mut no_block = vec![0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1];
    assert!(Decoder::new().decode(&mut no_block).is_err());
}

#[test]
fn a_header_block_that_inflates_too_far_is_refused() {
    let mut raw = vec![0, 0, 0, 1, 0, 0, 0, 1, b'a'];
    let value = vec![b'x'; MAX_HEADER_BLOCK + 1];
    raw.extend_from_slice(&(value.len() as u32).to_be_bytes());
    raw.extend(value);
    let result = Decoder::new().decode(&mut syn_reply_with_raw_block(&raw));
    assert_eq!(
        result,
        Err(FrameError::HeaderBlockTooLarge(MAX_HEADER_BLOCK))
    );
}

#[test]
fn oversized_frames_and_empty_names_are_not_encoded() {
    let mut out = Vec::new();
    let data = Frame::Data {
        stream_id: 1,
        flags: 0,
        data: vec![0; MAX_FRAME_PAYLOAD + 1],
    };
    assert_eq!(
        Encoder::new().encode(&data, &mut out),
        Err(FrameError::TooLarge(MAX_FRAME_PAYLOAD + 1))
    );
    let empty_name = Frame::SynReply {
        stream_id: 1,
        flags: 0,
        headers: headers(&[("", "x")]),
    };
    assert!(Encoder::new().encode(&empty_name, &mut out).is_err());
    assert!(out.is_empty());
}
