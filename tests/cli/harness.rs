//! Throwaway ledger repositories for the CLI tests: a chainable builder over a temp dir, git
//! commits with a fixed author and time, and a runner for the `opsledger` binary.
//!
//! Layout of one test's temp dir (`root`):
//!
//! ```text
//! root/ledger/   the ledger repository (`-C` points here)
//! root/home/     an empty HOME, so the binary never sees the user's git config
//! root/...       anything a test wants *outside* the repository
//! ```
//!
//! Every path of `root` in the binary's output is replaced by `[TMP]`, so outputs can be
//! snapshotted.

#![allow(dead_code)] // each test module uses a different part of the harness

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;
use tempfile::TempDir;

/// The fixed author and committer of every commit the harness makes.
pub const AUTHOR: (&str, &str) = ("Test", "test@example.com");
/// 2019-03-01T10:00:00+08:00.
pub const COMMIT_TIME: i64 = 1_551_405_600;
pub const COMMIT_OFFSET_MINUTES: i32 = 8 * 60;

/// How long one run of the binary may take before it counts as a hang.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The project itself (the example ledger, the fixtures).
pub fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub const MINIMAL_CONFIG: &str = r#"title = "测试台帐"
base_url = "/"
language = "zh-CN"

[[systems]]
name = "小贷"
subsystems = ["账务", "核心"]
owner = "琳琳"

[[systems]]
name = "信用卡"
subsystems = ["发卡", "清算"]
owner = "何欢"
"#;

pub const MINIMAL_ENTRY_PATH: &str = "content/entries/0001-repayment-file.md";
pub const MINIMAL_ENTRY: &str = "---
id: 1
title: 还款文件生成
system: 小贷
subsystem: 账务
category: feature
priority: medium
status: developing
proposer: 琳琳
proposed_on: 2019-03-01
requirement: REQ-0001
release: 2019-03-07
---

日终批处理生成当日还款文件，推送核心银行入账。
";

pub const MINIMAL_REQUIREMENT_PATH: &str = "content/requirements/REQ-0001-repayment-file.md";
pub const MINIMAL_REQUIREMENT: &str = "---
id: REQ-0001
title: 还款文件改造
system: 小贷
owner: 琳琳
status: approved
version: \"1.0\"
created: 2019-02-15
---

## 需求描述

日终自动生成还款文件。
";

pub const MINIMAL_RELEASE_PATH: &str = "content/releases/2019-03-07.md";
pub const MINIMAL_RELEASE: &str = "---
id: \"2019-03-07\"
title: 2019-03-07 期次投产计划
date: 2019-03-07
status: planning
strategy: full
steps:
  - {name: 备份数据库, owner: 孙强, after: []}
  - {name: 部署应用, owner: 琳琳, after: [备份数据库]}
---

投产窗口：20:00-23:00
";

/// A ledger repository in a temp dir, built step by step.
pub struct Ledger {
    root: TempDir,
    dir: PathBuf,
}

impl Ledger {
    /// An empty ledger folder: no `opsledger.toml`, no files, no git repository.
    pub fn empty() -> Self {
        let root = tempfile::Builder::new()
            .prefix("opsledger-test-")
            .tempdir()
            .expect("create temp dir");
        let dir = root.path().join("ledger");
        std::fs::create_dir_all(&dir).expect("create ledger dir");
        std::fs::create_dir_all(root.path().join("home")).expect("create home dir");
        Ledger { root, dir }
    }

    /// The smallest valid ledger: two systems, one entry, one requirement, one release.
    pub fn minimal() -> Self {
        Ledger::empty()
            .file("opsledger.toml", MINIMAL_CONFIG)
            .file(MINIMAL_ENTRY_PATH, MINIMAL_ENTRY)
            .file(MINIMAL_REQUIREMENT_PATH, MINIMAL_REQUIREMENT)
            .file(MINIMAL_RELEASE_PATH, MINIMAL_RELEASE)
    }

