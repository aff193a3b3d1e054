//! The mining cache: the mining [`State`] stored under the cache folder with the commit it
//! reaches, so the next run folds in only the commits since. A cache from another tool version,
//! for a HEAD that does not descend from it along the first-parent line (force-push, rebase),
//! or that does not parse, is ignored and rebuilt.

use super::mine::{MineOptions, State, WATCHED};
use crate::error::{Error, Result};
use crate::git::Repo;
use serde::{Deserialize, Serialize};
use std::path::Path;

const FILE: &str = "history.json";
/// Changes whenever the cached shape or its meaning changes.
const FORMAT: &str = concat!(env!("CARGO_PKG_VERSION"), "/history-1");

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: String,
    state: State,
}

/// The mining state at `head`, from the cache where it can be trusted.
pub fn mine_cached(repo: &Repo, head: &str, opts: &MineOptions) -> Result<State> {
    let cached = opts.cache_dir.as_deref().and_then(read);
    if let Some(mut state) = cached {
        let old = state.head.clone().unwrap_or_default();
        if old == head {
            return Ok(state);
        }
        if let Ok(stream) = repo.changes(WATCHED, opts.walker, Some(&old))
            && descends_along_first_parent(&stream, &old)
        {
            state.extend(repo, &stream)?;
            write(opts.cache_dir.as_deref(), &state)?;
            return Ok(state);
        }
    }
    let stream = repo.changes(WATCHED, opts.walker, None)?;
    let mut state = State::default();
    state.extend(repo, &stream)?;
    write(opts.cache_dir.as_deref(), &state)?;
    Ok(state)
}

/// True when following first parents from the newest commit of `stream` leads to `old`.
fn descends_along_first_parent(stream: &[crate::git::CommitChanges], old: &str) -> bool {
    let index: std::collections::HashMap<&str, usize> = stream
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
    (file.format == FORMAT).then_some(file.state)
}

fn write(dir: Option<&Path>, state: &State) -> Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!("{FILE}.tmp"));
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(
        &mut w,
        &CacheFile {
            format: FORMAT.into(),
            state: state.clone(),
        },
    )?;
    use std::io::Write;
    w.flush().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, dir.join(FILE)).map_err(|e| Error::io(dir, e))
}
