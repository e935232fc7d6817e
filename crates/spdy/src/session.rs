//! A multiplexed SPDY/3.1 session over an async transport.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit, Semaphore};

use crate::codec::{serialize_headers, Decoder, Encoder};
use crate::error::Error;
use crate::frame::{Frame, FLAG_FIN, FLAG_UNIDIRECTIONAL, MAX_STREAM_ID};
use crate::{status, Headers};

/// Granted window is returned to the peer once this much was consumed: half of SPDY's initial
/// 64 KiB window, so a peer that enforces flow control always has room to send.
const WINDOW_UPDATE_THRESHOLD: u32 = 32 * 1024;
/// The largest data frame this side sends.
const MAX_DATA_FRAME: usize = 32 * 1024;
/// The data bytes that may wait for the writer task, over all streams, before writes wait.
const WRITE_BUDGET: usize = 1 << 20;
/// How much the reader task asks the transport for at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Which end of the connection this side is: it decides the parity of the stream and ping ids
/// this side originates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The connecting side: odd stream ids from 1, odd ping ids.
    Client,
    /// The accepting side: even stream ids from 2, even ping ids.
    Server,
}

impl Role {
    /// Whether this role originates stream or ping `id`.
    fn originates(self, id: u32) -> bool {
        (id % 2 == 1) == (self == Role::Client)
    }

    fn first_id(self) -> u32 {
        match self {
            Role::Client => 1,
            Role::Server => 2,
        }
    }
}

/// What the writer task is told to do.
enum Command {
    /// Write a frame; the permit is the frame's share of [`WRITE_BUDGET`], freed once written.
    Frame(Frame, Option<OwnedSemaphorePermit>),
    /// Write GOAWAY with this status after everything queued, shut the transport down, and say
    /// so on `done`.
    Close {
        status: u32,
        done: Option<oneshot::Sender<()>>,
    },
}

/// What the tasks and the handles share.
struct Shared {
    role: Role,
    commands: mpsc::UnboundedSender<Command>,
    budget: Arc<Semaphore>,
    state: Mutex<State>,
    /// Set once the session ends, to stop the reader task.
    stop: watch::Sender<bool>,
}

struct State {
    next_stream_id: u32,
    next_ping_id: u32,
    last_peer_stream_id: u32,
    streams: HashMap<u32, Entry>,
    /// Streams this side opened that await the peer's SYN_REPLY.
    opening: HashMap<u32, oneshot::Sender<Result<Headers, Error>>>,
    /// Pings this side sent that await the peer's answer.
    pings: HashMap<u32, oneshot::Sender<()>>,
    /// The peer's GOAWAY, if it sent one: (last good stream id, status).
    goaway: Option<(u32, u32)>,
    closed: bool,
}

/// A live stream as the session tracks it.
struct Entry {
    /// Where the peer's data goes; `None` once the peer half-closed.
    data: Option<mpsc::UnboundedSender<Vec<u8>>>,
    stream: Arc<StreamShared>,
    /// Whether this side finished (or may not send).
    local_closed: bool,
}

/// What a stream's halves and the session share.
struct StreamShared {
    id: u32,
    /// The status of the peer's RST_STREAM, once it arrived.
    reset: OnceLock<u32>,
    /// Whether the peer can send no more (FIN, RST or connection end): no window to grant.
    remote_closed: AtomicBool,
    /// Bytes consumed since the last WINDOW_UPDATE for this stream.
    unacked: AtomicU32,
}

impl StreamShared {
    fn new(id: u32) -> Arc<Self> {
        Arc::new(StreamShared {
            id,
            reset: OnceLock::new(),
            remote_closed: AtomicBool::new(false),
            unacked: AtomicU32::new(0),
        })
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, frame: Frame) -> Result<(), Error> {
        self.commands
            .send(Command::Frame(frame, None))
            .map_err(|_| Error::ConnectionClosed)
    }

    fn reset_stream(&self, stream_id: u32, status: u32) {
        // A failure means the connection is gone, and with it the stream.
        let _ = self.send(Frame::RstStream { stream_id, status });
    }

