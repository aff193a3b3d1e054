//! `demo`: replays a month of the team's work as git history. The script (`demo/script.toml`,
//! embedded as [`embedded::DEMO_SCRIPT`]) lists commits with fixed authors and times; each
//! edits the files of the example ledger: writes a file as it is in the example, sets
//! front-matter fields to earlier values, or renames a file. Steps may go on a pull-request
//! branch and be merged into `main` with a merge commit. After the last step the tree is the
//! example ledger (plus the scaffold) byte for byte, and every commit on `main` passes `check`
//! (a ledger valid at every commit), which [`replay`] verifies.
//!
//! The same script always gives the same commit ids: committer = author, fixed times.

pub mod fields;

use crate::embedded;
use crate::error::{Error, Result};
use crate::git::{Replay, Signature};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The name of the branch the demo ends on.
pub const MAIN: &str = "main";

/// The whole script.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub step: Vec<Step>,
}

/// One commit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// RFC 3339 with offset, e.g. `2019-02-11T09:30:00+08:00`.
    pub time: String,
    pub author: String,
    pub email: String,
    pub message: String,
    /// Commit on this branch (created from `main` on first use) instead of `main`.
    #[serde(default)]
    pub branch: Option<String>,
    /// Merge this branch into `main` with a merge commit (and delete the branch).
    #[serde(default)]
    pub merge: Option<String>,
    #[serde(default)]
    pub edits: Vec<Edit>,
}

/// One change to one file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub path: String,
    /// Write the file as the example has it at this path (`"="`) or at another path.
    #[serde(default)]
    pub write: Option<String>,
    /// Front-matter fields to set (see [`fields::set_field`]), after `write`.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Move the file to this path (after `write` and `set`).
    #[serde(default)]
    pub rename: Option<String>,
}

/// Path → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The embedded script, parsed.
pub fn script() -> Result<Script> {
    let text = std::str::from_utf8(embedded::DEMO_SCRIPT)
        .map_err(|_| Error::Usage("demo script: not UTF-8".into()))?;
    parse(text)
}

pub fn parse(text: &str) -> Result<Script> {
    toml::from_str(text).map_err(|e| Error::Usage(format!("demo script: {e}")))
}

/// The files the demo must end with: the example ledger and the scaffold.
pub fn final_files() -> Files {
    embedded::EXAMPLE
        .iter()
        .chain(embedded::SCAFFOLD)
        .map(|(p, b)| ((*p).to_owned(), b.to_vec()))
        .collect()
}

/// What a replay made.
#[derive(Debug)]
pub struct Replayed {
    pub head: String,
    pub commits: usize,
    pub merges: usize,
}

/// Seconds since the epoch and minutes east of UTC of an RFC 3339 time with offset.
pub fn parse_time(s: &str) -> Result<(i64, i32)> {
    let bad = || Error::Usage(format!("demo script: bad time `{s}`"));
    let ts: jiff::Timestamp = s.parse().map_err(|_| bad())?;
    let off = s.get(s.len().saturating_sub(6)..).ok_or_else(bad)?;
    let sign = match off.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(bad()),
    };
    let (h, m) = off[1..].split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    Ok((ts.as_second(), sign * (h * 60 + m)))
}

/// Applies one edit to `files`.
pub fn apply(files: &mut Files, edit: &Edit) -> Result<()> {
    let err = |what: String| Error::Usage(format!("demo script: {}: {what}", edit.path));
    if let Some(src) = &edit.write {
        let src = if src == "=" { &edit.path } else { src };
        let bytes = embedded::find(embedded::EXAMPLE, src)
            .or_else(|| embedded::find(embedded::SCAFFOLD, src))
            .ok_or_else(|| err(format!("`{src}` is not an example file")))?;
        files.insert(edit.path.clone(), bytes.to_vec());
    }
    for (key, value) in &edit.set {
        let bytes = files
            .get(&edit.path)
            .ok_or_else(|| err("no such file yet".into()))?;
        let text = std::str::from_utf8(bytes).map_err(|_| err("not UTF-8".into()))?;
        let new = fields::set_field(text, key, value)
            .ok_or_else(|| err(format!("no front-matter key `{key}`")))?;
        files.insert(edit.path.clone(), new.into_bytes());
    }
    if let Some(to) = &edit.rename {
        let bytes = files
            .remove(&edit.path)
            .ok_or_else(|| err("no such file to rename".into()))?;
        files.insert(to.clone(), bytes);
    }
    Ok(())
}

/// A branch being replayed: its files, its tip, and `main`'s files where it started.
struct Branch {
    files: Files,
    tip: Option<String>,
    base: Files,
}

