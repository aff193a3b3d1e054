//! What the commands write, and where: `--out` never empties a folder opsledger did not
//! write nor names the ledger's inputs, a build killed among its moves leaves a site that is
//! old or new and nothing behind, the cache is used only as a real folder inside the
//! repository and rebuilt when broken, and a write that fails is the tool's failure (exit 2).

use crate::harness::{Ledger, TIMEOUT, assert_no_panic};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The names in the ledger's folder that begin with `prefix`.
fn named(l: &Ledger, prefix: &str) -> Vec<String> {
    std::fs::read_dir(l.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Runs `opsledger -C <ledger> ARGS` as the harness does, with `env` set, and returns its
/// status (which may be a signal) and stderr.
fn run_with(l: &Ledger, args: &[&str], env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("opsledger").unwrap();
    cmd.arg("-C")
        .arg(l.dir())
        .args(args)
        .current_dir(l.root())
        .env("NO_COLOR", "1")
        .env("HOME", l.root().join("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .timeout(TIMEOUT);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn example_repo() -> Ledger {
    Ledger::example().commit("example ledger")
}

#[test]
fn build_out_refuses_a_folder_of_other_files_and_touches_nothing() {
    let l = example_repo()
        .file("docs/handbook.md", "# 运维手册\n")
        .file("docs/img/arch.png", "png");
    let before = tree(&l.path("docs"));
    let (code, out, err) = l.run(&["build", "--out", "docs"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("did not write") && err.contains("--out with a new or empty folder"),
        "{err}"
    );
    assert_eq!(tree(&l.path("docs")), before, "nothing in it was touched");
    assert!(named(&l, ".docs").is_empty(), "nothing beside it either");
    // An empty folder is taken, and once it is a site it is rebuilt.
    std::fs::create_dir_all(l.path("empty")).unwrap();
    for _ in 0..2 {
        let (code, out, err) = l.run(&["build", "--out", "empty"]);
        assert_eq!(code, 0, "{out}{err}");
    }
    assert!(l.path("empty/index.html").is_file());
}

/// The cache remembers the site built into `public/`, but the folder there now is the user's:
/// the record is not taken for the marker, and the user's file stays.
#[test]
fn a_site_replaced_by_the_users_own_folder_is_not_emptied() {
    let l = example_repo();
    assert_eq!(l.run(&["build"]).0, 0);
    std::fs::remove_dir_all(l.path("public")).unwrap();
    let l = l.file("public/CNAME", "ops.example.com\n");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("such as `CNAME`"), "{err}");
    assert_eq!(l.read("public/CNAME"), "ops.example.com\n");
}

#[test]
fn a_build_killed_among_its_moves_is_completed_by_the_next_run() {
    let l = example_repo();
    assert_eq!(l.run(&["build"]).0, 0);
    let old = tree(&l.path("public"));
    // The site is not committed (a folder git tracks is never an `--out`).
    let mut l = l.file(".gitignore", "/public/\n");
    for (path, from, to) in [
        (
            "content/entries/0020-repayment-file.md",
            "title: ",
            "title: 改 ",
        ),
        ("content/releases/2019-03-07.md", "title: ", "title: 改 "),
    ] {
        let text = l.read(path).replacen(from, to, 1);
        l = l.file(path, text);
    }
    let l = l.commit("edit an entry and a release");
    let (code, out, err) = l.run(&["build", "--out", "fresh", "--no-cache"]);
    assert_eq!(code, 0, "{out}{err}");
    let new = tree(&l.path("fresh"));
    let (status, err) = run_with(&l, &["build"], &[("OPSLEDGER_TEST_ABORT_AFTER_MOVES", "3")]);
    assert!(status.code().is_none_or(|c| c != 0), "{status} {err}");
    let mixed = tree(&l.path("public"));
    assert!(
        mixed != old && mixed != new,
        "the kill came among the moves"
    );
    assert_eq!(
        named(&l, ".public.tmp-").len(),
        1,
        "the killed build's folder"
    );
    // The next run fails (a content error) yet first completes the killed build's moves.
    let l = l.file(
        "content/entries/0020-repayment-file.md",
        "---\nid: [\n---\n",
    );
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    assert!(tree(&l.path("public")) == new, "the site is the new one");
    assert!(named(&l, ".public.tmp-").is_empty(), "nothing left behind");
}

#[test]
fn a_killed_first_build_leaves_nothing_behind_that_git_would_see() {
    let l = Ledger::empty();
    let (code, out, err) = l.run(&["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let leftover = l.path(".public.tmp-4242-0/site/index.html");
    std::fs::create_dir_all(leftover.parent().unwrap()).unwrap();
    std::fs::write(&leftover, "half a site").unwrap();
    let repo = git2::Repository::open(l.dir()).unwrap();
    assert!(
        repo.is_path_ignored(Path::new(".public.tmp-4242-0/site/index.html"))
            .unwrap(),
        "init's .gitignore covers a build's temporary folder"
    );
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        named(&l, ".public.tmp-").is_empty(),
        "cleaned by the next build"
    );
}

#[test]
fn no_out_of_any_command_writes_over_the_ledgers_inputs() {
    let l = example_repo();
    let config = l.read("opsledger.toml");
    for out in [
        "opsledger.toml",
        "content/entries/notes.md",
        "sql/notes.md",
        ".",
    ] {
        let (code, stdout, err) = l.run(&["release", "notes", "2019-03-14", "--out", out]);
        assert_eq!(code, 2, "{out}: {stdout}{err}");
        assert!(err.contains("the ledger's own files"), "{out}: {err}");
    }
    assert_eq!(l.read("opsledger.toml"), config);
    assert!(!l.path("content/entries/notes.md").exists());
    let (code, stdout, err) = l.run(&["release", "notes", "2019-03-14", "--out", "notes.md"]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(l.read("notes.md").contains("2019-03-14"));
    // `build` says it the same way, and so does `demo` into a ledger.
    let (code, _, err) = l.run(&["build", "--out", "content"]);
    assert!(code == 2 && err.contains("the ledger's own files"), "{err}");
    let (code, _, err) = l.run(&["demo", "--out", "sql/demo"]);
    assert!(code == 2 && err.contains("the ledger's own files"), "{err}");
    assert!(!l.path("sql/demo").exists());
}

#[test]
fn a_broken_cache_is_mined_again_with_a_warning_and_its_leftovers_cleaned() {
    let l = example_repo()
        .file(
            ".opsledger/cache/history.json/stray",
            "a folder where the file goes",
        )
        .file(".opsledger/cache/history.json.tmp", "half written");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("warning: the history cache") && err.contains("history.json is broken"),
        "{err}"
    );
    assert!(l.path(".opsledger/cache/history.json").is_file());
    let cache = std::fs::read_dir(l.path(".opsledger/cache")).unwrap();
    let tmp: Vec<String> = cache
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");
    let (code, out, err) = l.run(&["history"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("warning"), "the rebuilt cache is used: {err}");
    // Damaged: rebuilt too, said once.
    std::fs::write(l.path(".opsledger/cache/history.json"), "{ not json").unwrap();
    let (code, out, err) = l.run(&["history"]);
    assert!(code == 0 && err.contains("is broken"), "{out}{err}");
}

#[cfg(unix)]
#[test]
fn a_cache_or_serve_folder_through_a_link_is_refused_and_nothing_is_written_outside() {
    let l = example_repo();
    std::fs::create_dir_all(l.root().join("outside")).unwrap();
    let l = l
        .symlink(".opsledger", "../outside")
        .commit("the cache folder is a link");
    for args in [
        &["build"][..],
        &["history"],
        &["serve", "--port", "0"],
        &["check", "--base", "HEAD~1"],
    ] {
        let (code, out, err) = l.run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("is a symbolic link"), "{args:?}: {err}");
    }
    assert!(
        harness_names(&l.root().join("outside")).is_empty(),
        "nothing written through the link"
    );
    // --cache-dir through a link, inside the repository or not.
    let inside = l.path(".opsledger/cache");
    let (code, _, err) = l.run(&["build", "--cache-dir", inside.to_str().unwrap()]);
    assert!(code == 2 && err.contains("symbolic link"), "{err}");
    std::os::unix::fs::symlink(l.root().join("outside"), l.root().join("cache-link")).unwrap();
    let link = l.root().join("cache-link");
    let (code, _, err) = l.run(&["build", "--cache-dir", link.to_str().unwrap()]);
    assert!(code == 2 && err.contains("symbolic link"), "{err}");
    assert!(harness_names(&l.root().join("outside")).is_empty());
    // A real folder elsewhere is fine; a cache file that is a link is neither read nor written
    // through.
    let real = l.root().join("real-cache");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(l.root().join("outside/secret.json"), "not a cache").unwrap();
    std::os::unix::fs::symlink(
        l.root().join("outside/secret.json"),
        real.join("history.json"),
    )
    .unwrap();
    let (code, out, err) = l.run(&["build", "--no-cache", "--out", "site"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = l.run(&["history", "--cache-dir", real.to_str().unwrap()]);
    assert!(code == 0 && err.contains("is not a file"), "{out}{err}");
    assert_eq!(
        std::fs::read_to_string(l.root().join("outside/secret.json")).unwrap(),
        "not a cache"
    );
    assert!(!real.join("history.json").is_symlink());
}

fn harness_names(dir: &Path) -> Vec<String> {
    crate::harness::names_in(dir)
}

/// Runs `opsledger -C <ledger> ARGS` with writes limited to `blocks` 512-byte blocks
/// (`ulimit -f`, SIGXFSZ ignored): a write past that fails with EFBIG, as on a full disk, for
/// root too (a read-only folder would not stop root, who runs the tests).
#[cfg(unix)]
fn run_with_small_files(l: &Ledger, args: &[&str]) -> (Option<i32>, String, String) {
    run_with_file_limit(l, 8, args)
}

/// [`run_with_small_files`] with a limit of `kb` KB.
fn run_with_file_limit(l: &Ledger, kb: u32, args: &[&str]) -> (Option<i32>, String, String) {
    let bin = assert_cmd::cargo::cargo_bin("opsledger");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kb} && exec \"$@\""))
        .arg("sh")
        .arg(bin)
        .arg("-C")
        .arg(l.dir())
        .args(args)
        .current_dir(l.root())
        .env("NO_COLOR", "1")
        .env("HOME", l.root().join("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    let text = |b: &[u8]| l.redact(&String::from_utf8_lossy(b));
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_is_the_tools_failure_with_its_path() {
    let l = example_repo();
    assert_eq!(l.run(&["build"]).0, 0);
    let before = tree(&l.path("public"));
    let text = l.read("content/entries/0020-repayment-file.md");
    let l = l.file(
        "content/entries/0020-repayment-file.md",
        text.replacen("title: ", "title: 改 ", 1),
    );
    let (code, out, err) = run_with_small_files(&l, &["build", "--no-cache"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(!out.contains("E0701"), "not a template error: {out}");
    assert!(
        err.contains("[TMP]/ledger/.public.tmp-") && err.contains("File too large"),
        "names the file that could not be written: {err}"
    );
    assert_eq!(tree(&l.path("public")), before, "the site is untouched");
    assert!(named(&l, ".public.tmp-").is_empty());
    // A file written through JSON's own writer (ledger.json, over 100 KB: the pages are not)
    // names its path too.
    let (code, out, err) = run_with_file_limit(&l, 100, &["build", "--no-cache"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("/site/ledger.json") && err.contains("File too large"),
        "names the file that could not be written: {err}"
    );
    assert_eq!(tree(&l.path("public")), before, "the site is untouched");
}

#[test]
fn no_out_writes_over_a_file_git_tracks_nor_a_folder_holding_one() {
    let l = example_repo()
        .file(".mailmap", "琳琳 <lin@example.com>\n")
        .file(".gitignore", "/public/\n")
        .file(".github/workflows/x.yml", "on: push\n")
        .commit("repository files");
    // Staged and not yet committed counts too.
    let l = l.file("docs/guide.md", "# guide\n");
    let repo = l.repo_or_init();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("docs/guide.md")).unwrap();
    index.write().unwrap();
    let before = tree(l.dir());
    for out in [
        ".mailmap",
        ".gitignore",
        ".github/workflows/x.yml",
        "docs/guide.md",
    ] {
        let (code, stdout, err) = l.run(&["release", "notes", "2019-03-14", "--out", out]);
        assert_eq!(code, 2, "{out}: {stdout}{err}");
        assert!(
            err.contains("which git tracks") && err.contains("fix: "),
            "{out}: {err}"
        );
    }
    for out in [".github", "docs"] {
        let (code, _, err) = l.run(&["build", "--out", out]);
        assert!(
            code == 2 && err.contains("which git tracks"),
            "{out}: {err}"
        );
    }
    let (code, _, err) = l.run(&["demo", "--out", ".github/workflows"]);
    assert!(code == 2 && err.contains("which git tracks"), "{err}");
    assert_eq!(tree(l.dir()).len(), before.len());
    assert!(tree(l.dir()) == before, "nothing was written");
    // An untracked (ignored) file or folder is the user's to replace.
    let (code, out, err) = l.run(&["release", "notes", "2019-03-14", "--out", "public"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_cache_dir_among_the_ledgers_inputs_is_refused() {
    let l = example_repo();
    let before = tree(l.dir());
    for dir in ["content/entries", "sql", "themes", ".git", "."] {
        let cache = l.path(dir);
        for cmd in ["build", "history"] {
            let (code, out, err) = l.run(&[cmd, "--cache-dir", cache.to_str().unwrap()]);
            assert_eq!(code, 2, "{cmd} {dir}: {out}{err}");
            assert!(
                err.contains("refusing to keep the history cache") && err.contains("fix: "),
                "{cmd} {dir}: {err}"
            );
        }
    }
    assert!(tree(l.dir()) == before, "nothing was written");
    let (code, out, err) = l.run(&["build", "--cache-dir", l.path("cache").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[cfg(unix)]
#[test]
fn an_import_whose_write_fails_leaves_no_cut_off_entry() {
    let long = "长".repeat(8 * 1024);
    let csv = format!(
        "编号,系统,问题分类,问题描述,提出人,提出日期,优先级,问题状态\n\
         7,小贷,新功能,{long},琳琳,2019-03-01,中,处理中\n"
    );
    let l = Ledger::minimal()
        .commit("minimal ledger")
        .file("big.csv", csv);
    let before = tree(&l.path("content/entries"));
    let (code, out, err) = run_with_small_files(&l, &["import", "big.csv"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(
        tree(&l.path("content/entries")) == before,
        "no cut-off entry and no temporary file"
    );
    // Nothing blocks importing again once the disk has room.
    let (code, out, err) = l.run(&["import", "big.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[cfg(unix)]
#[test]
fn release_notes_whose_write_fails_keep_the_old_file() {
    let l = example_repo().file("notes.md", "the notes of last week\n");
    let (code, out, err) = run_with_small_files(
        &l,
        &[
            "release",
            "notes",
            "2019-03-14",
            "--format",
            "html",
            "--out",
            "notes.md",
        ],
    );
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("File too large"), "{err}");
    assert_eq!(l.read("notes.md"), "the notes of last week\n");
    assert_eq!(
        named(&l, ".notes.md"),
        Vec::<String>::new(),
        "no temporary file left"
    );
    let (code, out, err) = l.run(&["release", "notes", "2019-03-14", "--out", "notes.md"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(l.read("notes.md").contains("2019-03-14"));
}

#[cfg(unix)]
#[test]
fn a_demo_that_fails_removes_the_folder_it_made() {
    let l = example_repo();
    let (code, out, err) = run_with_small_files(&l, &["demo", "--out", "demo"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(!l.path("demo").exists(), "{out}{err}");
    // A folder that was there (empty) stays, emptied again.
    std::fs::create_dir(l.path("mine")).unwrap();
    let (code, out, err) = run_with_small_files(&l, &["demo", "--out", "mine"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(harness_names(&l.path("mine")).is_empty());
}