    /// Counts `n` bytes of `stream` as consumed, granting window back past the threshold.
    fn credit(&self, stream: &StreamShared, n: usize) {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let total = stream
            .unacked
            .fetch_add(n, Ordering::AcqRel)
            .saturating_add(n);
        if total >= WINDOW_UPDATE_THRESHOLD && !stream.remote_closed.load(Ordering::Acquire) {
            let delta = stream.unacked.swap(0, Ordering::AcqRel);
            if delta > 0 {
                let _ = self.send(Frame::WindowUpdate {
                    stream_id: stream.id,
                    delta: delta.min(MAX_STREAM_ID),
                });
            }
        }
    }

    /// This side sends no more on stream `id`; forgets it if the peer is done too.
    fn local_close(&self, id: u32) {
        let mut state = self.lock();
        if let Some(entry) = state.streams.get_mut(&id) {
            entry.local_closed = true;
            if entry.data.is_none() {
                state.streams.remove(&id);
            }
        }
    }

    /// The connection is over: fail whatever waits on it and end every stream.
    fn end(&self) {
        let mut state = self.lock();
        state.closed = true;
        for (_, reply) in state.opening.drain() {
            let _ = reply.send(Err(Error::ConnectionClosed));
        }
        state.pings.clear();
        for (_, entry) in state.streams.drain() {
            entry.stream.remote_closed.store(true, Ordering::Release);
        }
        drop(state);
        self.budget.close();
        self.stop.send_replace(true);
    }
}

/// Keeps the connection alive while any handle (a [`Session`], the [`Incoming`] or a stream
/// half) exists; when the last goes, the session says GOAWAY and ends.
struct Owner(Arc<Shared>);

impl Drop for Owner {
    fn drop(&mut self) {
        let _ = self.0.commands.send(Command::Close {
            status: status::GOAWAY_OK,
            done: None,
        });
    }
}

/// A handle to a SPDY session, for opening streams. Clones share the session.
#[derive(Clone)]
pub struct Session {
    owner: Arc<Owner>,
}

/// The streams the peer opens on a session.
pub struct Incoming {
    owner: Arc<Owner>,
    accepted: mpsc::UnboundedReceiver<Accepted>,
}

/// A stream the reader task accepted, before [`Incoming::accept`] hands it out.
struct Accepted {
    stream: Arc<StreamShared>,
    headers: Headers,
    data: mpsc::UnboundedReceiver<Vec<u8>>,
    unidirectional: bool,
}

/// Starts a SPDY/3.1 session over `io`, spawning its reader and writer tasks on the current
/// tokio runtime (so it must be called within one).
///
/// The session lives until [`Session::close`], until the transport ends or fails, or until the
/// `Session` (with all its clones), the `Incoming` and every stream half are dropped.
pub fn session<T>(io: T, role: Role) -> (Session, Incoming)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (accepted_tx, accepted) = mpsc::unbounded_channel();
    let (stop, stop_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        role,
        commands,
        budget: Arc::new(Semaphore::new(WRITE_BUDGET)),
        state: Mutex::new(State {
            next_stream_id: role.first_id(),
            next_ping_id: role.first_id(),
            last_peer_stream_id: 0,
            streams: HashMap::new(),
            opening: HashMap::new(),
            pings: HashMap::new(),
            goaway: None,
            closed: false,
        }),
        stop,
    });
    let (read, write) = tokio::io::split(io);
    tokio::spawn(write_loop(write, command_rx, shared.clone()));
    let reader = Reader {
        shared: shared.clone(),
        incoming: Some(accepted_tx),
        session_unacked: 0,
    };
    tokio::spawn(reader.run(read, stop_rx));
    let owner = Arc::new(Owner(shared));
    (
        Session {
            owner: owner.clone(),
        },
        Incoming { owner, accepted },
    )
}