    /// A copy of the project's own example ledger (`opsledger.toml`, `content/`, `sql/`).
    pub fn example() -> Self {
        let l = Ledger::empty();
        let src = project_dir();
        std::fs::copy(src.join("opsledger.toml"), l.dir.join("opsledger.toml"))
            .expect("copy opsledger.toml");
        copy_tree(&src.join("content"), &l.dir.join("content"));
        copy_tree(&src.join("sql"), &l.dir.join("sql"));
        l
    }

    /// The ledger repository (what `-C` points at).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The temp dir holding the ledger; put files here to have them outside the repository.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// `rel` inside the ledger.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// The text of a ledger file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Writes (creates or overwrites) `rel` with `content`, creating folders as needed.
    pub fn file(self, rel: &str, content: impl AsRef<[u8]>) -> Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, content).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        self
    }

    /// Removes the file or folder `rel`.
    pub fn remove(self, rel: &str) -> Self {
        let path = self.path(rel);
        let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if meta.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        }
        .unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        self
    }

    /// Creates `rel` as a symbolic link to `target` (absolute, or relative to the link).
    pub fn symlink(self, rel: &str, target: impl AsRef<Path>) -> Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(target.as_ref(), &path)
            .unwrap_or_else(|e| panic!("symlink {rel}: {e}"));
        #[cfg(windows)]
        std::os::windows::fs::symlink_file(target.as_ref(), &path)
            .unwrap_or_else(|e| panic!("symlink {rel}: {e}"));
        self
    }

    /// Copies every file under `fixture` onto the ledger (same relative paths), except the
    /// `setup.txt` that describes programmatic setup.
    pub fn overlay(mut self, fixture: &Path) -> Self {
        for item in walkdir::WalkDir::new(fixture).sort_by_file_name() {
            let item = item.expect("walk fixture");
            if !item.file_type().is_file() || item.depth() == 1 && item.file_name() == "setup.txt" {
                continue;
            }
            let rel = item.path().strip_prefix(fixture).expect("inside fixture");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(item.path()).expect("read fixture file");
            self = self.file(&rel, bytes);
        }
        self
    }

    /// Commits the whole work tree (new, changed and removed files) on the current branch,
    /// creating the repository (branch `main`) on first use. The author, committer and time are
    /// fixed; no git configuration of the user is read.
    pub fn commit(self, message: &str) -> Self {
        let sig = signature();
        commit_signed(&self, message, &sig, &sig, None);
        self
    }

    /// Commits `rel` with `content` on `branch` (created from HEAD) without touching the work
    /// tree or HEAD: as if the file was added on another branch and we switched back.
    pub fn branch_with_file(self, branch: &str, rel: &str, content: &str) -> Self {
        let repo = self.repo_or_init();
        let head = repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .expect("commit first: the branch starts from HEAD");
        let mut index = git2::Index::new().expect("in-memory index");
        index
            .read_tree(&head.tree().expect("tree"))
            .expect("read tree");
        let blob = repo.blob(content.as_bytes()).expect("blob");
        index
            .add(&git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: content.len() as u32,
                id: blob,
                flags: rel.len().min(0xfff) as u16,
                flags_extended: 0,
                path: rel.as_bytes().to_vec(),
            })
            .expect("add to index");
        let tree = repo
            .find_tree(index.write_tree_to(&repo).expect("write tree"))
            .expect("tree");
        let sig = signature();
        let id = repo
            .commit(None, &sig, &sig, &format!("add {rel}"), &tree, &[&head])
            .expect("commit");
        repo.reference(&format!("refs/heads/{branch}"), id, false, "branch")
            .expect("create branch");
        self
    }

    /// The ledger's git repository, created on first use with `main` as its branch.
    pub fn repo_or_init(&self) -> git2::Repository {
        isolate_git_config();
        match git2::Repository::open(&self.dir) {
            Ok(r) => r,
            Err(_) => git2::Repository::init_opts(
                &self.dir,
                git2::RepositoryInitOptions::new().initial_head("main"),
            )
            .expect("git init"),
        }
    }

    /// Runs `opsledger -C <ledger> ARGS`; see [`Ledger::run_in`].
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in(&self.dir, args)
    }

    /// Runs `opsledger -C <dir> ARGS` from the temp dir with `NO_COLOR=1`, an empty HOME and no
    /// git environment, and returns (exit code, stdout, stderr) with the temp dir's path
    /// replaced by `[TMP]`. Panics if the binary is killed (a crash or a hang past [`TIMEOUT`]).
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        let home = self.root().join("home");
        let output = Command::cargo_bin("opsledger")
            .expect("the opsledger binary")
            .arg("-C")
            .arg(dir)
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("CLICOLOR_FORCE")
            .timeout(TIMEOUT)
            .output()
            .expect("run opsledger");
        let code = output.status.code().unwrap_or_else(|| {
            panic!(
                "opsledger {args:?} was killed ({}): a crash or a hang longer than {TIMEOUT:?}\nstderr: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (
            code,
            self.redact(&String::from_utf8_lossy(&output.stdout)),
            self.redact(&String::from_utf8_lossy(&output.stderr)),
        )
    }

    /// `text` with every spelling of the temp dir's path replaced by `[TMP]`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        let mut roots = vec![self.root().to_path_buf()];
        if let Ok(c) = self.root().canonicalize() {
            roots.insert(0, c);
        }
        for r in roots {
            out = out.replace(&r.display().to_string(), "[TMP]");
        }
        out
    }
}

