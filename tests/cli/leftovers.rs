//! What must never be left behind or let through: a content document git ignores is not read
//! (an untracked one is, for previewing a new entry), and a killed `serve`'s build folder is
//! removed by the next `serve` or `build`.

use crate::harness::*;

const RUNBOOK: &str =
    "---\ntitle: 本地笔记\nsystem: 小贷\nowner: 琳琳\nupdated: 2019-03-01\n---\n\n";

/// Every file under `dir` whose bytes contain `marker`.
fn files_with(dir: &std::path::Path, marker: &str) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|i| i.expect("walk"))
        .filter(|i| i.file_type().is_file())
        .filter(|i| String::from_utf8_lossy(&std::fs::read(i.path()).unwrap()).contains(marker))
        .map(|i| i.path().display().to_string())
        .collect()
}

/// A ledger made by `opsledger init`, whose `.gitignore` ignores `local-notes.md` and the
/// tracked runbook `risk-rule-release.md`, with an ignored and an untracked runbook written.
fn with_ignored_runbook() -> Ledger {
    let l = Ledger::empty();
    let (code, out, err) = l.run(&["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let ignore = l.read(".gitignore")
        + "content/runbooks/local-notes.md\ncontent/runbooks/risk-rule-release.md\n";
    l.file(".gitignore", ignore)
        .file(
            "content/runbooks/local-notes.md",
            format!("{RUNBOOK}IGNORED_SECRET password=hunter2\n"),
        )
        .file(
            "content/runbooks/new-runbook.md",
            format!("{RUNBOOK}UNTRACKED_PREVIEW\n"),
        )
}

#[test]
fn a_content_document_git_ignores_is_reported_and_not_read() {
    let l = with_ignored_runbook();
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let diags = json(&out)["diagnostics"].as_array().unwrap().clone();
    let of = |file: &str| -> Vec<_> {
        diags
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
            .collect()
    };
    let ignored = of("content/runbooks/local-notes.md");
    assert_eq!(ignored.len(), 1, "{out}");
    assert_eq!(ignored[0].0, "W0007");
    assert!(ignored[0].1.contains("git ignores"), "{out}");
    // Untracked but not ignored: read (a new document before its first commit); tracked but
    // matching an ignore rule: git tracks it, so it is read.
    assert_eq!(of("content/runbooks/new-runbook.md"), [], "{out}");
    assert_eq!(of("content/runbooks/risk-rule-release.md"), [], "{out}");

    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!l.path("public/runbooks/local-notes").exists());
    assert_eq!(
        files_with(&l.path("public"), "IGNORED_SECRET"),
        [] as [String; 0]
    );
    assert_eq!(
        files_with(&l.path("public"), "local-notes"),
        [] as [String; 0]
    );
    assert!(
        l.read("public/runbooks/new-runbook/index.html")
            .contains("UNTRACKED_PREVIEW")
    );
    assert!(
        l.path("public/runbooks/risk-rule-release/index.html")
            .is_file()
    );
}

#[test]
fn a_folder_git_ignores_hides_its_documents_too() {
    let l = Ledger::minimal()
        .file(".gitignore", "/content/runbooks/\n")
        .commit("first")
        .file(
            "content/runbooks/local-notes.md",
            format!("{RUNBOOK}IGNORED_SECRET\n"),
        );
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        located(&out),
        [(
            "W0007".into(),
            "content/runbooks/local-notes.md".into(),
            1,
            1
        )],
        "{out}"
    );
}

#[test]
fn outside_a_git_repository_every_document_is_read() {
    let l = Ledger::minimal()
        .file(".gitignore", "content/runbooks/local-notes.md\n")
        .file(
            "content/runbooks/local-notes.md",
            format!("{RUNBOOK}NOT_IN_GIT\n"),
        );
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(located(&out), [], "{out}");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        l.read("public/runbooks/local-notes/index.html")
            .contains("NOT_IN_GIT")
    );
}

/// A running `opsledger serve --port 0` and its port; dropping it kills it as `kill -9` does
/// (SIGKILL: no handler runs).
struct Serving {
    child: std::process::Child,
    port: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(l: &Ledger) -> Serving {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_opsledger"))
        .arg("-C")
        .arg(l.dir())
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .env("HOME", l.root().join("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start opsledger serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads every line, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(url) = line.strip_prefix("serving http://127.0.0.1:") {
                let _ = tx.send(url.split('/').next().unwrap().to_owned());
            }
        }
    });
    let port = rx
        .recv_timeout(TIMEOUT)
        .expect("serve says where it listens");
    Serving { child, port }
}

/// The folders under `.opsledger/serve/`, sorted.
fn serve_folders(l: &Ledger) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(l.path(".opsledger/serve"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_killed_serve_leaves_a_folder_the_next_serve_or_build_removes_and_a_live_one_is_kept() {
    let l = Ledger::minimal()
        .file(".gitignore", "/public/\n/.opsledger/\n")
        .commit("first");
    let live = serve(&l);
    let killed = serve(&l);
    let stale = killed.port.clone();
    assert_eq!(
        serve_folders(&l),
        sorted(vec![live.port.clone(), stale.clone()])
    );
    drop(killed);
    assert!(
        l.path(&format!(".opsledger/serve/{stale}")).is_dir(),
        "kill -9 runs no cleanup"
    );

    // The next serve removes the killed one's folder, not the live one's.
    let next = serve(&l);
    assert_eq!(
        serve_folders(&l),
        sorted(vec![live.port.clone(), next.port.clone()])
    );
    let stale = next.port.clone();
    drop(next);
    assert!(l.path(&format!(".opsledger/serve/{stale}")).is_dir());

    // So does a build.
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(serve_folders(&l), vec![live.port.clone()]);
    let kept = l.path(&format!(".opsledger/serve/{}/site-1", live.port));
    assert!(kept.join("index.html").is_file(), "the live serve's site");
}