impl Session {
    /// Opens a stream: sends SYN_STREAM with these headers and returns once the peer's
    /// SYN_REPLY arrives, or fails on its RST_STREAM, its GOAWAY or the connection's end.
    pub async fn open(&self, headers: Headers) -> Result<Stream, Error> {
        serialize_headers(&headers)?;
        let shared = &self.owner.0;
        let (reply_tx, reply_rx) = oneshot::channel();
        let (data_tx, data_rx) = mpsc::unbounded_channel();
        let stream;
        {
            let mut state = shared.lock();
            if state.closed {
                return Err(Error::ConnectionClosed);
            }
            if let Some((last_good_stream_id, status)) = state.goaway {
                return Err(Error::GoAway {
                    last_good_stream_id,
                    status,
                });
            }
            let id = state.next_stream_id;
            if id > MAX_STREAM_ID {
                return Err(Error::StreamIdsExhausted);
            }
            state.next_stream_id = id + 2;
            stream = StreamShared::new(id);
            state.streams.insert(
                id,
                Entry {
                    data: Some(data_tx),
                    stream: stream.clone(),
                    local_closed: false,
                },
            );
            state.opening.insert(id, reply_tx);
            // Queued under the lock, so that ids go on the wire in increasing order.
            shared.send(Frame::SynStream {
                stream_id: id,
                associated_stream_id: 0,
                priority: 0,
                slot: 0,
                flags: 0,
                headers,
            })?;
        }
        let headers = reply_rx.await.map_err(|_| Error::ConnectionClosed)??;
        Ok(Stream::new(
            self.owner.clone(),
            stream,
            headers,
            data_rx,
            true,
        ))
    }

    /// Sends a PING and waits for the peer's answer; returns the round-trip time.
    pub async fn ping(&self) -> Result<Duration, Error> {
        let shared = &self.owner.0;
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut state = shared.lock();
            if state.closed {
                return Err(Error::ConnectionClosed);
            }
            let id = state.next_ping_id;
            state.next_ping_id = id.wrapping_add(2);
            state.pings.insert(id, tx);
            id
        };
        let start = Instant::now();
        shared.send(Frame::Ping { id })?;
        rx.await.map_err(|_| Error::ConnectionClosed)?;
        Ok(start.elapsed())
    }

    /// Sends GOAWAY after everything already queued, then shuts the transport down and ends the
    /// session: its streams end and later calls fail with [`Error::ConnectionClosed`].
    pub async fn close(&self) {
        let (done, finished) = oneshot::channel();
        let command = Command::Close {
            status: status::GOAWAY_OK,
            done: Some(done),
        };
        if self.owner.0.commands.send(command).is_ok() {
            let _ = finished.await;
        }
    }
}

impl Incoming {
    /// The next stream the peer opened (already answered with a SYN_REPLY without headers), or
    /// `None` once the peer sent GOAWAY or the connection ended.
    pub async fn accept(&mut self) -> Option<Stream> {
        let accepted = self.accepted.recv().await?;
        Some(Stream::new(
            self.owner.clone(),
            accepted.stream,
            accepted.headers,
            accepted.data,
            !accepted.unidirectional,
        ))
    }
}

/// A SPDY stream: its headers, and the two halves to read and write it.
pub struct Stream {
    headers: Headers,
    recv: RecvHalf,
    send: SendHalf,
}

impl Stream {
    fn new(
        owner: Arc<Owner>,
        stream: Arc<StreamShared>,
        headers: Headers,
        data: mpsc::UnboundedReceiver<Vec<u8>>,
        writable: bool,
    ) -> Self {
        Stream {
            headers,
            recv: RecvHalf {
                owner: owner.clone(),
                stream: stream.clone(),
                data,
            },
            send: SendHalf {
                owner,
                stream,
                done: !writable,
            },
        }
    }

    /// The stream's id.
    pub fn id(&self) -> u32 {
        self.send.stream.id
    }

    /// The headers of the peer's SYN_STREAM (for an accepted stream) or SYN_REPLY (for an
    /// opened one).
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The value of header `name`, compared ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Splits the stream into its reading and writing halves.
    pub fn into_split(self) -> (RecvHalf, SendHalf) {
        (self.recv, self.send)
    }
}

/// The reading half of a stream.
///
/// Data waits in an unbounded per-stream queue, so that a slow reader never blocks the
/// connection's reader task and with it every other stream. What bounds the queue is the peer:
/// this half grants stream window only as it reads, so a peer that honours flow control has at
/// most 64 KiB in flight per stream. (Session window is granted as frames arrive, so that one
/// slow stream cannot stall the others.)
pub struct RecvHalf {
    owner: Arc<Owner>,
    stream: Arc<StreamShared>,
    data: mpsc::UnboundedReceiver<Vec<u8>>,
}

