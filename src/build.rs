//! The whole build of a site, as `opsledger build` and `opsledger serve` run it: load, check,
//! mine the history, render, and put the site in place only when all of it succeeded. It never
//! prints: it reports phases through a
//! callback and returns what happened, for the caller to show.

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::git::Repo;
use crate::history::{self, History, MineOptions};
use crate::load::{self, Loaded, WorkTree};
use crate::report::{self, Format, Summary};
use crate::site::{self, Progress, SiteInput};
use crate::theme::Theme;
use std::path::{Path, PathBuf};

/// What a build needs besides the ledger.
#[derive(Debug, Clone)]
pub struct Options {
    /// The output folder (absolute, or relative to the current directory).
    pub out: PathBuf,
    /// Overrides `base_url` of opsledger.toml.
    pub base_url: Option<String>,
    pub mine: MineOptions,
    /// Keep the pages whose inputs did not change since the last build into `out` without
    /// rendering them (recorded in the history's cache folder, so not without a cache).
    pub keep_unchanged: bool,
}

/// A phase of the build, reported as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Checking the content while mining the history.
    Read,
    Render,
    Write,
}

impl Phase {
    /// What the phase does, for a progress line.
    pub fn doing(self) -> &'static str {
        match self {
            Phase::Read => "checking and reading history from git",
            Phase::Render => "rendering",
            Phase::Write => "writing",
        }
    }

    /// The phase's name, for timings.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Read => "check+history",
            Phase::Render => "render",
            Phase::Write => "write",
        }
    }
}

/// How a build ended.
#[derive(Debug)]
pub enum Built {
    /// The site was written; `diagnostics` holds the warnings.
    Site {
        pages: usize,
        diagnostics: Vec<Diagnostic>,
        /// False when the ledger is not a git repository (the site has no history).
        has_history: bool,
        /// What the user should know about the history cache (it was broken and rebuilt).
        warnings: Vec<String>,
    },
    /// Nothing was written: the ledger (or the theme) has errors.
    Failed {
        diagnostics: Vec<Diagnostic>,
        /// Whether the diagnostics point into content files (their lines can be shown).
        in_content: bool,
        max_file_size: u64,
    },
}

impl Built {
    /// The diagnostics as the human format shows them (with the source lines of content files).
    pub fn report(&self, dir: &Path, color: bool) -> String {
        let (diags, limit) = match self {
            Built::Site { diagnostics, .. } => (diagnostics, None),
            Built::Failed {
                diagnostics,
                in_content,
                max_file_size,
            } => (diagnostics, in_content.then_some(*max_file_size)),
        };
        match limit {
            Some(limit) => {
                let read = |rel: &str| load::read_for_display(dir, rel, limit);
                report::render(diags, Format::Human, &read, color)
            }
            None => report::render(diags, Format::Human, &|_| None, color),
        }
    }
}

/// The diagnostics of loading and checking the work tree and its theme, sorted. When
/// `opsledger.toml` has errors (the theme it names included) they are all there is: content is
/// not judged against a configuration that did not load, where every entry would echo it
/// (a broken `[[systems]]` makes each entry's system "not declared").
pub fn diagnostics(dir: &Path, loaded: &Loaded) -> Result<Vec<Diagnostic>> {
    Ok(diagnostics_in(dir, loaded, &WorkTree::open(dir)?).0)
}

/// [`diagnostics`] with the work tree's files already known, and the theme they were checked
/// with (loaded once: a build renders with it).
fn diagnostics_in(dir: &Path, loaded: &Loaded, files: &WorkTree) -> (Vec<Diagnostic>, Theme) {
    let (theme, theme_diags) = Theme::load(dir, &loaded.config.theme, theme_at(&loaded.config));
    let mut diags: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .chain(&theme_diags)
        .filter(|d| d.file == crate::config::FILE)
        .cloned()
        .collect();
    if config_failed(&diags) {
        crate::diag::sort(&mut diags);
        return (diags, theme);
    }
    let mut diags = loaded.diagnostics.clone();
    diags.extend(crate::check::check(&loaded.config, &loaded.ledger, files));
    diags.extend(theme_diags);
    diags.extend(theme.check());
    crate::diag::sort(&mut diags);
    (diags, theme)
}

/// Whether `diags` hold an error in opsledger.toml: then they are all [`diagnostics`] reports.
pub fn config_failed(diags: &[Diagnostic]) -> bool {
    diags
        .iter()
        .any(|d| d.file == crate::config::FILE && d.severity == crate::diag::Severity::Error)
}

/// Where opsledger.toml names the theme (the top of the file when it does not).
fn theme_at(config: &crate::config::Config) -> crate::diag::Pos {
    config.locs.of("theme")
}

/// The history of the repository at `dir` (empty when it is not a git repository), the HEAD
/// commit's time, and whether there is a repository.
fn mine(dir: &Path, opts: &MineOptions) -> Result<(History, Option<String>, bool)> {
    let Some(repo) = Repo::open(dir)? else {
        return Ok((History::default(), None, false));
    };
    let history = history::mine(dir, &repo, opts)?;
    let at = match &history.head {
        Some(h) => {
            let (secs, off) = repo.commit_time(h)?;
            Some(history::rfc3339(secs, off))
        }
        None => None,
    };
    Ok((history, at, true))
}

