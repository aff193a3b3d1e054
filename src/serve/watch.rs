//! Watching what a build reads, for `serve`: `content/`, `sql/`, `themes/`, `opsledger.toml`,
//! and `.git/logs/HEAD` (a commit, checkout or reset changes the history). It never builds: it
//! says which of those changed. Editors' temporary files are ignored.

use crate::config;
use crate::error::{Error, Result};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// Changes closer together than this come as one batch.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// The folders watched recursively, the files watched alone (relative to the ledger).
const FOLDERS: [&str; 3] = ["content", "sql", "themes"];
const GIT_LOG: &str = ".git/logs/HEAD";

/// A watch on the inputs of the ledger at one root.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching the ledger at `root`.
    pub fn new(root: &Path) -> Result<Watcher> {
        let root = root
            .canonicalize()
            .map_err(|e| Error::io(root.to_path_buf(), e))?;
        let (tx, events) = std::sync::mpsc::channel();
        let debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(watch_error)?;
        let mut w = Watcher {
            root,
            debouncer,
            events,
            watched: BTreeSet::new(),
        };
        w.watch(PathBuf::new(), RecursiveMode::NonRecursive)?;
        w.refresh(&BTreeSet::new())?;
        Ok(w)
    }

    /// Watches the inputs that exist now: a `themes/` created later is picked up here, and a
    /// watched path that was itself removed, replaced or renamed is watched anew.
    fn refresh(&mut self, changed: &BTreeSet<PathBuf>) -> Result<()> {
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|w| !w.as_os_str().is_empty() && changed.contains(*w))
            .cloned()
            .collect();
        for w in stale {
            // The old watch may be gone with the old file; either way it is replaced.
            let _ = self.debouncer.unwatch(self.root.join(&w));
            self.watched.remove(&w);
        }
        for f in FOLDERS {
            if self.root.join(f).is_dir() {
                self.watch(PathBuf::from(f), RecursiveMode::Recursive)?;
            }
        }
        if self.root.join(GIT_LOG).is_file() {
            self.watch(PathBuf::from(GIT_LOG), RecursiveMode::NonRecursive)?;
        }
        Ok(())
    }

    fn watch(&mut self, rel: PathBuf, mode: RecursiveMode) -> Result<()> {
        if !self.watched.contains(&rel) {
            self.debouncer
                .watch(self.root.join(&rel), mode)
                .map_err(watch_error)?;
            self.watched.insert(rel);
        }
        Ok(())
    }

    /// Waits for the next change to the inputs and returns the changed paths (relative to the
    /// ledger, sorted); `None` when `timeout` passed first.
    pub fn next(&mut self, timeout: Duration) -> Result<Option<Vec<PathBuf>>> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let batch = match self.events.recv_timeout(left) {
                Ok(b) => b,
                Err(RecvTimeoutError::Timeout) => return Ok(None),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::Serve("the file watcher stopped".into()));
                }
            };
            let mut changed = BTreeSet::new();
            self.collect(batch, &mut changed)?;
            // Batches that arrived meanwhile belong to the same edit.
            while let Ok(b) = self.events.try_recv() {
                self.collect(b, &mut changed)?;
            }
            if !changed.is_empty() {
                self.refresh(&changed)?;
                return Ok(Some(changed.into_iter().collect()));
            }
        }
    }

    fn collect(&self, batch: DebounceEventResult, into: &mut BTreeSet<PathBuf>) -> Result<()> {
        let events = batch.map_err(|errs| match errs.into_iter().next() {
            Some(e) => watch_error(e),
            None => Error::Serve("the file watcher failed".into()),
        })?;
        // Reading a file is an event too (the build itself reads every input): only writes,
        // creations, removals and renames count.
        for ev in events.iter().filter(|e| !e.kind.is_access()) {
            for p in &ev.paths {
                if let Ok(rel) = p.strip_prefix(&self.root)
                    && is_input(rel)
                {
                    into.insert(rel.to_path_buf());
                }
            }
        }
        Ok(())
    }
}

fn watch_error(e: notify_debouncer_full::notify::Error) -> Error {
    Error::Serve(format!("cannot watch the ledger: {e}"))
}

/// Whether a change to `rel` (relative to the ledger) can change the site.
pub fn is_input(rel: &Path) -> bool {
    if rel == Path::new(config::FILE) || rel == Path::new(GIT_LOG) {
        return true;
    }
    let first = match rel.components().next() {
        Some(Component::Normal(c)) => c,
        _ => return false,
    };
    if !FOLDERS.iter().any(|f| first == *f) {
        return false;
    }
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let temporary = name.starts_with(".#")
        || name.ends_with('~')
        || [".swp", ".swx", ".tmp"].iter().any(|e| name.ends_with(e))
        || name == "4913";
    !temporary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_the_content_sql_themes_config_and_new_commits() {
        for p in [
            "content/entries/0020.md",
            "content",
            "sql/0020/up.sql",
            "themes/mine/templates/base.html",
            "opsledger.toml",
            ".git/logs/HEAD",
        ] {
            assert!(is_input(Path::new(p)), "{p}");
        }
        for p in [
            "public/index.html",
            ".opsledger/cache/history.json",
            ".git/index",
            "README.md",
            "content/entries/.0020.md.swp",
            "content/entries/0020.md~",
            "content/entries/4913",
            "content/.#0020.md",
        ] {
            assert!(!is_input(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn a_replaced_content_folder_is_watched_again() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/entries")).unwrap();
        let mut w = Watcher::new(t.path()).unwrap();
        std::fs::remove_dir_all(t.path().join("content")).unwrap();
        wait_for(&mut w, "content");
        std::fs::create_dir_all(t.path().join("content/entries")).unwrap();
        wait_for(&mut w, "content");
        std::fs::write(t.path().join("content/entries/0001.md"), "---\n").unwrap();
        wait_for(&mut w, "content/entries/0001.md");
    }

    /// Waits for a batch that holds `rel`; panics when the watcher stays silent.
    fn wait_for(w: &mut Watcher, rel: &str) {
        // Generous: inotify is quick, but a loaded CI machine may not be.
        while let Some(batch) = w.next(Duration::from_secs(20)).unwrap() {
            if batch.iter().any(|p| p == Path::new(rel)) {
                return;
            }
        }
        panic!("no change of {rel} reported");
    }

    #[test]
    fn an_edit_in_content_is_reported_and_one_in_public_is_not() {
        let t = tempfile::tempdir().unwrap();
        for d in ["content/entries", "public"] {
            std::fs::create_dir_all(t.path().join(d)).unwrap();
        }
        std::fs::write(t.path().join(config::FILE), "").unwrap();
        let mut w = Watcher::new(t.path()).unwrap();
        std::fs::write(t.path().join("public/index.html"), "x").unwrap();
        std::fs::write(t.path().join("content/entries/0001.md"), "---\n").unwrap();
        let mut seen = BTreeSet::new();
        // Generous: inotify is quick, but a loaded CI machine may not be.
        while let Some(batch) = w.next(Duration::from_secs(20)).unwrap() {
            seen.extend(batch);
            if seen.contains(Path::new("content/entries/0001.md")) {
                break;
            }
        }
        assert!(
            seen.contains(Path::new("content/entries/0001.md")),
            "{seen:?}"
        );
        assert!(!seen.iter().any(|p| p.starts_with("public")), "{seen:?}");
    }
}