impl RecvHalf {
    /// The stream's id.
    pub fn id(&self) -> u32 {
        self.stream.id
    }

    /// The next chunk of data from the peer; `None` after its FIN or RST_STREAM (once the data
    /// that came before is read) or the connection's end.
    pub async fn read(&mut self) -> Option<Vec<u8>> {
        let chunk = self.data.recv().await?;
        self.owner.0.credit(&self.stream, chunk.len());
        Some(chunk)
    }
}

/// The writing half of a stream. Dropping it without [`finish`](Self::finish) or
/// [`reset`](Self::reset) half-closes the stream as `finish` does.
pub struct SendHalf {
    owner: Arc<Owner>,
    stream: Arc<StreamShared>,
    /// Whether this side sent FIN or RST_STREAM, or may not send (a unidirectional stream).
    done: bool,
}

impl SendHalf {
    /// The stream's id.
    pub fn id(&self) -> u32 {
        self.stream.id
    }

    /// Sends `data` in frames of at most 32 KiB. Waits only while much data of this session
    /// waits for the transport, never on the peer's flow-control window.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        let shared = &self.owner.0;
        for chunk in data.chunks(MAX_DATA_FRAME) {
            self.writable()?;
            // A chunk is at most 32 KiB, far below the semaphore's u32 limit.
            let permit = shared
                .budget
                .clone()
                .acquire_many_owned(chunk.len() as u32)
                .await
                .map_err(|_| Error::ConnectionClosed)?;
            let frame = Frame::Data {
                stream_id: self.stream.id,
                flags: 0,
                data: chunk.to_vec(),
            };
            shared
                .commands
                .send(Command::Frame(frame, Some(permit)))
                .map_err(|_| Error::ConnectionClosed)?;
        }
        Ok(())
    }

    /// Half-closes the stream: sends an empty data frame with FIN.
    pub async fn finish(mut self) -> Result<(), Error> {
        self.writable()?;
        self.done = true;
        let sent = self.owner.0.send(Frame::Data {
            stream_id: self.stream.id,
            flags: FLAG_FIN,
            data: Vec::new(),
        });
        self.owner.0.local_close(self.stream.id);
        sent
    }

    /// Ends the stream abnormally with RST_STREAM and this status (see [`crate::status`]); the
    /// stream's reading half then ends too.
    pub async fn reset(mut self, status: u32) {
        self.done = true;
        let shared = &self.owner.0;
        shared.reset_stream(self.stream.id, status);
        self.stream.remote_closed.store(true, Ordering::Release);
        shared.lock().streams.remove(&self.stream.id);
    }

    fn writable(&self) -> Result<(), Error> {
        if let Some(&status) = self.stream.reset.get() {
            return Err(Error::Reset {
                id: self.stream.id,
                status,
            });
        }
        if self.done {
            return Err(Error::StreamClosed(self.stream.id));
        }
        Ok(())
    }
}

impl Drop for SendHalf {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if self.stream.reset.get().is_none() {
            let _ = self.owner.0.send(Frame::Data {
                stream_id: self.stream.id,
                flags: FLAG_FIN,
                data: Vec::new(),
            });
        }
        self.owner.0.local_close(self.stream.id);
    }
}

