//! The mining cache: the mining [`State`] stored under the cache folder with the commit it
//! reaches, so the next run folds in only the commits since. It is written whenever HEAD has
//! moved, so a run after one new commit does the work of one commit, and kept cheap to write:
//! the base file holds everything, a tail file next to it the files changed since the base
//! (whole), rewritten alone while they are few; past that the base is written again and the
//! tail dropped.
//!
//! A cache from another tool version, for a HEAD that does not descend from it along the
//! first-parent line (force-push, rebase), whose checksum does not match (an edit, a torn write)
//! or that does not hold together (an index out of range) is ignored and rebuilt; a tail that
//! does not continue its base is ignored. On disk each commit is stored once and steps point at
//! it, which keeps the base small enough to load in a fraction of a second.
//!
//! Each file is one header line, `FORMAT CHECKSUM` (16 hex digits of [`Checksum`] over the
//! rest), then the JSON.

use super::commits::OddCommit;
use super::mine::{FileState, MineOptions, SinceBase, State, stream_prefetched};
use super::{FieldChange, Step, Timeline};
use crate::error::{Error, Result};
use crate::git::{ChangeKind, Repo};
use checksum::{Checksum, Hashing};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const FILE: &str = "history.json";
const TAIL: &str = "history-tail.json";
/// Changes whenever the cached shape or its meaning changes.
const FORMAT: &str = concat!(env!("CARGO_PKG_VERSION"), "/history-6");

/// Written from a borrowed [`State`] (the changes are not copied), read as owned.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    head: String,
    commits: Vec<CachedCommit>,
    by_path: BTreeMap<String, usize>,
    files: Vec<CachedFile<'a>>,
    /// [`State::odd`]: rarely anything.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    odd: BTreeMap<String, OddCommit>,
}

/// The files changed or added since the base file, whole, and the paths that point at them.
#[derive(Serialize, Deserialize)]
struct TailFile<'a> {
    /// The commit the base file reaches: the tail applies to that base only.
    base: String,
    head: String,
    commits: Vec<CachedCommit>,
    dropped: Vec<String>,
    by_path: BTreeMap<String, usize>,
    files: BTreeMap<usize, CachedFile<'a>>,
    /// All of [`State::odd`] (rarely anything).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    odd: BTreeMap<String, OddCommit>,
}

#[derive(Serialize, Deserialize)]
struct CachedCommit {
    id: String,
    author: String,
    email: String,
    /// Author time; empty for a commit met only as a landing commit.
    time: String,
    message: String,
    /// Committer time, for a landing commit whose committer time differs from `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    landed: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CachedFile<'a> {
    path: String,
    deleted: bool,
    steps: Vec<CachedStep<'a>>,
    /// [`FileState::broken`]: rarely anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    broken: Option<Cow<'a, BTreeMap<String, String>>>,
}

#[derive(Serialize, Deserialize)]
struct CachedStep<'a> {
    c: u32,
    l: u32,
    changes: Cow<'a, [FieldChange]>,
    body: bool,
    /// The path at this step when it differs from the file's latest path.
    path: Option<String>,
    kind: ChangeKind,
    note: Option<String>,
}

/// The mining state at `head`, from the cache where it can be trusted, and the warnings for
/// the user about a cache that was broken (it is mined again and rewritten).
pub fn mine_cached(repo: &Repo, head: &str, opts: &MineOptions) -> Result<(State, Vec<String>)> {
    let mut warnings = Vec::new();
    let state = mine_into(repo, head, opts, &mut warnings)?;
    Ok((state, warnings))
}