/// Builds the site of the ledger at `dir` into `opts.out`. `phase` is called as each phase
/// starts, `progress` as pages are written. The previous output is replaced only when
/// everything succeeded.
pub fn build(
    dir: &Path,
    opts: &Options,
    phase: &mut dyn FnMut(Phase),
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Built> {
    crate::paths::check_out(dir, &opts.out, "the site", "public")?;
    if let Some(cache) = &opts.mine.cache_dir {
        crate::paths::ensure_real_folder(dir, cache, "the history cache")?;
    }
    if let Some(url) = &opts.base_url {
        crate::config::check_base_url(url).map_err(|why| {
            crate::Error::Usage(format!(
                "--base-url {why}; {}",
                crate::config::BASE_URL_HELP
            ))
        })?;
    }
    phase(Phase::Read);
    // The content is checked while the history is mined and the previous output is read:
    // none needs the others, and a failed check only wastes mining that the cache keeps for the
    // next run. Pages go to a temporary folder as they are rendered; it replaces the output only
    // when everything succeeded (dropping `staging` removes it).
    let record = opts
        .mine
        .cache_dir
        .as_deref()
        .filter(|_| opts.keep_unchanged);
    let (checked, (mined, staging)) = rayon::join(
        || {
            let loaded = load::load(dir)?;
            let files = WorkTree::open(dir)?;
            let (diags, theme) = diagnostics_in(dir, &loaded, &files);
            Ok::<_, crate::Error>((loaded, diags, files, theme))
        },
        || {
            rayon::join(
                || mine(dir, &opts.mine),
                || site::output::Staging::new(&opts.out, record),
            )
        },
    );
    let (loaded, mut diags, files, mut theme) = checked?;
    if Summary::of(&diags).errors > 0 {
        return Ok(Built::Failed {
            diagnostics: diags,
            in_content: true,
            max_file_size: loaded.config.max_file_size,
        });
    }
    let (mut history, generated_at, has_history) = mined?;
    // Warnings about the history (odd commits) are the build's warnings too.
    diags.extend(history.warnings.iter().cloned());
    crate::diag::sort(&mut diags);
    phase(Phase::Render);
    let base_url =
        crate::config::with_slash(opts.base_url.as_deref().unwrap_or(&loaded.config.base_url));
    let today = generated_at
        .as_deref()
        .and_then(|t| site::views::local_date(&loaded.config, t));
    let limit = loaded.config.max_file_size;
    // Only what passed the path rule of `check` is read: a file git tracks, under sql/.
    let read = |rel: &str| files.read(rel, crate::check::SQL, limit);
    let input = SiteInput {
        config: &loaded.config,
        ledger: &loaded.ledger,
        history: &history,
        generated_at,
        today,
        base_url,
        read: &read,
        seats: Default::default(),
        moves: Default::default(),
        progress,
    };
    let staging = staging?;
    let pages = match site::build_into(&input, &mut theme, &staging)? {
        Ok(n) => n,
        Err(diagnostics) => {
            return Ok(Built::Failed {
                diagnostics,
                in_content: false,
                max_file_size: limit,
            });
        }
    };
    phase(Phase::Write);
    staging.commit()?;
    // Freeing a large ledger and its history takes a good part of a second: it is done on
    // another thread, which a command that exits next does not wait for.
    drop(input);
    let warnings = std::mem::take(&mut history.cache_warnings);
    std::thread::spawn(move || drop((history, loaded.ledger, theme)));
    Ok(Built::Site {
        pages,
        diagnostics: diags,
        has_history,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn options(out: PathBuf) -> Options {
        Options {
            out,
            base_url: None,
            mine: MineOptions::default(),
            keep_unchanged: true,
        }
    }

    #[test]
    fn the_example_builds_reporting_phases_and_every_page() {
        let t = tempfile::tempdir().unwrap();
        crate::scaffold::write_example(t.path()).unwrap();
        let (total, written) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let progress = |p: Progress| match p {
            Progress::Pages(n) => total.store(n, Ordering::SeqCst),
            Progress::Page => {
                written.fetch_add(1, Ordering::SeqCst);
            }
        };
        let mut phases = Vec::new();
        let built = build(
            t.path(),
            &options(t.path().join("public")),
            &mut |p| phases.push(p),
            &progress,
        )
        .unwrap();
        let Built::Site { pages, .. } = built else {
            panic!("the example does not build: {built:?}");
        };
        assert_eq!(phases, [Phase::Read, Phase::Render, Phase::Write]);
        assert!(pages > 50, "{pages}");
        assert_eq!(total.load(Ordering::SeqCst), pages);
        assert_eq!(written.load(Ordering::SeqCst), pages);
        assert!(t.path().join("public/entries/20/index.html").is_file());
    }

    #[test]
    fn content_errors_are_diagnostics_and_nothing_is_written() {
        let t = tempfile::tempdir().unwrap();
        crate::scaffold::write_example(t.path()).unwrap();
        let entry = t.path().join("content/entries/0020-repayment-file.md");
        std::fs::write(&entry, "---\nid: [\n---\n").unwrap();
        let built = build(
            t.path(),
            &options(t.path().join("public")),
            &mut |_| {},
            &|_| {},
        );
        let Ok(Built::Failed {
            diagnostics,
            in_content: true,
            ..
        }) = &built
        else {
            panic!("{built:?}");
        };
        assert!(!diagnostics.is_empty());
        assert!(!t.path().join("public").exists());
        let report = built.unwrap().report(t.path(), false);
        assert!(
            report.contains("content/entries/0020-repayment-file.md:2:"),
            "{report}"
        );
    }

    #[test]
    fn an_output_over_the_ledger_is_refused() {
        let t = tempfile::tempdir().unwrap();
        crate::scaffold::write_example(t.path()).unwrap();
        for out in [t.path().to_path_buf(), t.path().join("content")] {
            let err = build(t.path(), &options(out), &mut |_| {}, &|_| {}).unwrap_err();
            assert!(err.to_string().contains("own files"), "{err}");
        }
    }
}
