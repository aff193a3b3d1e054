//! Mining: the commit stream of [`crate::git`] → one timeline per content file. One walk over
//! the commits assigns every change to its file (following renames); then each file's versions
//! are parsed with the loader's own code and compared field by field, files in parallel. Each
//! version is compared with the file as it was in the commit's parent (the blob git names
//! before the change), never with whatever came before it in the walk: on two branches that
//! edit one file, each commit shows only its own change. A version that does not parse stands
//! for the version it was compared with, so the next one is compared with the last that parsed.

use super::commits::OddCommit;
use super::fields::{self, Fields};
use super::{History, Step, Timeline, rfc3339};
use crate::error::{Error, Result};
use crate::git::{ChangeKind, CommitChanges, Repo, Walker};
use crate::load;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

mod landing;
mod version;

pub use landing::landing;
pub use version::{Lite, version};
use version::{fields_of, hash, parse_lite, version_with};

/// How to mine.
#[derive(Debug, Clone)]
pub struct MineOptions {
    pub walker: Walker,
    /// Build from a shallow clone instead of refusing it.
    pub allow_shallow: bool,
    /// Where the cache lives; `None` disables it.
    pub cache_dir: Option<std::path::PathBuf>,
}

impl Default for MineOptions {
    fn default() -> Self {
        MineOptions {
            walker: Walker::Auto,
            allow_shallow: false,
            cache_dir: None,
        }
    }
}

/// The folder whose files have histories.
pub const WATCHED: &str = "content";

/// Mines the history of the ledger at `root` in `repo`, reusing and refreshing the cache.
pub fn mine(root: &Path, repo: &Repo, opts: &MineOptions) -> Result<History> {
    let partial = repo.is_shallow();
    if partial && !opts.allow_shallow {
        return Err(Error::Shallow);
    }
    let Some(head) = repo.head()? else {
        return Ok(History {
            head: None,
            partial,
            ..Default::default()
        });
    };
    if let Some(cache) = &opts.cache_dir {
        crate::paths::ensure_real_folder(root, cache, "the history cache")?;
    }
    let (state, cache_warnings) = super::cache::mine_cached(repo, &head, opts)?;
    let warnings = super::commits::odd_warnings(&state.odd);
    let mut history = state.into_history();
    history.cache_warnings = cache_warnings;
    history.head = Some(head);
    history.partial = partial;
    history.warnings = warnings;
    // After the cache, so a new `.mailmap` never meets stale names.
    super::commits::apply_mailmap(&repo.mailmap()?, &mut history);
    working_tree(root, repo, &mut history)?;
    Ok(history)
}

/// Everything mining knows after some commits: each file's timeline and which file each path
/// belongs to. Extended commit by commit; cached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The last commit folded in.
    pub head: Option<String>,
    pub by_path: BTreeMap<String, usize>,
    pub files: Vec<FileState>,
    /// The commits of the timelines (authors of steps and landing commits) that could not be
    /// read as written, by id.
    pub odd: BTreeMap<String, OddCommit>,
    /// What changed since the state was read from the cache's base file, so the cache can
    /// write only that; `None` for a state mined from scratch.
    #[serde(skip)]
    pub since_base: Option<SinceBase>,
}

/// The part of a [`State`] that changed since the cache's base file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SinceBase {
    /// The commit the base file reaches.
    pub base: String,
    /// The files (indices into [`State::files`]) changed or added since.
    pub files: BTreeSet<usize>,
    /// The paths dropped from [`State::by_path`] since (renamed away).
    pub dropped: BTreeSet<String>,
}

/// One file's timeline so far, and for each of its versions that did not parse the version
/// (blob id) that stands for it, so a later change made on top of it is compared with that one
/// also when the broken version was mined in an earlier run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    pub timeline: Timeline,
    pub broken: BTreeMap<String, String>,
}

