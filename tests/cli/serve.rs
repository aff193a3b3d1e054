//! `opsledger serve`: started on a free port, it serves the site with the live-reload script;
//! an edit rebuilds it, a broken edit shows its diagnostics over the last good site, a commit
//! rebuilds it with the new history; a busy port is a clear error.

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
