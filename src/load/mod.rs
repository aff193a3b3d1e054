//! Reads a ledger repository's work tree: `opsledger.toml` and every file under `content/` that
//! git does not ignore, in parallel, into a [`Ledger`] and the diagnostics met on the way. It never stops at the first
//! bad file, never follows a symbolic link, and judges nothing beyond one document at a time
//! (cross-document rules are [`crate::check`]'s).

mod convert;
mod docs;
mod gitignored;
mod names;
mod read;

pub use docs::{Kind, Memo, Parsed, parse, parse_with_memo};

use crate::check::{PathState, RepoFiles};
use crate::config::{self, Config};
use crate::diag::{self, Code, Diagnostic, Pos};
use crate::error::{Error, Result};
use crate::model::Ledger;
use crate::source;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A loaded repository: configuration, ledger and every problem found while reading them.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub ledger: Ledger,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the configuration of the repository at `root`.
pub fn load_config(root: &Path) -> Result<(Config, Vec<Diagnostic>)> {
    let path = root.join(config::FILE);
    let meta =
        std::fs::symlink_metadata(&path).map_err(|_| Error::NotALedger(root.to_path_buf()))?;
    if meta.file_type().is_symlink() {
        let d = Diagnostic::new(
            Code::Symlink,
            config::FILE,
            Pos::START,
            "opsledger.toml is a symbolic link and is not followed",
        )
        .with_help("keep opsledger.toml a regular file in the repository");
        return Ok((Config::default(), vec![d]));
    }
    if !meta.is_file() {
        return Err(Error::NotALedger(root.to_path_buf()));
    }
    if meta.len() > source::DEFAULT_MAX_BYTES {
        return Ok((
            Config::default(),
            vec![source::too_large(
                config::FILE,
                meta.len(),
                source::DEFAULT_MAX_BYTES,
            )],
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    match source::decode(config::FILE, &bytes) {
        Ok(src) => Ok(config::parse(&src.text)),
        Err(d) => Ok((Config::default(), vec![*d])),
    }
}

/// Loads the configuration and every content file of the repository at `root`.
pub fn load(root: &Path) -> Result<Loaded> {
    let (config, mut diagnostics) = load_config(root)?;
    let (files, walk_diags) = discover(root)?;
    diagnostics.extend(walk_diags);
    let limit = config.max_file_size;
    // Files share many keys' texts (`status: sit`): each is parsed once.
    let memo = Memo::default();
    let results: Vec<(Parsed, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|f| read_one(f, limit, &memo))
        .collect();
    let mut ledger = Ledger::default();
    let count = |k: Kind| files.iter().filter(|f| f.kind == k).count();
    ledger.entries.reserve_exact(count(Kind::Entry));
    ledger.requirements.reserve_exact(count(Kind::Requirement));
    ledger.releases.reserve_exact(count(Kind::Release));
    for (parsed, diags) in results {
        diagnostics.extend(diags);
        add(&mut ledger, parsed);
    }
    ledger.sort();
    diag::sort(&mut diagnostics);
    Ok(Loaded {
        config,
        ledger,
        diagnostics,
    })
}

/// Loads the ledger as it was at `commit` (config and content read from git), with the same
/// parser as the work tree. Symbolic links and files over the size limit are skipped.
pub fn load_at(repo: &crate::git::Repo, commit: &str) -> Result<Loaded> {
    let (config, mut diagnostics) = match repo.file_at(commit, config::FILE)? {
        Some(bytes) => match source::decode(config::FILE, &bytes) {
            Ok(src) => config::parse(&src.text),
            Err(d) => (Config::default(), vec![*d]),
        },
        None => (Config::default(), Vec::new()),
    };
    let files = repo.files_at(commit, "content")?;
    let limit = config.max_file_size;
    let results: Vec<(Parsed, Vec<Diagnostic>)> = files
        .par_iter()
        .filter_map(|(path, bytes)| {
            let kind = classify(path.strip_prefix("content/")?)?;
            if bytes.len() as u64 > limit {
                return Some((
                    Parsed::broken(kind, path),
                    vec![source::too_large(path, bytes.len() as u64, limit)],
                ));
            }
            Some(match source::decode(path, bytes) {
                Ok(src) => parse(kind, path, &src.text),
                Err(d) => (Parsed::broken(kind, path), vec![*d]),
            })
        })
        .collect();
    let mut ledger = Ledger::default();
    for (parsed, diags) in results {
        diagnostics.extend(diags);
        add(&mut ledger, parsed);
    }
    ledger.sort();
    diag::sort(&mut diagnostics);
    Ok(Loaded {
        config,
        ledger,
        diagnostics,
    })
}

/// Puts a parsed document in its place in the ledger.
pub fn add(ledger: &mut Ledger, parsed: Parsed) {
    match parsed {
        Parsed::Entry(e) => ledger.entries.push(*e),
        Parsed::Requirement(r) => ledger.requirements.push(*r),
        Parsed::Release(r) => ledger.releases.push(*r),
        Parsed::Runbook(r) => ledger.runbooks.push(*r),
        Parsed::Partial(p) => {
            let (kind, id) = match *p {
                Parsed::Entry(e) => {
                    let id = e.id.to_string();
                    ledger.partial.entries.push(*e);
                    (Kind::Entry, Some(id))
                }
                Parsed::Requirement(r) => {
                    let id = r.id.clone();
                    ledger.partial.requirements.push(*r);
                    (Kind::Requirement, Some(id))
                }
                Parsed::Release(r) => {
                    let id = r.id.clone();
                    ledger.partial.releases.push(*r);
                    (Kind::Release, Some(id))
                }
                _ => return,
            };
            add(ledger, Parsed::Broken(kind, id));
        }
        Parsed::Broken(kind, id) => match (kind, id) {
            (Kind::Entry, Some(id)) => ledger.broken.entries.extend(id.parse::<u32>().ok()),
            (Kind::Requirement, Some(id)) => ledger.broken.requirements.push(id),
            (Kind::Release, Some(id)) => ledger.broken.releases.push(id),
            _ => {}
        },
    }
}

/// The work tree as seen by [`crate::check`]: which referenced paths are files git tracks in
/// it, and their text for the site.
pub struct WorkTree {
    root: PathBuf,
    /// The files git tracks (HEAD and index); `None` when the ledger is not in a git
    /// repository, where any regular file counts.
    tracked: Option<BTreeSet<String>>,
}

impl WorkTree {
    /// The work tree at `root`, with the list of files git tracks read from its repository.
    pub fn open(root: &Path) -> Result<Self> {
        let tracked = match crate::git::Repo::open(root)? {
            Some(repo) => Some(repo.tracked_files()?),
            None => None,
        };
        Ok(WorkTree {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            tracked,
        })
    }

    /// The text of the file content names at `rel`, when it passes the rule `check` applies
    /// ([`check::path_problem`]: tracked by git, under `under`, no dot-folder, no link) and
    /// is a small, decodable file; `None` for anything else.
    pub fn read(&self, rel: &str, under: &str, limit: u64) -> Option<String> {
        if crate::check::path_problem(rel, under, self).is_some() {
            return None;
        }
        let path = self.root.join(rel);
        if std::fs::symlink_metadata(&path).ok()?.len() > limit {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        source::decode(rel, &bytes).ok().map(|s| s.text)
    }
}

impl RepoFiles for WorkTree {
    fn state(&self, path: &str) -> PathState {
        let full = self.root.join(path);
        let (Ok(meta), Ok(real)) = (std::fs::symlink_metadata(&full), full.canonicalize()) else {
            return PathState::Missing;
        };
        if !real.starts_with(&self.root) {
            PathState::Outside
        } else if real != full {
            PathState::Link
        } else if !meta.is_file() {
            PathState::Missing
        } else if self.tracked.as_ref().is_some_and(|t| !t.contains(path)) {
            PathState::Untracked
        } else {
            PathState::File
        }
    }
}

/// The text of a repository file for showing it in a diagnostic: `None` for anything that is
/// not a regular, small, decodable file inside `root` (links are never followed).
pub fn read_for_display(root: &Path, rel: &str, limit: u64) -> Option<String> {
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > limit || rel.split('/').any(|c| c == "..") {
        return None;
    }
    let inside = path
        .canonicalize()
        .ok()?
        .starts_with(root.canonicalize().ok()?);
    if !inside {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    source::decode(rel, &bytes).ok().map(|s| s.text)
}

/// A content file to read.
#[derive(Debug, Clone)]
struct Found {
    kind: Kind,
    rel: String,
    abs: PathBuf,
    size: u64,
}

/// The kind of a path under `content/`, by its folder and extension.
pub fn classify(rel_under_content: &str) -> Option<Kind> {
    let (folder, rest) = rel_under_content.split_once('/')?;
    if rest.contains('/') || !rest.ends_with(".md") {
        return None;
    }
    Kind::ALL.into_iter().find(|k| k.folder() == folder)
}

/// Lists the content files, sorted, without following links. Every other file under
/// `content/` is accounted for: a name with hidden characters is E0006 (a folder's files are
/// not even listed), a file that is not a document or that git ignores W0007; only names
/// starting with `.` (`.gitkeep`, `.DS_Store`, dot-folders) are skipped without a word.
fn discover(root: &Path) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let content = root.join("content");
    let mut found = Vec::new();
    let mut diags = Vec::new();
    if !content.is_dir() {
        return Ok((found, diags));
    }
    // Not even `content` itself is followed when it is a link.
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter();
    let mut walk = walker
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(item) = walk.next() {
        let item = match item {
            Ok(i) => i,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| "content".into());
                diags.push(Diagnostic::new(
                    Code::Unreadable,
                    path,
                    Pos::START,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let rel = rel_path(root, item.path());
        let ft = item.file_type();
        if item.depth() > 0
            && let Some(d) = names::bad_name(item.file_name(), &rel)
        {
            diags.push(d);
            if ft.is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if ft.is_symlink() {
            diags.push(symlink(&rel, item.path()));
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let under = rel.strip_prefix("content/").unwrap_or(&rel);
        match classify(under) {
            Some(kind) => {
                let size = item.metadata().map(|m| m.len()).unwrap_or(0);
                found.push(Found {
                    kind,
                    rel,
                    abs: item.path().to_path_buf(),
                    size,
                });
            }
            None => diags.push(names::ignored(&rel)),
        }
    }
    gitignored::drop_ignored(root, &mut found, &mut diags)?;
    Ok((found, diags))
}

/// E0005 for a symbolic link under `content/`.
fn symlink(rel: &str, path: &Path) -> Diagnostic {
    let target = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    Diagnostic::new(
        Code::Symlink,
        rel,
        Pos::START,
        format!("symbolic link to `{target}` is not followed"),
    )
    .with_help("content files must be regular files inside the repository; copy the file instead")
}

fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_one(f: &Found, limit: u64, memo: &Memo) -> (Parsed, Vec<Diagnostic>) {
    if f.size > limit {
        return (
            Parsed::broken(f.kind, &f.rel),
            vec![source::too_large(&f.rel, f.size, limit)],
        );
    }
    let bytes = match std::fs::read(&f.abs) {
        Ok(b) => b,
        Err(e) => {
            return (
                Parsed::broken(f.kind, &f.rel),
                vec![Diagnostic::new(
                    Code::Unreadable,
                    &f.rel,
                    Pos::START,
                    format!("cannot read: {e}"),
                )],
            );
        }
    };
    match source::decode(&f.rel, &bytes) {
        Ok(src) => parse_with_memo(f.kind, &f.rel, &src.text, memo),
        Err(d) => (Parsed::broken(f.kind, &f.rel), vec![*d]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_reads_only_what_the_path_rule_lets_through() {
        let t = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = t.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("sql/a.sql", "SELECT 1;");
        write("notes/a.sql", "SELECT 2;");
        crate::git::init_and_commit(t.path(), "first").unwrap();
        write("sql/b.sql", "SELECT 3;");
        let files = WorkTree::open(t.path()).unwrap();
        let read = |rel: &str| files.read(rel, crate::check::SQL, 1 << 20);
        assert_eq!(read("sql/a.sql").as_deref(), Some("SELECT 1;"));
        assert_eq!(files.state("sql/b.sql"), PathState::Untracked);
        assert_eq!(read("sql/b.sql"), None, "untracked");
        assert_eq!(files.state("notes/a.sql"), PathState::File);
        assert_eq!(read("notes/a.sql"), None, "tracked, but not under sql/");
        assert_eq!(read(".git/config"), None);
        assert_eq!(read("sql/../.git/config"), None);
    }

    #[test]
    fn classifies_by_folder() {
        assert_eq!(classify("entries/0001-a.md"), Some(Kind::Entry));
        assert_eq!(classify("releases/2019-03-07.md"), Some(Kind::Release));
        assert_eq!(classify("entries/sub/0001-a.md"), None);
        assert_eq!(classify("entries/notes.txt"), None);
        assert_eq!(classify("index.md"), None);
    }

    #[test]
    fn an_entry_with_many_mistakes_reports_them_all() {
        let text = "---\nid: 20\ntitel: x\nsystem: 小贷\ncategory: feture\npriority: high\nstatus: sit\nproposer: 琳琳\nproposed_on: 2019-13-01\ntests: {sit: {result: pass, dat: 2019-01-01}}\n---\nbody\n";
        let (parsed, diags) = parse(Kind::Entry, "content/entries/0020-x.md", text);
        let got: Vec<_> = diags
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.column))
            .collect();
        assert_eq!(
            got,
            [
                ("E0103", 3, 1),
                ("E0104", 1, 1),
                ("E0105", 5, 11),
                ("E0106", 9, 14),
                ("E0103", 10, 29)
            ],
            "{diags:#?}"
        );
        // Not usable as a whole, but kept in part for the rules on the keys that parsed.
        let Parsed::Partial(p) = parsed else {
            panic!("{parsed:?}")
        };
        let Parsed::Entry(e) = *p else { panic!() };
        assert_eq!(e.doc.failed, ["title", "category", "proposed_on"]);
        assert!(e.doc.has_failed("title") && !e.doc.has_failed("status"));
        assert_eq!((e.id, e.status), (20, crate::model::Status::Sit));
    }

    #[test]
    fn a_valid_entry_loads_with_positions() {
        let text = "---\nid: 20\ntitle: 还款文件\nsystem: 小贷\ncategory: feature\npriority: medium\nstatus: developing\nproposer: 琳琳\nproposed_on: 2019-03-01\ntechnical_solution: no\n---\n描述\n";
        let (parsed, diags) = parse(Kind::Entry, "content/entries/0020-x.md", text);
        assert!(diags.is_empty(), "{diags:?}");
        let Parsed::Entry(e) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(e.technical_solution, "no");
        assert_eq!(e.doc.locs.of("status"), Pos::new(7, 9));
        assert_eq!(e.body, "描述\n");
        assert_eq!(e.doc.body_line, 12);
    }
}