/// The writer task: encodes queued frames in order and writes them, batching what is queued.
async fn write_loop<W>(
    mut io: W,
    mut commands: mpsc::UnboundedReceiver<Command>,
    shared: Arc<Shared>,
) where
    W: AsyncWrite + Unpin,
{
    /// Past this many encoded bytes a batch is written even if more is queued.
    const BATCH: usize = 256 * 1024;
    let mut encoder = Encoder::new();
    let mut buf = Vec::new();
    let mut permits = Vec::new();
    let mut done = None;
    'run: while let Some(first) = commands.recv().await {
        let mut next = Some(first);
        let mut closing = None;
        while let Some(command) = next.take() {
            match command {
                Command::Frame(frame, permit) => {
                    if encoder.encode(&frame, &mut buf).is_err() {
                        break 'run;
                    }
                    permits.extend(permit);
                }
                Command::Close { status, done: tx } => {
                    closing = Some(status);
                    done = tx;
                    break;
                }
            }
            if buf.len() < BATCH {
                next = commands.try_recv().ok();
            }
        }
        if let Some(status) = closing {
            let last_good_stream_id = shared.lock().last_peer_stream_id;
            let goaway = Frame::GoAway {
                last_good_stream_id,
                status,
            };
            if encoder.encode(&goaway, &mut buf).is_err() {
                break;
            }
        }
        if io.write_all(&buf).await.is_err() || io.flush().await.is_err() {
            break;
        }
        buf.clear();
        permits.clear();
        if closing.is_some() {
            let _ = io.shutdown().await;
            break;
        }
    }
    shared.end();
    if let Some(done) = done {
        let _ = done.send(());
    }
}

/// The reader task's state.
struct Reader {
    shared: Arc<Shared>,
    /// Where accepted streams go; `None` after the peer's GOAWAY.
    incoming: Option<mpsc::UnboundedSender<Accepted>>,
    /// Data bytes received since the last session WINDOW_UPDATE.
    session_unacked: u32,
}

