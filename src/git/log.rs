//! The history from a `git log --raw -z` stream: one process, one pass, git's own tree diffs
//! and rename detection, which beat libgit2 by far on big flat folders.

use super::{ChangeKind, Commit, CommitChanges, FileChange};
use crate::error::{Error, Result};
use std::path::Path;
use std::process::{Command, Stdio};

/// A `git` command that reads the commits as they are, as libgit2 does: without replace refs
/// (`refs/replace/`, `git replace`) and without grafts (`.git/info/grafts`), which both change
/// what a commit shows without changing its id (and so would escape the cache). A shallow
/// clone's boundary (`.git/shallow`) is still honoured.
fn command() -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-replace-objects")
        // Nor its hint that grafts are deprecated, which is not ours to print.
        .args(["-c", "advice.graftFileDeprecated=false"])
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env(
            "GIT_GRAFT_FILE",
            if cfg!(windows) { "NUL" } else { "/dev/null" },
        );
    cmd
}

/// True when a `git` binary can be run.
pub(super) fn git_available() -> bool {
    command()
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

const FORMAT: &str = "--format=%x01%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ad%x1f%ct%x1f%cd%x1f%B%x1e";

/// Runs `git log` in `workdir` and parses its output as it streams, handing each commit to
/// `sink` as soon as it is read (so the caller can work while git still walks).
pub(super) fn changes(
    repo: &git2::Repository,
    workdir: &Path,
    prefix: &str,
    dir: &str,
    since: Option<&str>,
    sink: &mut dyn FnMut(&CommitChanges),
) -> Result<Vec<CommitChanges>> {
    use std::io::BufRead;
    let mut cmd = command();
    cmd.arg("-C")
        .arg(workdir)
        .args([
            "-c",
            "log.showSignature=false",
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--topo-order",
        ])
        .args([
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-color",
            "--no-ext-diff",
            "--diff-merges=dense-combined",
        ])
        .args(["--date=format:%z", FORMAT, "HEAD"]);
    if let Some(s) = since {
        cmd.arg(format!("^{s}"));
    }
    let mut child = cmd
        .arg("--")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Git("git log: no output".into()))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, stdout);
    let (watch, mut out, mut buf) = (format!("{prefix}{dir}/"), Vec::new(), Vec::new());
    let mut failed = None;
    loop {
        buf.clear();
        match reader.read_until(0x01, &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                failed = Some(Error::Git(format!("reading git log: {e}")));
                break;
            }
        }
        let record = buf.strip_suffix(&[0x01]).unwrap_or(&buf);
        if record.is_empty() {
            continue;
        }
        match parse_record(record, &watch, prefix).and_then(|cc| reread_odd(repo, cc)) {
            Ok(cc) => {
                sink(&cc);
                out.push(cc);
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let result = child
        .wait_with_output()
        .map_err(|e| Error::Git(format!("git log: {e}")))?;
    if let Some(e) = failed {
        return Err(e);
    }
    if !result.status.success() {
        return Err(Error::Git(format!(
            "git log failed: {}",
            String::from_utf8_lossy(&result.stderr).trim()
        )));
    }
    Ok(out)
}

/// `cc` with its author, committer and times read from the raw commit where `git log` showed
/// them empty or at the epoch (what git shows for what it cannot read: an ident without
/// `<e-mail>`, a date before 1970 or out of range), or where a time cannot be shown. Rare, so
/// the common commit costs no object read.
fn reread_odd(repo: &git2::Repository, mut cc: CommitChanges) -> Result<CommitChanges> {
    let c = &cc.commit;
    let shown = |t: i64, off: i32| t != 0 && super::time::rfc3339(t, off).is_some();
    if !c.author.is_empty()
        && !c.email.is_empty()
        && shown(c.time, c.offset_minutes)
        && shown(c.commit_time, c.commit_offset_minutes)
    {
        return Ok(cc);
    }
    let raw = super::raw_commit(repo, super::oid(&c.id)?)?;
    let parents = std::mem::take(&mut cc.commit.parents);
    cc.commit = Commit {
        parents,
        ..Commit::from_raw(cc.commit.id.clone(), raw)
    };
    Ok(cc)
}

/// Parses the output of `git log` with [`FORMAT`]; keeps changes under `watch` and strips
/// `prefix` from their paths.
#[cfg(test)]
fn parse(bytes: &[u8], watch: &str, prefix: &str) -> Result<Vec<CommitChanges>> {
    bytes
        .split(|&b| b == 0x01)
        .skip(1)
        .map(|r| parse_record(r, watch, prefix))
        .collect()
}

/// One commit's record: the header up to `\x1e`, then its raw changes.
fn parse_record(record: &[u8], watch: &str, prefix: &str) -> Result<CommitChanges> {
    let Some(end) = record.iter().position(|&b| b == 0x1e) else {
        return Err(Error::Git("unexpected git log output".into()));
    };
    let header = String::from_utf8_lossy(&record[..end]);
    let f: Vec<&str> = header.splitn(9, '\x1f').collect();
    let [
        id,
        parents,
        author,
        email,
        time,
        offset,
        ctime,
        coffset,
        message,
    ] = f[..]
    else {
        return Err(Error::Git("unexpected git log header".into()));
    };
    let commit = Commit {
        id: id.to_owned(),
        parents: parents.split_whitespace().map(str::to_owned).collect(),
        author: author.to_owned(),
        email: email.to_owned(),
        time: time.trim().parse().unwrap_or(0),
        offset_minutes: parse_offset(offset),
        commit_time: ctime.trim().parse().unwrap_or(0),
        commit_offset_minutes: parse_offset(coffset),
        message: message.trim_end().to_owned(),
        problem: None,
    };
    let changes = raw_entries(&record[end + 1..], watch, prefix);
    Ok(CommitChanges { commit, changes })
}

fn parse_offset(s: &str) -> i32 {
    let s = s.trim();
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits = s.trim_start_matches(['+', '-']);
    let (h, m) = (
        digits.get(..2).and_then(|h| h.parse::<i32>().ok()),
        digits.get(2..4).and_then(|m| m.parse::<i32>().ok()),
    );
    sign * (h.unwrap_or(0) * 60 + m.unwrap_or(0))
}

/// The `:mode mode sha sha STATUS\0path\0[path\0]` entries after a commit header.
fn raw_entries(bytes: &[u8], watch: &str, prefix: &str) -> Vec<FileChange> {
    let mut tokens = bytes.split(|&b| b == 0).map(|t| {
        String::from_utf8_lossy(t)
            .trim_start_matches('\n')
            .to_owned()
    });
    let mut out = Vec::new();
    let strip = |p: &str| p.strip_prefix(prefix).unwrap_or(p).to_owned();
    while let Some(tok) = tokens.next() {
        if !tok.starts_with(':') {
            continue;
        }
        let combined = tok.starts_with("::");
        let fields: Vec<&str> = tok.trim_start_matches(':').split(' ').collect();
        let status = fields.last().copied().unwrap_or("");
        // The new side's mode and blob: the last mode and the last hash; before it, the
        // parents' hashes (one for a plain record), of which the first that has the file is
        // what the change is compared with.
        let n = if combined { (fields.len() - 1) / 2 } else { 2 };
        let new_mode = fields.get(n - 1).copied().unwrap_or("");
        let new_sha = fields.get(2 * n - 1).copied().unwrap_or("");
        let mut in_parents = fields
            .get(n..2 * n - 1)
            .unwrap_or_default()
            .iter()
            .filter(|h| !h.bytes().all(|b| b == b'0'))
            .map(|h| (*h).to_owned());
        let old_sha = in_parents.next();
        let other_blobs: Vec<String> = in_parents.collect();
        let renamed = !combined && (status.starts_with('R') || status.starts_with('C'));
        let first = tokens.next().unwrap_or_default();
        let (old_path, path) = if renamed {
            (Some(first), tokens.next().unwrap_or_default())
        } else {
            (None, first)
        };
        let deleted = new_mode == "000000" || new_sha.bytes().all(|b| b == b'0');
        let kind = match status.chars().next() {
            _ if deleted => ChangeKind::Deleted,
            Some('R') if renamed => ChangeKind::Renamed,
            Some('A') | Some('C') if !combined => ChangeKind::Added,
            _ if combined && fields[..n - 1].iter().all(|m| *m == "000000") => ChangeKind::Added,
            _ => ChangeKind::Modified,
        };
        let in_watch = |p: &str| p.starts_with(watch);
        let is_file = deleted || new_mode.starts_with("100");
        match (&old_path, kind) {
            (Some(old), ChangeKind::Renamed) if in_watch(old) && !in_watch(&path) => {
                out.push(FileChange {
                    kind: ChangeKind::Deleted,
                    path: strip(old),
                    old_path: None,
                    blob: None,
                    old_blob: old_sha,
                    other_blobs: Vec::new(),
                })
            }
            (Some(old), ChangeKind::Renamed) if !in_watch(old) && in_watch(&path) && is_file => out
                .push(FileChange {
                    kind: ChangeKind::Added,
                    path: strip(&path),
                    old_path: None,
                    blob: Some(new_sha.to_owned()),
                    old_blob: None,
                    other_blobs: Vec::new(),
                }),
            _ if in_watch(&path) && is_file => out.push(FileChange {
                kind,
                path: strip(&path),
                old_path: old_path.as_deref().map(strip),
                blob: (!deleted).then(|| new_sha.to_owned()),
                old_blob: old_sha.filter(|_| kind != ChangeKind::Added),
                other_blobs,
            }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_renamed_and_merge_records() {
        let z = "0".repeat(40);
        let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let raw = format!(
            "\x01{a}\x1f\x1fLin\x1fl@x\x1f100\x1f+0800\x1f100\x1f+0800\x1fadd\n\x1e\0\n:000000 100644 {z} {b} A\0content/entries/0001-a.md\0:000000 100644 {z} {b} A\0sql/x.sql\0\
             \x01{b}\x1f{a}\x1fLin\x1fl@x\x1f200\x1f-0130\x1f250\x1f+0100\x1fmove\n\nbody\n\x1e\0\n:100644 100644 {b} {c} R090\0content/entries/0001-a.md\0content/entries/0001-b.md\0\
             \x01{c}\x1f{a} {b}\x1fM\x1fm@x\x1f300\x1f+0000\x1f300\x1f+0000\x1fMerge\n\x1e\0\0\
             \x01{z}\x1f{c}\x1fM\x1fm@x\x1f400\x1f+0000\x1f400\x1f+0000\x1fdel\n\x1e\0\n::100644 100644 000000 {a} {b} {z} DD\0content/entries/0001-b.md\0"
        );
        let got = parse(raw.as_bytes(), "content/", "").unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].changes.len(), 1, "sql/ is not watched");
        assert_eq!(got[0].changes[0].kind, ChangeKind::Added);
        assert_eq!(got[1].commit.offset_minutes, -90);
        assert_eq!(
            (got[1].commit.time, got[1].commit.commit_time),
            (200, 250),
            "author and committer times"
        );
        assert_eq!(got[1].commit.commit_offset_minutes, 60);
        assert_eq!(got[1].commit.message, "move\n\nbody");
        assert_eq!(got[1].changes[0].kind, ChangeKind::Renamed);
        assert_eq!(
            got[1].changes[0].old_path.as_deref(),
            Some("content/entries/0001-a.md")
        );
        assert_eq!(got[1].changes[0].blob.as_deref(), Some(c.as_str()));
        assert_eq!(got[0].changes[0].old_blob, None, "a new file");
        assert_eq!(
            got[1].changes[0].old_blob.as_deref(),
            Some(b.as_str()),
            "compared with the version before"
        );
        assert!(got[2].changes.is_empty());
        assert_eq!(got[2].commit.parents.len(), 2);
        assert_eq!(got[3].changes[0].kind, ChangeKind::Deleted);
        assert_eq!(got[3].changes[0].blob, None);
        assert_eq!(
            got[3].changes[0].old_blob.as_deref(),
            Some(a.as_str()),
            "a merge: the first parent's version"
        );
    }

    #[test]
    fn a_merge_is_compared_with_the_first_parent_that_has_the_file() {
        let z = "0".repeat(40);
        let (a, b, c, m) = (
            "a".repeat(40),
            "b".repeat(40),
            "c".repeat(40),
            "d".repeat(40),
        );
        let raw = format!(
            "\x01{m}\x1f{a} {b}\x1fM\x1fm@x\x1f300\x1f+0000\x1f300\x1f+0000\x1fMerge\n\x1e\0\n::000000 100644 100644 {z} {b} {c} AM\0content/entries/0001-a.md\0"
        );
        let got = parse(raw.as_bytes(), "content/", "").unwrap();
        let ch = &got[0].changes[0];
        assert_eq!(ch.kind, ChangeKind::Modified);
        assert_eq!(ch.old_blob.as_deref(), Some(b.as_str()));
        assert_eq!(ch.blob.as_deref(), Some(c.as_str()));
    }
}