/// The fixed signature of every commit the harness makes.
/// Commits the whole work tree (new, changed and removed files) on HEAD with these author and
/// committer, and the branch `extra_parent` as a second parent when given (a merge). Creates
/// the repository (branch `main`) on first use; reads no git configuration.
pub fn commit_signed(
    l: &Ledger,
    message: &str,
    author: &git2::Signature,
    committer: &git2::Signature,
    extra_parent: Option<&str>,
) -> git2::Oid {
    let repo = l.repo_or_init();
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("git add");
    index.update_all(["*"], None).expect("git add -u");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("write tree"))
        .expect("tree");
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let other = extra_parent.map(|b| {
        repo.find_branch(b, git2::BranchType::Local)
            .expect("branch")
            .get()
            .peel_to_commit()
            .expect("branch commit")
    });
    let parents: Vec<&git2::Commit> = head.iter().chain(other.as_ref()).collect();
    repo.commit(Some("HEAD"), author, committer, message, &tree, &parents)
        .expect("commit")
}

/// Switches HEAD and the work tree to `branch`, creating it at HEAD when new (untracked files
/// are removed, as a fresh checkout has none).
pub fn switch(l: &Ledger, branch: &str) {
    let repo = l.repo_or_init();
    if repo.find_branch(branch, git2::BranchType::Local).is_err() {
        let head = repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .expect("commit first: the branch starts from HEAD");
        repo.branch(branch, &head, false).expect("create branch");
    }
    repo.set_head(&format!("refs/heads/{branch}"))
        .expect("set HEAD");
    repo.checkout_head(Some(
        git2::build::CheckoutBuilder::new()
            .force()
            .remove_untracked(true),
    ))
    .expect("checkout");
}

/// Merges `branch` into HEAD with a merge commit signed `sig` (the merge must not conflict),
/// and checks the result out.
pub fn merge_signed(l: &Ledger, branch: &str, sig: &git2::Signature) -> git2::Oid {
    let repo = l.repo_or_init();
    let ours = repo.head().unwrap().peel_to_commit().unwrap();
    let theirs = repo
        .find_branch(branch, git2::BranchType::Local)
        .unwrap()
        .get()
        .peel_to_commit()
        .unwrap();
    let mut index = repo.merge_commits(&ours, &theirs, None).unwrap();
    assert!(!index.has_conflicts(), "test merge must not conflict");
    let tree = repo.find_tree(index.write_tree_to(&repo).unwrap()).unwrap();
    let message = format!("Merge branch '{branch}'");
    let id = repo
        .commit(Some("HEAD"), sig, sig, &message, &tree, &[&ours, &theirs])
        .unwrap();
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    id
}

