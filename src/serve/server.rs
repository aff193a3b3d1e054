//! The threads of `serve`'s HTTP server, a fixed number whatever the clients do: one accepts
//! connections, one reads their request heads (non-blocking, so a connection that sends nothing
//! holds no thread; a head not complete within [`HEAD_TIMEOUT`] is dropped, and past
//! [`MAX_PENDING`] connections the oldest is), [`WORKERS`] answer, and one holds every waiting
//! long-poll (at most [`MAX_WAITING`], each answered within [`WAIT`]). Every answer closes its
//! connection; a write that makes no progress for [`WRITE_TIMEOUT`], or a response not written
//! within [`WRITE_DEADLINE`], is given up.

use super::Live;
use super::http::{page, state_json};
use super::request::{self, MAX_HEAD, Request};
use crate::error::{Error, Result};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Threads answering requests.
pub const WORKERS: usize = 4;
/// Connections whose head is still being read; a new one beyond this drops the oldest.
pub const MAX_PENDING: usize = 256;
/// Long-polls held at once; one more is answered 503 (the page script retries a second later).
pub const MAX_WAITING: usize = 64;
/// How long a connection may take to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write may make no progress.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long writing one response may take in all.
pub const WRITE_DEADLINE: Duration = Duration::from_secs(60);
/// How long a long-poll waits for a build before answering "nothing new".
pub const WAIT: Duration = Duration::from_secs(25);
const LIVE_JS: &str = include_str!("live.js");

/// A running server; [`Server::stop`] ends its threads.
pub struct Server {
    pub addr: SocketAddr,
    stopped: Arc<AtomicBool>,
}

/// What the threads share.
struct Shared {
    live: Arc<Live>,
    port: u16,
    stopped: Arc<AtomicBool>,
}

/// A connection with its request read (`None`: a head that could not be parsed).
struct Job {
    stream: TcpStream,
    request: Option<Request>,
}