fn mine_into(
    repo: &Repo,
    head: &str,
    opts: &MineOptions,
    warnings: &mut Vec<String>,
) -> Result<State> {
    if let Some(dir) = opts.cache_dir.as_deref() {
        // What a killed run was writing.
        for name in [FILE, TAIL] {
            crate::paths::clear(&dir.join(format!("{name}.tmp")))?;
        }
    }
    let cached = opts.cache_dir.as_deref().and_then(|d| read(d, warnings));
    if let Some(mut state) = cached {
        let old = state.head.clone().unwrap_or_default();
        if old == head {
            return Ok(state);
        }
        if let Ok((stream, prefetched)) = stream_prefetched(repo, opts.walker, Some(&old))
            && descends_along_first_parent(&stream, &old)
        {
            state.extend(repo, &stream, prefetched)?;
            save(opts.cache_dir.as_deref(), &state)?;
            return Ok(state);
        }
    }
    let (stream, prefetched) = stream_prefetched(repo, opts.walker, None)?;
    let mut state = State::default();
    state.extend(repo, &stream, prefetched)?;
    drop(stream);
    save(opts.cache_dir.as_deref(), &state)?;
    Ok(state)
}

/// True when a tail of `changed` files out of `total` is worth writing instead of the whole
/// state: up to a sixteenth of the files, and always up to 64.
fn tail_is_small(changed: usize, total: usize) -> bool {
    changed <= (total / 16).max(64)
}

/// Writes `state`: only the tail while the files changed since the base are few, else all of it.
fn save(dir: Option<&Path>, state: &State) -> Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    if let Some(since) = &state.since_base
        && tail_is_small(since.files.len(), state.files.len())
    {
        return match to_tail(state, since) {
            Some(tail) => write(dir, TAIL, &tail),
            None => Ok(()),
        };
    }
    let Some(file) = to_cache(state) else {
        return Ok(());
    };
    write(dir, FILE, &file)?;
    crate::paths::clear(&dir.join(TAIL))
}

/// True when following first parents from the newest commit of `stream` leads to `old`.
fn descends_along_first_parent(stream: &[crate::git::CommitChanges], old: &str) -> bool {
    let index: HashMap<&str, usize> = stream
        .iter()
        .enumerate()
        .map(|(i, c)| (c.commit.id.as_str(), i))
        .collect();
    let mut at = stream.len().checked_sub(1);
    while let Some(i) = at {
        match stream[i].commit.parents.first() {
            Some(p) if p == old => return true,
            Some(p) => at = index.get(p.as_str()).copied(),
            None => return false,
        }
    }
    false
}

/// The state the cache holds: the base file, and the tail when it continues the base. A file
/// that is broken (not a file, unreadable, damaged) is a warning in `warnings`.
fn read(dir: &Path, warnings: &mut Vec<String>) -> Option<State> {
    let base = dir.join(FILE);
    let state = from_cache(read_file::<CacheFile>(&base, warnings)?);
    let Some(mut state) = state else {
        warnings.push(broken(&base, "it does not hold together"));
        return None;
    };
    let mut since = SinceBase {
        base: state.head.clone()?,
        ..Default::default()
    };
    if let Some(tail) = read_file::<TailFile>(&dir.join(TAIL), warnings)
        && tail.base == since.base
    {
        apply_tail(&mut state, &mut since, tail);
    }
    state.since_base = Some(since);
    Some(state)
}

/// The JSON after the header of the file at `path`, when it is a regular file of this format
/// with a matching checksum. None when there is no such file or it is of another format (both
/// expected); anything else is broken, and said in `warnings`.
fn read_file<T: serde::de::DeserializeOwned>(path: &Path, warnings: &mut Vec<String>) -> Option<T> {
    let bytes = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Ok(m) if !m.is_file() => {
            warnings.push(broken(path, "it is not a file"));
            return None;
        }
        _ => std::fs::read(path),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            warnings.push(broken(path, &format!("it cannot be read ({e})")));
            return None;
        }
    };
    let header = bytes.iter().position(|&b| b == b'\n').and_then(|nl| {
        let (format, sum) = std::str::from_utf8(&bytes[..nl]).ok()?.rsplit_once(' ')?;
        Some((format, u64::from_str_radix(sum, 16).ok(), &bytes[nl + 1..]))
    });
    match header {
        Some((format, _, _)) if format != FORMAT => None,
        Some((_, Some(sum), payload)) if sum == Checksum::of(payload) => {
            let parsed = serde_json::from_slice(payload).ok();
            if parsed.is_none() {
                warnings.push(broken(path, "it does not hold together"));
            }
            parsed
        }
        _ => {
            warnings.push(broken(path, "it is damaged (its checksum does not match)"));
            None
        }
    }
}