/// `name <name@example.com>` at `time` (seconds) in +08:00.
pub fn person(name: &str, time: i64) -> git2::Signature<'static> {
    git2::Signature::new(
        name,
        &format!("{name}@example.com"),
        &git2::Time::new(time, 480),
    )
    .expect("signature")
}

pub fn signature() -> git2::Signature<'static> {
    git2::Signature::new(
        AUTHOR.0,
        AUTHOR.1,
        &git2::Time::new(COMMIT_TIME, COMMIT_OFFSET_MINUTES),
    )
    .expect("signature")
}

/// Points libgit2's global, XDG and system config search paths of this test process at an
/// empty folder, once, before any other libgit2 use of the harness, so the user's git config
/// (templates, excludes, default branch) cannot change what the tests build.
fn isolate_git_config() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-git-config");
        std::fs::create_dir_all(&empty).expect("create empty config dir");
        for level in [
            git2::ConfigLevel::System,
            git2::ConfigLevel::XDG,
            git2::ConfigLevel::Global,
            git2::ConfigLevel::ProgramData,
        ] {
            // SAFETY: called once, guarded by `ONCE`, before this process uses libgit2 anywhere
            // else (every git2 call of the tests goes through `repo_or_init` first).
            unsafe { git2::opts::set_search_path(level, empty.as_os_str()) }
                .expect("set git config search path");
        }
    });
}

/// Copies the regular files under `from` into `to` (same relative paths).
pub fn copy_tree(from: &Path, to: &Path) {
    for item in walkdir::WalkDir::new(from).sort_by_file_name() {
        let item = item.expect("walk");
        let rel = item.path().strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create dir");
        } else if item.file_type().is_file() {
            std::fs::copy(item.path(), &dest).expect("copy file");
        }
    }
}

/// Fails when the output shows that the binary panicked.
pub fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked"),
        "opsledger panicked:\n{stderr}"
    );
}

/// Parses the output of `check --format json`.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// (code, file, line, column) of each diagnostic of a `check --format json` output.
pub fn located(stdout: &str) -> Vec<(String, String, u64, u64)> {
    json(stdout)["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("code").to_owned(),
                d["file"].as_str().expect("file").to_owned(),
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
            )
        })
        .collect()
}

/// The codes of a `check --format json` output, in order.
pub fn codes(stdout: &str) -> Vec<String> {
    located(stdout).into_iter().map(|(c, ..)| c).collect()
}

/// A valid entry with `id` (system 小贷, status `developing`), with `extra` front matter lines
/// (each ending in `\n`) added before the closing `---`.
pub fn entry(id: u32, extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: 客户清单导出\nsystem: 小贷\ncategory: feature\npriority: low\nstatus: developing\nproposer: 琳琳\nproposed_on: 2019-03-02\n{extra}---\n\n导出客户清单。\n"
    )
}

/// The path of entry `id` with `slug`.
pub fn entry_path(id: u32, slug: &str) -> String {
    format!("content/entries/{id:04}-{slug}.md")
}

/// Opens the git repository at `dir` (with the user's git config kept out, like every git2 use
/// of the harness).
pub fn open_repo(dir: &Path) -> git2::Repository {
    isolate_git_config();
    git2::Repository::open(dir).unwrap_or_else(|e| panic!("open {}: {e}", dir.display()))
}

/// The names of the files directly in `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

impl Ledger {
    /// Switches to `branch` (created at HEAD when it does not exist yet) and makes the work tree
    /// that branch's last commit, like `git switch`: files the branch does not have are removed.
    /// Commit first: uncommitted edits are thrown away.
    pub fn checkout(self, branch: &str) -> Self {
        switch(&self, branch);
        self
    }

    /// The full hash of HEAD.
    pub fn head_id(&self) -> String {
        let repo = self.repo_or_init();
        repo.head()
            .and_then(|h| h.peel_to_commit())
            .expect("HEAD commit")
            .id()
            .to_string()
    }
}