impl State {
    /// Folds `stream` (commits after `self.head`, parents first) into the timelines, taking
    /// versions from `prefetched` where they were parsed ahead.
    pub fn extend(
        &mut self,
        repo: &Repo,
        stream: &[CommitChanges],
        mut prefetched: Prefetched,
    ) -> Result<()> {
        let landed = landing(stream);
        let mut pending: BTreeMap<usize, Vec<Pending>> = BTreeMap::new();
        for (ci, cc) in stream.iter().enumerate() {
            for ch in &cc.changes {
                if load::classify(ch.path.strip_prefix("content/").unwrap_or("")).is_none() {
                    continue;
                }
                let from = ch
                    .old_path
                    .as_deref()
                    .filter(|_| ch.kind == ChangeKind::Renamed);
                let existing = match from {
                    Some(old) => self.by_path.remove(old),
                    None => self.by_path.get(&ch.path).copied(),
                };
                let fi = existing.unwrap_or_else(|| {
                    self.files.push(FileState::default());
                    self.files.len() - 1
                });
                self.by_path.insert(ch.path.clone(), fi);
                if let Some(since) = &mut self.since_base {
                    since.files.insert(fi);
                    if let (Some(old), Some(_)) = (from, existing) {
                        since.dropped.insert(old.to_owned());
                    }
                }
                for c in [&cc.commit, &stream[landed[ci]].commit] {
                    if let Some(problem) = &c.problem {
                        self.odd.entry(c.id.clone()).or_insert_with(|| OddCommit {
                            path: ch.path.clone(),
                            problem: problem.clone(),
                        });
                    }
                }
                let kind = load::classify(ch.path.strip_prefix("content/").unwrap_or(""));
                let ready = match (&ch.blob, kind) {
                    // A blob met again (a revert) is parsed again: its first parse was taken.
                    (Some(b), Some(k)) => prefetched.versions.remove(&(k, b.clone())),
                    _ => None,
                };
                pending.entry(fi).or_default().push(Pending {
                    commit: ci,
                    kind: ch.kind,
                    path: ch.path.clone(),
                    blob: ch.blob.clone(),
                    old_blob: ch.old_blob.clone().filter(|_| ch.kind != ChangeKind::Added),
                    other_blobs: ch.other_blobs.clone(),
                    ready,
                });
            }
        }
        let mut work: Vec<(&mut FileState, Vec<Pending>)> = Vec::with_capacity(pending.len());
        let mut files: Vec<Option<&mut FileState>> = self.files.iter_mut().map(Some).collect();
        for (fi, p) in pending {
            if let Some(f) = files[fi].take() {
                work.push((f, p));
            }
        }
        let source = repo.blob_source();
        let memo = &prefetched.memo;
        let results: Vec<Result<()>> = work
            .into_par_iter()
            .map_init(
                || source.reader(),
                |reader, (file, pending)| {
                    let reader = reader.as_ref().map_err(|e| Error::Git(e.to_string()))?;
                    extend_file(file, stream, &landed, pending, memo, |id| reader.read(id))
                },
            )
            .collect();
        results.into_iter().collect::<Result<()>>()?;
        if let Some(last) = stream.last() {
            self.head = Some(last.commit.id.clone());
        }
        Ok(())
    }

    /// The timelines, keyed by each file's latest path.
    pub fn into_history(self) -> History {
        let mut history = History::default();
        for f in self.files {
            let t = f.timeline;
            let mut key = t.path.clone();
            let mut n = 1;
            while history.files.contains_key(&key) {
                n += 1;
                key = format!("{}#{n}", t.path);
            }
            history.files.insert(key, t);
        }
        history
    }
}

/// Versions parsed ahead, and the memo of front-matter values they were parsed with, for the
/// versions parsed later.
#[derive(Default)]
pub struct Prefetched {
    /// By (kind, blob id); `None` where the version does not parse.
    versions: HashMap<(load::Kind, String), Option<Lite>>,
    memo: load::Memo,
}

