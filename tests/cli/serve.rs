//! `opsledger serve`: started on a free port, it serves the site with the live-reload script;
//! an edit rebuilds it, a broken edit shows its diagnostics over the last good site, a commit
//! rebuilds it with the new history; a busy port is a clear error; only this machine's pages
//! are answered, idle connections and long-polls hold no thread of their own, and a signal
//! stops it and removes its folder.

use crate::harness::{Ledger, TIMEOUT};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// A running `opsledger serve`, killed when dropped.
struct Serving {
    child: Child,
    addr: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(l: &Ledger) -> Serving {
    let home = l.root().join("home");
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsledger"))
        .arg("-C")
        .arg(l.dir())
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start opsledger serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads every line, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("serving http://") {
                let _ = tx.send(url.split('/').next().unwrap().to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(TIMEOUT)
        .expect("serve says where it listens");
    Serving { child, addr }
}

/// GET `path`: (status, body).
fn get(s: &Serving, path: &str) -> (u16, String) {
    let mut tcp = TcpStream::connect(&s.addr).expect("connect");
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).expect("read the response");
    let raw = String::from_utf8(raw).expect("utf-8 response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// Long-polls the server until its state satisfies `done`; panics after [`TIMEOUT`].
fn until(s: &Serving, what: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let started = Instant::now();
    let mut since = 0;
    loop {
        let (status, body) = get(s, &format!("/__opsledger/wait?since={since}"));
        assert_eq!(status, 200);
        let state: serde_json::Value = serde_json::from_str(&body).expect("json state");
        if done(&state) {
            return state;
        }
        since = state["version"].as_u64().unwrap();
        assert!(started.elapsed() < TIMEOUT, "{what}: still {state}");
    }
}

fn edit(l: &Ledger, rel: &str, from: &str, to: &str) {
    let p = l.path(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} holds {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

const ENTRY: &str = "content/entries/0020-repayment-file.md";

#[test]
fn serve_rebuilds_on_edit_and_commit_and_shows_a_failure_over_the_last_good_site() {
    // As `init` writes it: serve builds under the ignored .opsledger/.
    let l = Ledger::example()
        .file(".gitignore", "/public/\n/.opsledger/\n")
        .commit("the example ledger");
    let s = serve(&l);
    let (status, page) = get(&s, "/entries/20/");
    assert_eq!(status, 200);
    assert!(page.contains("还款文件生成"), "{page}");
    assert!(page.contains(r#"<script src="/__opsledger/live.js?v=1"></script></body>"#));
    let (status, js) = get(&s, "/__opsledger/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("/__opsledger/wait?since="));
    assert_eq!(get(&s, "/no/such/page/").0, 404);
    assert_eq!(get(&s, "/../opsledger.toml").0, 404);

    // An edit: the page changes.
    edit(
        &l,
        ENTRY,
        "title: 还款文件生成",
        "title: 还款文件生成（新版）",
    );
    until(&s, "the edit is built", |st| {
        st["site_version"].as_u64() > Some(1)
    });
    assert!(get(&s, "/entries/20/").1.contains("还款文件生成（新版）"));

    // A broken edit: the diagnostics go to the browser, the last good site stays.
    edit(&l, ENTRY, "priority: medium", "priority: [oops");
    let state = until(&s, "the failure is shown", |st| !st["error"].is_null());
    let error = state["error"].as_str().unwrap();
    assert!(error.contains("E0102"), "{error}");
    assert!(error.contains(&format!("{ENTRY}:9:")), "{error}");
    let (status, page) = get(&s, "/entries/20/");
    assert_eq!(status, 200);
    assert!(page.contains("还款文件生成（新版）"));

    // Fixed and committed: the entry's history shows the commit.
    edit(&l, ENTRY, "priority: [oops", "priority: medium");
    until(&s, "the fix is built", |st| st["error"].is_null());
    let _l = l.commit("rename entry 20 for the new file format");
    until(&s, "the commit is built", |_| {
        get(&s, "/entries/20/")
            .1
            .contains("rename entry 20 for the new file format")
    });
}

#[test]
fn serve_on_a_busy_port_says_so() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let l = Ledger::minimal();
    let (code, _, stderr) = l.run(&["serve", "--port", &port]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn serve_outside_a_ledger_says_so() {
    let l = Ledger::empty();
    let (code, _, stderr) = l.run(&["serve", "--port", "0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a ledger repository"), "{stderr}");
}

/// GET `path` with these extra header lines: the status.
fn status_with(s: &Serving, path: &str, headers: &str) -> u16 {
    let mut tcp = TcpStream::connect(&s.addr).expect("connect");
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).expect("read the response");
    let raw = String::from_utf8_lossy(&raw);
    raw.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status")
}

#[test]
fn serve_answers_only_pages_of_this_machine_on_every_route() {
    let l = Ledger::minimal();
    let s = serve(&l);
    let port = s.addr.rsplit(':').next().unwrap().to_owned();
    let routes = [
        "/",
        "/ledger.json",
        "/no/such/",
        "/__opsledger/live.js",
        "/__opsledger/wait?since=0",
    ];
    for path in routes {
        // A DNS-rebinding page: its own host name, resolved to 127.0.0.1.
        let evil = status_with(&s, path, "Host: evil.example.com\r\n");
        assert_eq!(evil, 421, "{path}");
        let evil = status_with(&s, path, &format!("Host: evil.example.com:{port}\r\n"));
        assert_eq!(evil, 421, "{path}");
        assert_eq!(status_with(&s, path, ""), 421, "no Host: {path}");
        // Another site's script, sent to the right host.
        let other = format!("Host: 127.0.0.1:{port}\r\nOrigin: http://evil.example.com\r\n");
        assert_eq!(status_with(&s, path, &other), 403, "{path}");
    }
    let own = format!("Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n");
    assert_eq!(status_with(&s, "/ledger.json", &own), 200);
    assert_eq!(get(&s, "/ledger.json").0, 200);
}

/// The threads of process `pid`.
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

#[cfg(target_os = "linux")]
#[test]
fn serve_keeps_a_fixed_number_of_threads_whatever_the_connections() {
    let l = Ledger::minimal();
    let s = serve(&l);
    let before = threads(s.child.id());
    // Connections that never send a request, and long-polls that wait for the next build.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&s.addr).expect("connect"))
        .collect();
    let version = until(&s, "the first build", |st| {
        st["site_version"].as_u64() > Some(0)
    })["version"]
        .as_u64()
        .unwrap();
    let polls: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut t = TcpStream::connect(&s.addr).expect("connect");
            let head = format!(
                "GET /__opsledger/wait?since={version} HTTP/1.1\r\nHost: {}\r\n\r\n",
                s.addr
            );
            t.write_all(head.as_bytes()).unwrap();
            t
        })
        .collect();
    // A page is still answered, by the same threads.
    let (status, page) = get(&s, "/entries/1/");
    assert_eq!(status, 200, "{page}");
    let during = threads(s.child.id());
    assert!(
        during <= before + 2,
        "{during} threads with {} connections open (before: {before})",
        idle.len() + polls.len()
    );
    drop((idle, polls));
}

/// Sends `signal` (`TERM`, `INT`) to the process `pid`.
#[cfg(unix)]
fn signal(pid: u32, signal: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn serve_removes_its_folder_when_stopped_by_a_signal() {
    for sig in ["TERM", "INT"] {
        let l = Ledger::minimal();
        let mut s = serve(&l);
        let port = s.addr.rsplit(':').next().unwrap().to_owned();
        let folder = l.path(&format!(".opsledger/serve/{port}"));
        assert!(folder.is_dir(), "{}", folder.display());
        signal(s.child.id(), sig);
        let started = Instant::now();
        let status = loop {
            if let Some(status) = s.child.try_wait().unwrap() {
                break status;
            }
            assert!(started.elapsed() < TIMEOUT, "serve ignores SIG{sig}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(status.success(), "SIG{sig}: {status}");
        assert!(!folder.exists(), "SIG{sig}: {} is left", folder.display());
        assert!(!l.path(".opsledger/serve").exists(), "SIG{sig}");
    }
}