/// The warning for a broken cache file.
fn broken(path: &Path, why: &str) -> String {
    format!(
        "the history cache {} is broken ({why}): the history was mined again and the cache \
         rewritten",
        path.display()
    )
}

/// Writes `value` as `dir/name`, through a temporary file renamed into place.
fn write(dir: &Path, name: &str, value: &impl Serialize) -> Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!("{name}.tmp"));
    crate::paths::clear(&tmp)?;
    let io = |e| Error::io(&tmp, e);
    let mut out = std::fs::File::create_new(&tmp).map_err(io)?;
    // The header's checksum is filled in once the JSON after it has gone through.
    writeln!(out, "{FORMAT} {:016x}", 0).map_err(io)?;
    let mut w = std::io::BufWriter::with_capacity(
        1 << 16,
        Hashing {
            inner: out,
            sum: Checksum::default(),
        },
    );
    // A failed write (a full disk) is an IO error on the file, with its path.
    serde_json::to_writer(&mut w, value).map_err(|e| io(e.into()))?;
    let Hashing {
        inner: mut out,
        sum,
    } = w.into_inner().map_err(|e| io(e.into_error()))?;
    out.seek(SeekFrom::Start(FORMAT.len() as u64 + 1))
        .map_err(io)?;
    write!(out, "{:016x}", sum.finish()).map_err(io)?;
    drop(out);
    // A folder standing where the file goes is part of a broken cache.
    let file = dir.join(name);
    if std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_dir()) {
        crate::paths::clear(&file)?;
    }
    std::fs::rename(&tmp, &file).map_err(|e| Error::io(&file, e))
}

/// Numbers commits in the order they are first met.
#[derive(Default)]
struct Commits<'a> {
    index: HashMap<&'a str, u32>,
    list: Vec<CachedCommit>,
}

impl<'a> Commits<'a> {
    /// The number of commit `id`, added when new.
    fn number(&mut self, id: &'a str) -> u32 {
        let list = &mut self.list;
        *self.index.entry(id).or_insert_with(|| {
            list.push(CachedCommit {
                id: id.to_owned(),
                author: String::new(),
                email: String::new(),
                time: String::new(),
                message: String::new(),
                landed: None,
            });
            (list.len() - 1) as u32
        })
    }

    /// The number of the commit that made step `s`.
    fn step(&mut self, s: &'a Step) -> u32 {
        let i = self.number(&s.commit);
        let c = &mut self.list[i as usize];
        if c.time.is_empty() {
            (c.author, c.email, c.time, c.message) = (
                s.author.clone(),
                s.email.clone(),
                s.time.clone(),
                s.message.clone(),
            );
        }
        i
    }

    /// The number of the commit that landed step `s`.
    fn landing(&mut self, s: &'a Step) -> u32 {
        let i = self.number(&s.landed_commit);
        self.list[i as usize]
            .landed
            .get_or_insert_with(|| s.landed_time.clone());
        i
    }

    /// The commits, a landing time kept only where it is not the author time.
    fn finish(mut self) -> Vec<CachedCommit> {
        for c in &mut self.list {
            if c.landed.as_ref() == Some(&c.time) {
                c.landed = None;
            }
        }
        self.list
    }
}

fn to_cache(state: &State) -> Option<CacheFile<'_>> {
    let head = state.head.clone()?;
    let mut commits = Commits::default();
    let files = state
        .files
        .iter()
        .map(|f| encode(&mut commits, f))
        .collect();
    Some(CacheFile {
        head,
        commits: commits.finish(),
        by_path: state.by_path.clone(),
        files,
        odd: state.odd.clone(),
    })
}

