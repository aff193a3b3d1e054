//! The mining cache: the mining [`State`] stored under the cache folder with the commit it
//! reaches, so the next run folds in only the commits since. A cache from another tool version,
//! for a HEAD that does not descend from it along the first-parent line (force-push, rebase),
//! or that does not parse, is ignored and rebuilt. On disk each commit is stored once and steps
//! point at it, which keeps the file small enough to load in a fraction of a second.

use super::mine::{FileState, MineOptions, State, stream_prefetched};
use super::{FieldChange, Step, Timeline};
use crate::error::{Error, Result};
use crate::git::{ChangeKind, Repo};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const FILE: &str = "history.json";
/// Changes whenever the cached shape or its meaning changes.
const FORMAT: &str = concat!(env!("CARGO_PKG_VERSION"), "/history-3");
/// A cache behind by fewer commits than this is extended in memory but not rewritten: folding
/// in a few commits costs less than writing the whole file again.
const REWRITE_AFTER: usize = 32;

/// Written from a borrowed [`State`] (the changes are not copied), read as owned.
#[derive(Serialize, Deserialize)]
struct CacheFile<'a> {
    format: String,
    head: String,
    commits: Vec<CachedCommit>,
    by_path: BTreeMap<String, usize>,
    files: Vec<CachedFile<'a>>,
}

#[derive(Serialize, Deserialize)]
struct CachedCommit {
    id: String,
    author: String,
    email: String,
    time: String,
    message: String,
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

/// The mining state at `head`, from the cache where it can be trusted.
pub fn mine_cached(repo: &Repo, head: &str, opts: &MineOptions) -> Result<State> {
    let cached = opts.cache_dir.as_deref().and_then(read);
    if let Some(mut state) = cached {
        let old = state.head.clone().unwrap_or_default();
        if old == head {
            return Ok(state);
        }
        if let Ok((stream, prefetched)) = stream_prefetched(repo, opts.walker, Some(&old))
            && descends_along_first_parent(&stream, &old)
        {
            state.extend(repo, &stream, prefetched)?;
            if stream.len() >= REWRITE_AFTER {
                write(opts.cache_dir.as_deref(), &state)?;
            }
            return Ok(state);
        }
    }
    let (stream, prefetched) = stream_prefetched(repo, opts.walker, None)?;
    let mut state = State::default();
    state.extend(repo, &stream, prefetched)?;
    drop(stream);
    write(opts.cache_dir.as_deref(), &state)?;
    Ok(state)
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

fn read(dir: &Path) -> Option<State> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (file.format == FORMAT).then(|| from_cache(file))?
}

fn write(dir: Option<&Path>, state: &State) -> Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    let Some(file) = to_cache(state) else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!("{FILE}.tmp"));
    let out = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(out);
    serde_json::to_writer(&mut w, &file)?;
    use std::io::Write;
    w.flush().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, dir.join(FILE)).map_err(|e| Error::io(dir, e))
}

/// Numbers commits in the order they are first met.
#[derive(Default)]
struct Commits<'a> {
    index: HashMap<&'a str, u32>,
    list: Vec<CachedCommit>,
}

impl<'a> Commits<'a> {
    fn id(&mut self, id: &'a str, time: &str, meta: Option<&Step>) -> u32 {
        let list = &mut self.list;
        let i = *self.index.entry(id).or_insert_with(|| {
            list.push(CachedCommit {
                id: id.to_owned(),
                author: String::new(),
                email: String::new(),
                time: time.to_owned(),
                message: String::new(),
            });
            (list.len() - 1) as u32
        });
        if let Some(s) = meta {
            let c = &mut self.list[i as usize];
            if c.author.is_empty() && c.message.is_empty() {
                (c.author, c.email, c.message) =
                    (s.author.clone(), s.email.clone(), s.message.clone());
            }
        }
        i
    }
}

fn to_cache(state: &State) -> Option<CacheFile<'_>> {
    let head = state.head.clone()?;
    let mut commits = Commits::default();
    let mut files = Vec::with_capacity(state.files.len());
    for f in &state.files {
        let mut steps = Vec::with_capacity(f.timeline.steps.len());
        for s in f.timeline.steps.iter().filter(|s| !s.working_tree) {
            steps.push(CachedStep {
                c: commits.id(&s.commit, &s.time, Some(s)),
                l: commits.id(&s.landed_commit, &s.landed_time, None),
                changes: Cow::Borrowed(&s.changes),
                body: s.body_changed,
                path: (s.path != f.timeline.path).then(|| s.path.clone()),
                kind: s.kind,
                note: s.note.clone(),
            });
        }
        files.push(CachedFile {
            path: f.timeline.path.clone(),
            deleted: f.timeline.deleted,
            steps,
            broken: (!f.broken.is_empty()).then_some(Cow::Borrowed(&f.broken)),
        });
    }
    Some(CacheFile {
        format: FORMAT.into(),
        head,
        commits: commits.list,
        by_path: state.by_path.clone(),
        files,
    })
}

fn from_cache(file: CacheFile) -> Option<State> {
    let commits = file.commits;
    let files = file
        .files
        .into_iter()
        .map(|f| {
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
                        landed_time: l.time.clone(),
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
        })
        .collect::<Option<Vec<FileState>>>()?;
    Some(State {
        head: Some(file.head),
        by_path: file.by_path,
        files,
    })
}
