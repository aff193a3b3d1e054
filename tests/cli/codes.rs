//! One fixture per diagnostic code under `tests/fixtures/codes/<CODE>/`: the files that differ
//! from the harness's minimal valid ledger, overlaid onto it. Problems that a fixture cannot hold
//! as plain text (bytes that are not UTF-8, a symbolic link, an unreadable folder, …) are made by
//! the test; the fixture then holds a `setup.txt` whose first line names the action.
//!
//! Problems that only a change shows (`check --base`) need two versions: such a fixture holds a
//! `base.txt` saying what it shows, and up to three folders overlaid in turn: `base/` onto the
//! minimal ledger, committed on `main` (the merge base); `main/`, committed on `main` after
//! the branch `pr` started; `head/`, committed on `pr`. The check then runs on `pr` with
//! `--base main`.
//!
//! Codes that `import` reports rather than `check` have a fixture holding `import.txt` (saying
//! what it shows) and the spreadsheet `rows.csv`, overlaid onto the minimal ledger like any
//! other; the test then runs `import rows.csv` instead of `check`.

use crate::harness::{Ledger, assert_no_panic, codes, entry};
use opsledger::diag::{Code, Severity};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codes")
}

/// The long folder name of the `deep-folder` setup.
fn long_name() -> String {
    "d".repeat(200)
}

/// True for a fixture of two versions (see the module documentation).
fn is_two_versions(code: Code) -> bool {
    fixtures().join(code.as_str()).join("base.txt").is_file()
}

/// True for a fixture that `import` runs on (see the module documentation).
fn is_import(code: Code) -> bool {
    fixtures().join(code.as_str()).join("import.txt").is_file()
}

/// `check` (or `import`) with the arguments the fixture of `code` needs, and `extra`.
fn check_args<'a>(code: Code, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check"];
    if is_import(code) {
        args = vec!["import", "rows.csv"];
    } else if is_two_versions(code) {
        args.extend(["--base", "main"]);
    }
    args.extend(extra);
    args
}

/// The repository of a two-version fixture, on branch `pr`.
fn two_versions(dir: &Path) -> Ledger {
    let overlay = |l: Ledger, part: &str| {
        let sub = dir.join(part);
        if sub.is_dir() { l.overlay(&sub) } else { l }
    };
    let l = overlay(Ledger::minimal(), "base").commit("base");
    let l = if dir.join("main").is_dir() {
        let l = l.checkout("pr").checkout("main");
        overlay(l, "main").commit("on main")
    } else {
        l
    };
    overlay(l.checkout("pr"), "head").commit("on pr")
}

/// Writes HEAD's commit again as a raw object whose author has no `<email>` (as no well-behaved
/// tool would), and moves the branch to it.
fn rewrite_head_without_email(l: &Ledger) {
    let repo = crate::harness::open_repo(l.dir());
    let head = repo.refname_to_id("HEAD").unwrap();
    let odb = repo.odb().unwrap();
    let raw = String::from_utf8(odb.read(head).unwrap().data().to_vec()).unwrap();
    let raw: String = raw
        .lines()
        .map(|line| match line.strip_prefix("author ") {
            Some(a) => format!(
                "author {}{}\n",
                a.split(" <").next().unwrap(),
                &a[a.find('>').unwrap() + 1..]
            ),
            None => format!("{line}\n"),
        })
        .collect();
    let id = odb.write(git2::ObjectType::Commit, raw.as_bytes()).unwrap();
    let branch = repo.head().unwrap().name().unwrap().to_owned();
    repo.reference(&branch, id, true, "odd commit").unwrap();
}

/// The minimal ledger with the fixture of `code` applied.
fn ledger_for(code: Code) -> Ledger {
    let dir = fixtures().join(code.as_str());
    if is_two_versions(code) {
        let l = two_versions(&dir);
        if dir.join("setup.txt").is_file() {
            rewrite_head_without_email(&l);
        }
        return l;
    }
    let l = Ledger::minimal().overlay(&dir);
    let setup = dir.join("setup.txt");
    if !setup.is_file() {
        return l;
    }
    let text = std::fs::read_to_string(&setup).expect("read setup.txt");
    let action = text.lines().next().unwrap_or("").trim();
    match action {
        "deep-folder" => {
            // Build the chain by wrapping: each step moves the whole chain one level down into a
            // new folder, so every call uses a short path; the end result is deeper than
            // PATH_MAX and cannot be opened by its full path (as root too).
            let work = l.root().join("deep");
            let mut top = work.join("w0");
            std::fs::create_dir_all(&top).unwrap();
            for i in 1..=24 {
                let next = work.join(format!("w{i}"));
                std::fs::create_dir_all(&next).unwrap();
                std::fs::rename(&top, next.join(long_name())).unwrap();
                top = next;
            }
            std::fs::rename(&top, l.path("content/deep")).unwrap();
            l
        }
        "invalid-utf8" => {
            let mut bytes = b"---\nid: 2\ntitle: \xbb\xb9\xbf\xee\xce\xc4\xbc\xfe\n".to_vec();
            let rest = entry(2, "");
            bytes.extend_from_slice(
                rest.split_once("title: 客户清单导出\n")
                    .unwrap()
                    .1
                    .as_bytes(),
            );
            l.file("content/entries/0002-gbk-title.md", bytes)
        }
        "binary" => l.file(
            "content/entries/0002-scan.md",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0",
        ),
        "too-large" => {
            let mut text = entry(2, "");
            text.push_str(&"x".repeat(2000 - text.len()));
            l.file("content/entries/0002-large.md", text)
        }
        "symlink" => l.symlink("content/entries/0002-passwd.md", "/etc/passwd"),
        other => panic!("{}: unknown setup action `{other}`", setup.display()),
    }
}

#[test]
fn every_code_has_a_fixture_and_every_fixture_a_code() {
    let mut missing = Vec::new();
    for code in Code::ALL {
        let dir = fixtures().join(code.as_str());
        let has_files = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_type().is_file());
        if !has_files {
            missing.push(code.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "codes without a fixture under tests/fixtures/codes/: {missing:?}"
    );
    let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let stale: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    assert!(stale.is_empty(), "fixtures for no code: {stale:?}");
}

#[test]
fn every_fixture_reports_its_code() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let l = ledger_for(code);
        let (exit, out, err) = l.run(&check_args(code, &["--format", "json"]));
        assert_no_panic(&err);
        let got = codes(&out);
        let want_exit = match code.severity() {
            Severity::Error => 1,
            Severity::Warning => 0,
        };
        if !got.iter().any(|c| c == code.as_str()) || exit != want_exit {
            failures.push(format!("{code}: exit {exit}, reported {got:?}\n{err}"));
        } else if got.iter().any(|c| c != code.as_str()) {
            // Each fixture isolates its code, so its snapshot shows just that problem.
            failures.push(format!("{code}: also reported other codes: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn human_output_of_every_fixture() {
    for &code in Code::ALL {
        let l = ledger_for(code);
        let (exit, out, err) = l.run(&check_args(code, &[]));
        assert_no_panic(&err);
        // The `deep-folder` path is thousands of characters long: show each level as `D`,
        // and a run of levels as one.
        let mut out = out.replace(&long_name(), "D");
        while out.contains("/D/D") {
            out = out.replace("/D/D", "/D");
        }
        let shown = format!("exit code: {exit}\n{out}{err}");
        insta::with_settings!({snapshot_suffix => code.as_str()}, {
            insta::assert_snapshot!("human", shown);
        });
    }
}