/// The commit stream of `repo` since `since`, with every new version parsed while git is still
/// walking: git's walk runs on one core while the workers parse on the others.
pub fn stream_prefetched(
    repo: &Repo,
    walker: Walker,
    since: Option<&str>,
) -> Result<(Vec<CommitChanges>, Prefetched)> {
    const BATCH: usize = 256;
    let source = repo.blob_source();
    let memo = load::Memo::default();
    let found = std::sync::Mutex::new(HashMap::new());
    let mut seen = std::collections::HashSet::new();
    let mut batch: Vec<(load::Kind, String, String)> = Vec::new();
    let stream = rayon::in_place_scope(|scope| {
        let spawn = |work: Vec<(load::Kind, String, String)>| {
            let (source, found, memo) = (&source, &found, &memo);
            scope.spawn(move |_| {
                let Ok(reader) = source.reader() else { return };
                let parsed: Vec<_> = work
                    .into_iter()
                    .filter_map(|(kind, path, blob)| {
                        let bytes = reader.read(&blob).ok()?;
                        let lite = parse_lite(&path, &bytes, memo);
                        Some(((kind, blob), lite))
                    })
                    .collect();
                if let Ok(mut map) = found.lock() {
                    map.extend(parsed);
                }
            });
        };
        let result = repo.changes_with(WATCHED, walker, since, &mut |cc| {
            for ch in &cc.changes {
                let (Some(blob), Some(kind)) = (
                    &ch.blob,
                    load::classify(ch.path.strip_prefix("content/").unwrap_or("")),
                ) else {
                    continue;
                };
                if seen.insert((kind, blob.clone())) {
                    batch.push((kind, ch.path.clone(), blob.clone()));
                }
            }
            if batch.len() >= BATCH {
                spawn(std::mem::take(&mut batch));
            }
        });
        spawn(std::mem::take(&mut batch));
        result
    })?;
    let versions = found
        .into_inner()
        .map_err(|_| Error::Git("a parsing worker failed".into()))?;
    Ok((stream, Prefetched { versions, memo }))
}

/// A change assigned to a file, before its version is parsed.
struct Pending {
    commit: usize,
    kind: ChangeKind,
    path: String,
    blob: Option<String>,
    /// The blob the change is compared with; none for a new file.
    old_blob: Option<String>,
    /// For a merge: the file in the other parents (see [`crate::git::FileChange`]).
    other_blobs: Vec<String>,
    /// The version, when it was parsed ahead.
    ready: Option<Option<Lite>>,
}

/// What a version of a file is compared with: the version it stands for (itself when it
/// parses; for one that does not, what it was compared with) and that version's blob id.
#[derive(Clone, Default)]
struct Baseline {
    blob: Option<String>,
    version: Option<Rc<(Fields, u64)>>,
}

/// Appends one file's new steps: each version parsed once and compared with the version in the
/// parent of its commit.
fn extend_file(
    file: &mut FileState,
    stream: &[CommitChanges],
    landed: &[usize],
    pending: Vec<Pending>,
    memo: &load::Memo,
    read: impl Fn(&str) -> Result<Vec<u8>>,
) -> Result<()> {
    // The versions of this file met in this run, by blob id.
    let mut seen: HashMap<String, Baseline> = HashMap::new();
    for p in pending {
        let c = &stream[p.commit].commit;
        let l = &stream[landed[p.commit]].commit;
        let mut step = Step {
            commit: c.id.clone(),
            author: c.author.clone(),
            email: c.email.clone(),
            time: rfc3339(c.time, c.offset_minutes),
            message: c.message.clone(),
            landed_commit: l.id.clone(),
            landed_time: rfc3339(l.commit_time, l.commit_offset_minutes),
            changes: Vec::new(),
            body_changed: false,
            path: p.path.clone(),
            kind: p.kind,
            note: None,
            working_tree: false,
        };
        let mut keep = true;
        if let Some(blob) = &p.blob {
            let old = match &p.old_blob {
                Some(ob) => baseline(file, &mut seen, &p.path, ob, memo, &read)?,
                None => Baseline::default(),
            };
            let new = match seen.get(blob) {
                // Met before in this run (a revert): parsed then.
                Some(b) => b.version.clone().filter(|_| b.blob.as_ref() == Some(blob)),
                None => match p.ready {
                    Some(lite) => lite.and_then(fields_of),
                    None => version_with(&p.path, &read(blob)?, memo),
                }
                .map(Rc::new),
            };
            apply(&mut step, old.version.as_deref(), new.as_deref());
            if !p.other_blobs.is_empty() && new.is_some() {
                // A merge: only what differs from every parent is its own change; a merge that
                // only brings the parents' changes together made none (as `git log --follow`).
                for other in &p.other_blobs {
                    let theirs = baseline(file, &mut seen, &p.path, other, memo, &read)?;
                    if let Some(v) = theirs.version.as_deref() {
                        own_changes(&mut step, v, new.as_deref());
                    }
                }
                if step.changes.is_empty() && !step.body_changed {
                    keep = false;
                }
            }
            let stands_for = match new {
                Some(v) => Baseline {
                    blob: Some(blob.clone()),
                    version: Some(v),
                },
                None => {
                    if let Some(ob) = &old.blob {
                        file.broken
                            .entry(blob.clone())
                            .or_insert_with(|| ob.clone());
                    }
                    old
                }
            };
            seen.entry(blob.clone()).or_insert(stands_for);
        }
        if keep {
            file.timeline.steps.push(step);
        }
        file.timeline.path = p.path.clone();
        file.timeline.deleted = p.kind == ChangeKind::Deleted;
    }
    Ok(())
}