impl Server {
    /// Listens on 127.0.0.1:`port` (0: any free port) and answers from `live`.
    pub fn start(port: u16, live: Arc<Live>) -> Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            Error::Serve(format!(
                "cannot listen on 127.0.0.1:{port}: {e} (pass --port N for another port)"
            ))
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Serve(format!("the server has no address: {e}")))?;
        let stopped = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            live,
            port: addr.port(),
            stopped: Arc::clone(&stopped),
        });
        let (conn_tx, conn_rx) = std::sync::mpsc::sync_channel(MAX_PENDING);
        let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<Job>(WORKERS);
        let (wait_tx, wait_rx) = std::sync::mpsc::sync_channel(MAX_WAITING);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(format!("serve-{name}"))
                .spawn(f)
                .map(drop)
                .map_err(|e| Error::Serve(format!("cannot start a server thread: {e}")))
        };
        let s = Arc::clone(&shared);
        spawn("accept", Box::new(move || accept(&listener, &conn_tx, &s)))?;
        let s = Arc::clone(&shared);
        spawn("read", Box::new(move || read_heads(&conn_rx, &job_tx, &s)))?;
        for i in 0..WORKERS {
            let (s, jobs, waits) = (Arc::clone(&shared), Arc::clone(&job_rx), wait_tx.clone());
            spawn(
                &format!("work-{i}"),
                Box::new(move || work(&jobs, &waits, &s)),
            )?;
        }
        let s = Arc::clone(&shared);
        spawn("wait", Box::new(move || hold_polls(&wait_rx, &s)))?;
        Ok(Server { addr, stopped })
    }

    /// Ends the threads (the waiting long-polls are dropped).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn accept(listener: &TcpListener, to_reader: &SyncSender<TcpStream>, s: &Shared) {
    for conn in listener.incoming() {
        if s.stopped.load(Ordering::SeqCst) {
            return;
        }
        match conn {
            Ok(stream) => {
                if stream.set_nonblocking(true).is_ok() && to_reader.send(stream).is_err() {
                    return;
                }
            }
            // Out of file descriptors, or a connection reset before it was accepted: the
            // pending ones get time to finish.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// A connection whose head is being read.
struct Pending {
    stream: TcpStream,
    buf: Vec<u8>,
    since: Instant,
}

fn read_heads(from: &Receiver<TcpStream>, to_workers: &SyncSender<Job>, s: &Shared) {
    let mut pending: std::collections::VecDeque<Pending> = Default::default();
    loop {
        if s.stopped.load(Ordering::SeqCst) {
            return;
        }
        // Nothing to read: sleep until a connection comes.
        let first = if pending.is_empty() {
            match from.recv_timeout(Duration::from_secs(1)) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            None
        };
        for stream in first.into_iter().chain(from.try_iter()) {
            if pending.len() == MAX_PENDING {
                pending.pop_front();
            }
            let (buf, since) = (Vec::new(), Instant::now());
            pending.push_back(Pending { stream, buf, since });
        }
        let mut progressed = false;
        let mut still = std::collections::VecDeque::with_capacity(pending.len());
        for mut p in pending.drain(..) {
            // A head sent a byte at a time has no more time than one sent at once.
            let late = p.since.elapsed() >= HEAD_TIMEOUT;
            match read_some(&mut p) {
                Progress::Gone => {}
                Progress::Waiting | Progress::Read if late => {}
                Progress::Waiting => still.push_back(p),
                Progress::Read => {
                    progressed = true;
                    still.push_back(p);
                }
                Progress::Head(request) => {
                    progressed = true;
                    let job = Job {
                        stream: p.stream,
                        request,
                    };
                    // All workers busy: the reader waits, and new connections with it.
                    if to_workers.send(job).is_err() {
                        return;
                    }
                }
            }
        }
        pending = still;
        if !progressed {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

enum Progress {
    Waiting,
    Read,
    Gone,
    Head(Option<Request>),
}

fn read_some(p: &mut Pending) -> Progress {
    let mut chunk = [0u8; 4096];
    match p.stream.read(&mut chunk) {
        Ok(0) => Progress::Gone,
        Ok(n) => {
            p.buf.extend_from_slice(&chunk[..n]);
            match request::head_len(&p.buf) {
                Some(len) => Progress::Head(request::parse(&p.buf[..len])),
                None if p.buf.len() > MAX_HEAD => Progress::Head(None),
                None => Progress::Read,
            }
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {
            Progress::Waiting
        }
        Err(_) => Progress::Gone,
    }
}

/// A long-poll: where to answer, since which version, until when.
struct Poll {
    stream: TcpStream,
    since: u64,
    until: Instant,
}

fn work(jobs: &Mutex<Receiver<Job>>, polls: &SyncSender<Poll>, s: &Shared) {
    loop {
        // The lock is held only while taking a job.
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Job { stream, request }) = job else {
            return;
        };
        if stream.set_nonblocking(false).is_err() {
            continue;
        }
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if let Some(poll) = answer(stream, request, s)
            && let Err(TrySendError::Full(p) | TrySendError::Disconnected(p)) = polls.try_send(poll)
        {
            respond(
                p.stream,
                503,
                "text/plain",
                b"too many waiting pages".to_vec(),
            );
        }
    }
}

/// Answers the request, or gives back a long-poll that has to wait.
fn answer(stream: TcpStream, request: Option<Request>, s: &Shared) -> Option<Poll> {
    let Some(rq) = request else {
        respond(stream, 400, "text/plain", b"bad request".to_vec());
        return None;
    };
    if let Err((status, why)) = request::allowed(&rq, s.port) {
        respond(stream, status, "text/plain", why.as_bytes().to_vec());
        return None;
    }
    if rq.method != "GET" {
        respond(stream, 405, "text/plain", b"only GET".to_vec());
        return None;
    }
    let (path, query) = rq.target.split_once('?').unwrap_or((&rq.target, ""));
    match path {
        "/__opsledger/live.js" => respond(stream, 200, "text/javascript", LIVE_JS.into()),
        "/__opsledger/wait" => {
            let since = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("since="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let now = s.live.snapshot();
            if now.version <= since {
                let until = Instant::now() + WAIT;
                return Some(Poll {
                    stream,
                    since,
                    until,
                });
            }
            respond(stream, 200, "application/json", state_json(&now).into());
        }
        _ => {
            let (status, ctype, bytes) = page(&s.live.snapshot(), path);
            respond(stream, status, ctype, bytes);
        }
    }
    None
}

/// Holds the long-polls and answers each when a build is published or its time is up.
fn hold_polls(from: &Receiver<Poll>, s: &Shared) {
    let mut polls: Vec<Poll> = Vec::new();
    let mut seen = s.live.snapshot().version;
    while !s.stopped.load(Ordering::SeqCst) {
        if polls.is_empty() {
            match from.recv_timeout(Duration::from_secs(1)) {
                Ok(p) => polls.push(p),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            let next = polls.iter().map(|p| p.until).min();
            // Short slices, so a poll that arrives meanwhile is taken in soon.
            let slice = next
                .map_or(Duration::ZERO, |t| {
                    t.saturating_duration_since(Instant::now())
                })
                .min(Duration::from_millis(200));
            seen = s.live.wait(seen, slice).version;
        }
        polls.extend(from.try_iter());
        let state = s.live.snapshot();
        let now = Instant::now();
        let (due, keep): (Vec<Poll>, Vec<Poll>) = polls
            .into_iter()
            .partition(|p| state.version > p.since || now >= p.until);
        polls = keep;
        for p in due {
            respond(p.stream, 200, "application/json", state_json(&state).into());
        }
    }
}

/// Writes a whole response and closes the connection; a client that went away is no error,
/// and one that reads too slowly is given up on after [`WRITE_DEADLINE`].
fn respond(mut stream: TcpStream, status: u16, ctype: &str, body: Vec<u8>) {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let started = Instant::now();
    let parts = std::iter::once(head.as_bytes()).chain(body.chunks(64 * 1024));
    for part in parts {
        if started.elapsed() > WRITE_DEADLINE || stream.write_all(part).is_err() {
            return;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        503 => "Service Unavailable",
        _ => "",
    }
}