impl Reader {
    async fn run<R>(mut self, mut io: R, mut stop: watch::Receiver<bool>)
    where
        R: AsyncRead + Unpin,
    {
        let mut decoder = Decoder::new();
        let mut buf = Vec::with_capacity(READ_CHUNK);
        let mut status = status::GOAWAY_OK;
        'run: loop {
            buf.reserve(READ_CHUNK);
            let read = tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => break,
                read = io.read_buf(&mut buf) => read,
            };
            if !matches!(read, Ok(n) if n > 0) {
                break;
            }
            loop {
                match decoder.decode(&mut buf) {
                    Ok(Some(frame)) => self.handle(frame),
                    Ok(None) => break,
                    Err(_) => {
                        status = status::GOAWAY_PROTOCOL_ERROR;
                        break 'run;
                    }
                }
            }
        }
        let _ = self
            .shared
            .commands
            .send(Command::Close { status, done: None });
        self.shared.end();
    }

    fn handle(&mut self, frame: Frame) {
        let shared = self.shared.clone();
        match frame {
            Frame::SynStream {
                stream_id,
                flags,
                headers,
                ..
            } => self.syn_stream(stream_id, flags, headers),
            Frame::SynReply {
                stream_id,
                flags,
                headers,
            } => {
                let mut state = shared.lock();
                let Some(reply) = state.opening.remove(&stream_id) else {
                    let status = if state.streams.contains_key(&stream_id) {
                        status::STREAM_IN_USE
                    } else {
                        status::INVALID_STREAM
                    };
                    drop(state);
                    shared.reset_stream(stream_id, status);
                    return;
                };
                if flags & FLAG_FIN != 0 {
                    remote_close(&mut state, stream_id);
                }
                if reply.send(Ok(headers)).is_err() {
                    // The open was abandoned before the reply came.
                    state.streams.remove(&stream_id);
                    drop(state);
                    shared.reset_stream(stream_id, status::CANCEL);
                }
            }
            Frame::RstStream { stream_id, status } => {
                let mut state = shared.lock();
                if let Some(entry) = state.streams.remove(&stream_id) {
                    let _ = entry.stream.reset.set(status);
                    entry.stream.remote_closed.store(true, Ordering::Release);
                }
                if let Some(reply) = state.opening.remove(&stream_id) {
                    let _ = reply.send(Err(Error::Reset {
                        id: stream_id,
                        status,
                    }));
                }
            }
            // This side never waits on the peer's window, and has no settings to honour.
            Frame::Settings { .. } | Frame::WindowUpdate { .. } => {}
            Frame::Ping { id } => {
                if shared.role.originates(id) {
                    if let Some(answered) = shared.lock().pings.remove(&id) {
                        let _ = answered.send(());
                    }
                } else {
                    let _ = shared.send(Frame::Ping { id });
                }
            }
            Frame::GoAway {
                last_good_stream_id,
                status,
            } => {
                let mut state = shared.lock();
                state.goaway = Some((last_good_stream_id, status));
                let refused: Vec<u32> = state
                    .opening
                    .keys()
                    .copied()
                    .filter(|&id| id > last_good_stream_id)
                    .collect();
                for id in refused {
                    state.streams.remove(&id);
                    if let Some(reply) = state.opening.remove(&id) {
                        let _ = reply.send(Err(Error::GoAway {
                            last_good_stream_id,
                            status,
                        }));
                    }
                }
                self.incoming = None;
            }
            Frame::Headers {
                stream_id, flags, ..
            } => {
                if flags & FLAG_FIN != 0 {
                    remote_close(&mut shared.lock(), stream_id);
                }
            }
            Frame::Data {
                stream_id,
                flags,
                data,
            } => self.data(stream_id, flags, data),
        }
    }

    fn syn_stream(&mut self, id: u32, flags: u8, headers: Headers) {
        let shared = self.shared.clone();
        let mut state = shared.lock();
        if id == 0 || shared.role.originates(id) || id <= state.last_peer_stream_id {
            drop(state);
            shared.reset_stream(id, status::PROTOCOL_ERROR);
            return;
        }
        state.last_peer_stream_id = id;
        let Some(incoming) = self.incoming.as_ref().filter(|tx| !tx.is_closed()) else {
            drop(state);
            shared.reset_stream(id, status::REFUSED_STREAM);
            return;
        };
        let fin = flags & FLAG_FIN != 0;
        let unidirectional = flags & FLAG_UNIDIRECTIONAL != 0;
        let stream = StreamShared::new(id);
        let (data_tx, data_rx) = mpsc::unbounded_channel();
        if fin {
            stream.remote_closed.store(true, Ordering::Release);
        }
        if !(fin && unidirectional) {
            state.streams.insert(
                id,
                Entry {
                    data: (!fin).then_some(data_tx),
                    stream: stream.clone(),
                    local_closed: unidirectional,
                },
            );
        }
        if !unidirectional {
            // Queued before the stream is handed out, so no data of ours can precede it.
            let _ = shared.send(Frame::SynReply {
                stream_id: id,
                flags: 0,
                headers: Vec::new(),
            });
        }
        let accepted = Accepted {
            stream,
            headers,
            data: data_rx,
            unidirectional,
        };
        if incoming.send(accepted).is_err() {
            state.streams.remove(&id);
            drop(state);
            shared.reset_stream(id, status::REFUSED_STREAM);
        }
    }

    fn data(&mut self, id: u32, flags: u8, data: Vec<u8>) {
        let shared = self.shared.clone();
        let len = data.len();
        if len > 0 {
            self.session_unacked = self.session_unacked.saturating_add(len as u32);
            if self.session_unacked >= WINDOW_UPDATE_THRESHOLD {
                let delta = std::mem::take(&mut self.session_unacked).min(MAX_STREAM_ID);
                let _ = shared.send(Frame::WindowUpdate {
                    stream_id: 0,
                    delta,
                });
            }
        }
        let mut state = shared.lock();
        let Some(entry) = state.streams.get_mut(&id) else {
            drop(state);
            shared.reset_stream(id, status::INVALID_STREAM);
            return;
        };
        let Some(tx) = &entry.data else {
            drop(state);
            shared.reset_stream(id, status::STREAM_ALREADY_CLOSED);
            return;
        };
        let mut discarded = None;
        if len > 0 {
            if let Err(unread) = tx.send(data) {
                // The reading half is gone: the data is dropped, but its window is still granted
                // so the peer can go on to its FIN.
                discarded = Some((entry.stream.clone(), unread.0.len()));
            }
        }
        if flags & FLAG_FIN != 0 {
            remote_close(&mut state, id);
        }
        drop(state);
        if let Some((stream, n)) = discarded {
            shared.credit(&stream, n);
        }
    }
}

/// The peer sends no more on stream `id`; forgets it if this side is done too.
fn remote_close(state: &mut State, id: u32) {
    if let Some(entry) = state.streams.get_mut(&id) {
        entry.data = None;
        entry.stream.remote_closed.store(true, Ordering::Release);
        if entry.local_closed {
            state.streams.remove(&id);
        }
    }
}