/// The version that blob `id` of `file` stands for: from this run, else read (for a version
/// that did not parse, the one it was compared with when it was mined).
fn baseline(
    file: &FileState,
    seen: &mut HashMap<String, Baseline>,
    path: &str,
    id: &str,
    memo: &load::Memo,
    read: &impl Fn(&str) -> Result<Vec<u8>>,
) -> Result<Baseline> {
    if let Some(b) = seen.get(id) {
        return Ok(b.clone());
    }
    let target = file.broken.get(id).map_or(id, String::as_str);
    let b = match version_with(path, &read(target)?, memo) {
        Some(v) => Baseline {
            blob: Some(target.to_owned()),
            version: Some(Rc::new(v)),
        },
        None => Baseline::default(),
    };
    seen.insert(id.to_owned(), b.clone());
    Ok(b)
}

/// Fills a step's field changes from the new version compared with `old` (none: a new file), or
/// notes that the new version does not parse.
fn apply(step: &mut Step, old: Option<&(Fields, u64)>, new: Option<&(Fields, u64)>) {
    match new {
        Some((fields, body)) => {
            step.changes = fields::diff(old.map(|(f, _)| f), fields);
            step.body_changed = old.map_or(*body != hash(""), |(_, b)| b != body);
        }
        None => step.note = Some("this version does not parse; its changes are not shown".into()),
    }
}

/// Keeps of a merge step's changes only those where the merged version also differs from
/// `theirs`, the file in another parent; the same for the body.
fn own_changes(step: &mut Step, theirs: &(Fields, u64), merged: Option<&(Fields, u64)>) {
    let Some((fields, body)) = merged else { return };
    let differs: std::collections::HashSet<String> = fields::diff(Some(&theirs.0), fields)
        .into_iter()
        .map(|c| c.field)
        .collect();
    step.changes.retain(|c| differs.contains(&c.field));
    step.body_changed &= theirs.1 != *body;
}

/// Adds a last "working tree" step to every file with uncommitted edits.
fn working_tree(root: &Path, repo: &Repo, history: &mut History) -> Result<()> {
    let dirty = repo.dirty_files(WATCHED)?;
    if dirty.is_empty() {
        return Ok(());
    }
    let head = history.head.clone().unwrap_or_default();
    for path in dirty {
        if load::classify(path.strip_prefix("content/").unwrap_or("")).is_none() {
            continue;
        }
        let now = load::read_for_display(root, &path, crate::source::DEFAULT_MAX_BYTES)
            .map(|t| t.into_bytes());
        let before = repo.file_at(&head, &path)?;
        let last = before.as_deref().and_then(|b| version(&path, b));
        let kind = match (&before, &now) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        let mut step = Step {
            commit: String::new(),
            author: String::new(),
            email: String::new(),
            time: String::new(),
            message: "uncommitted changes in the working tree".into(),
            landed_commit: String::new(),
            landed_time: String::new(),
            changes: Vec::new(),
            body_changed: false,
            path: path.clone(),
            kind,
            note: None,
            working_tree: true,
        };
        if let Some(bytes) = &now {
            apply(&mut step, last.as_ref(), version(&path, bytes).as_ref());
        }
        let t = history
            .files
            .entry(path.clone())
            .or_insert_with(|| Timeline {
                path: path.clone(),
                ..Default::default()
            });
        t.deleted = now.is_none();
        t.steps.push(step);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