fn to_tail<'a>(state: &'a State, since: &SinceBase) -> Option<TailFile<'a>> {
    let head = state.head.clone()?;
    let mut commits = Commits::default();
    let files = since
        .files
        .iter()
        .map(|&i| Some((i, encode(&mut commits, state.files.get(i)?))))
        .collect::<Option<_>>()?;
    Some(TailFile {
        base: since.base.clone(),
        head,
        commits: commits.finish(),
        dropped: since.dropped.iter().cloned().collect(),
        by_path: state
            .by_path
            .iter()
            .filter(|(_, i)| since.files.contains(i))
            .map(|(p, &i)| (p.clone(), i))
            .collect(),
        files,
        odd: state.odd.clone(),
    })
}

/// One file as stored, its commits numbered in `commits`.
fn encode<'a>(commits: &mut Commits<'a>, f: &'a FileState) -> CachedFile<'a> {
    let steps = f
        .timeline
        .steps
        .iter()
        .filter(|s| !s.working_tree)
        .map(|s| CachedStep {
            c: commits.step(s),
            l: commits.landing(s),
            changes: Cow::Borrowed(&s.changes),
            body: s.body_changed,
            path: (s.path != f.timeline.path).then(|| s.path.clone()),
            kind: s.kind,
            note: s.note.clone(),
        })
        .collect();
    CachedFile {
        path: f.timeline.path.clone(),
        deleted: f.timeline.deleted,
        steps,
        broken: (!f.broken.is_empty()).then_some(Cow::Borrowed(&f.broken)),
    }
}

/// The state a cache file holds; `None` when it does not hold together (an index out of range).
fn from_cache(file: CacheFile) -> Option<State> {
    if file.by_path.values().any(|&i| i >= file.files.len()) {
        return None;
    }
    let files = file
        .files
        .into_iter()
        .map(|f| decode(&file.commits, f))
        .collect::<Option<Vec<FileState>>>()?;
    Some(State {
        head: Some(file.head),
        by_path: file.by_path,
        files,
        odd: file.odd,
        since_base: None,
    })
}

/// Applies a tail to the state of its base, or leaves the state alone when the tail does not
/// hold together (files added with a gap, an index out of range).
fn apply_tail(state: &mut State, since: &mut SinceBase, tail: TailFile) {
    let n = state.files.len();
    let Some(files) = tail
        .files
        .into_iter()
        .map(|(i, f)| Some((i, decode(&tail.commits, f)?)))
        .collect::<Option<Vec<(usize, FileState)>>>()
    else {
        return;
    };
    let len = n + files.iter().filter(|(i, _)| *i >= n).count();
    if files.iter().any(|(i, _)| *i >= len) || tail.by_path.values().any(|&i| i >= len) {
        return;
    }
    state.files.resize_with(len, FileState::default);
    for (i, f) in files {
        state.files[i] = f;
        since.files.insert(i);
    }
    for p in &tail.dropped {
        state.by_path.remove(p);
    }
    state.by_path.extend(tail.by_path);
    since.dropped.extend(tail.dropped);
    state.odd = tail.odd;
    state.head = Some(tail.head);
}

/// One stored file; `None` when a step names a commit that is not there.
fn decode(commits: &[CachedCommit], f: CachedFile) -> Option<FileState> {
    let steps = f
        .steps
        .into_iter()
        .map(|s| {
            let (c, l) = (commits.get(s.c as usize)?, commits.get(s.l as usize)?);
            Some(Step {
                commit: c.id.clone(),
                author: c.author.clone(),
                email: c.email.clone(),
                time: c.time.clone(),
                message: c.message.clone(),
                landed_commit: l.id.clone(),
                landed_time: l.landed.as_ref().unwrap_or(&l.time).clone(),
                changes: s.changes.into_owned(),
                body_changed: s.body,
                path: s.path.unwrap_or_else(|| f.path.clone()),
                kind: s.kind,
                note: s.note,
                working_tree: false,
            })
        })
        .collect::<Option<Vec<Step>>>()?;
    Some(FileState {
        timeline: Timeline {
            path: f.path,
            deleted: f.deleted,
            steps,
        },
        broken: f.broken.map(Cow::into_owned).unwrap_or_default(),
    })
}

mod checksum;
#[cfg(test)]
mod tests;