/// Replays `script` into a new repository at `dir`, checks out `main` there, and verifies
/// that the result is [`final_files`].
pub fn replay(dir: &Path, script: &Script) -> Result<Replayed> {
    let repo = Replay::init(dir)?;
    let mut branches: BTreeMap<String, Branch> = BTreeMap::new();
    branches.insert(
        MAIN.to_owned(),
        Branch {
            files: Files::new(),
            tip: None,
            base: Files::new(),
        },
    );
    let (mut commits, mut merges) = (0, 0);
    for (n, step) in script.step.iter().enumerate() {
        let (time, offset_minutes) = parse_time(&step.time)?;
        let sig = Signature {
            name: step.author.clone(),
            email: step.email.clone(),
            time,
            offset_minutes,
        };
        let name = step.branch.as_deref().unwrap_or(MAIN).to_owned();
        if !branches.contains_key(&name) {
            let main = &branches[MAIN];
            let b = Branch {
                files: main.files.clone(),
                tip: main.tip.clone(),
                base: main.files.clone(),
            };
            branches.insert(name.clone(), b);
        }
        let mut parents = Vec::new();
        if let Some(from) = &step.merge {
            let theirs = branches.remove(from).ok_or_else(|| {
                Error::Usage(format!("demo script: step {}: no branch `{from}`", n + 1))
            })?;
            let main = branches.get_mut(MAIN).expect("main");
            for path in theirs.base.keys().chain(theirs.files.keys()) {
                if theirs.base.get(path) != theirs.files.get(path) {
                    match theirs.files.get(path) {
                        Some(b) => main.files.insert(path.clone(), b.clone()),
                        None => main.files.remove(path),
                    };
                }
            }
            parents.extend(main.tip.clone());
            parents.extend(theirs.tip.clone());
            if name != MAIN {
                return Err(Error::Usage(format!(
                    "demo script: step {}: merges go into {MAIN}",
                    n + 1
                )));
            }
            merges += 1;
        }
        let b = branches.get_mut(&name).expect("branch");
        for edit in &step.edits {
            apply(&mut b.files, edit)?;
        }
        if step.merge.is_none() {
            parents.extend(b.tip.clone());
        }
        let id = repo.commit(&b.files, &sig, &step.message, &parents)?;
        if name == MAIN {
            valid(dir, &id, &b.files)
                .map_err(|e| Error::Usage(format!("demo script: step {}: {e}", n + 1)))?;
        }
        b.tip = Some(id.clone());
        repo.set_branch(&name, &id)?;
        if let Some(from) = &step.merge {
            repo.delete_branch(from)?;
        }
        commits += 1;
    }
    if branches.len() > 1 {
        let open: Vec<_> = branches.keys().filter(|k| *k != MAIN).cloned().collect();
        return Err(Error::Usage(format!(
            "demo script: branches never merged: {}",
            open.join(", ")
        )));
    }
    let main = &branches[MAIN];
    if main.files != final_files() {
        let want = final_files();
        let differ: Vec<_> = want
            .keys()
            .chain(main.files.keys())
            .filter(|p| want.get(*p) != main.files.get(*p))
            .cloned()
            .collect();
        return Err(Error::Usage(format!(
            "demo script: the last step does not give the example ledger; differing: {}",
            differ.join(", ")
        )));
    }
    let head = main
        .tip
        .clone()
        .ok_or_else(|| Error::Usage("demo script: no steps".into()))?;
    repo.checkout(MAIN)?;
    Ok(Replayed {
        head,
        commits,
        merges,
    })
}

/// The files of a commit being replayed, for the rules that ask whether a named file exists.
struct Tree<'a>(&'a Files);

impl crate::check::RepoFiles for Tree<'_> {
    fn state(&self, path: &str) -> crate::check::PathState {
        if self.0.contains_key(path) {
            crate::check::PathState::File
        } else {
            crate::check::PathState::Missing
        }
    }
}

/// `Ok` when commit `id` (with `files`) of the demo at `dir` passes `check`: the history of
/// `main` is a ledger that was valid at every commit (SQL scripts committed with or before the
/// documents that name them, and so on); else the first problems.
fn valid(dir: &Path, id: &str, files: &Files) -> Result<()> {
    let Some(repo) = crate::git::Repo::open(dir)? else {
        return Err(Error::Usage("no repository".into()));
    };
    let loaded = crate::load::load_at(&repo, id)?;
    let mut diags = loaded.diagnostics;
    diags.extend(crate::check::check(
        &loaded.config,
        &loaded.ledger,
        &Tree(files),
    ));
    if diags.is_empty() {
        return Ok(());
    }
    let problems: Vec<String> = diags
        .iter()
        .take(3)
        .map(|d| format!("{} {}:{}: {}", d.code.as_str(), d.file, d.line, d.message))
        .collect();
    Err(Error::Usage(format!(
        "main does not pass `check` after it: {}",
        problems.join("; ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_offset() {
        assert_eq!(
            parse_time("2019-03-01T10:00:00+08:00").unwrap(),
            (1_551_405_600, 480)
        );
        assert_eq!(parse_time("2019-03-01T02:00:00-01:30").unwrap().1, -90);
        assert!(parse_time("2019-03-01 10:00").is_err());
    }

    #[test]
    fn the_script_ends_at_the_example_and_is_the_same_every_time() {
        let s = script().unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = replay(a.path(), &s).unwrap();
        let second = replay(b.path(), &s).unwrap();
        assert_eq!(first.head, second.head);
        assert_eq!(first.commits, s.step.len());
        assert!(first.merges >= 4);
        for (rel, bytes) in final_files() {
            assert_eq!(std::fs::read(a.path().join(&rel)).unwrap(), bytes, "{rel}");
        }
    }

    #[test]
    fn edits_write_set_and_rename() {
        let mut files = Files::new();
        let path = "content/entries/0020-repayment-file.md";
        let edit = |text: &str| -> Edit { toml::from_str(text).unwrap() };
        apply(
            &mut files,
            &edit(&format!(
                "path = \"x.md\"\nwrite = {path:?}\nset = {{ status = \"registered\" }}"
            )),
        )
        .unwrap();
        let text = String::from_utf8(files["x.md"].clone()).unwrap();
        assert!(text.contains("\nstatus: registered\n"));
        apply(
            &mut files,
            &edit(&format!("path = \"x.md\"\nrename = {path:?}")),
        )
        .unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), [path]);
        let bad = apply(
            &mut files,
            &edit("path = \"x.md\"\nset = { status = \"x\" }"),
        );
        assert!(bad.unwrap_err().to_string().contains("no such file"));
        let bad = apply(
            &mut files,
            &edit(&format!("path = {path:?}\nset = {{ titel = \"x\" }}")),
        );
        assert!(bad.unwrap_err().to_string().contains("titel"));
    }
}
