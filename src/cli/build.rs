//! `opsledger build`: check, mine the history, render the site, write it atomically.

use super::history::{WalkerArg, options};
use super::{Outcome, out};
use crate::git::Repo;
use crate::load;
use crate::report::{self, Format, Summary};
use crate::site::{self, SiteInput};
use crate::theme::Theme;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the site (relative to -C).
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub out: PathBuf,
    /// The site's base URL (default: `base_url` of opsledger.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Build with the history a shallow clone has, instead of refusing it.
    #[arg(long)]
    pub allow_shallow: bool,
    /// Where the history cache lives (default: .opsledger/cache in the ledger).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Mine the history from scratch, without the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Print how long each phase took (to stderr).
    #[arg(long)]
    pub timings: bool,
}

impl Args {
    /// The options of a plain `opsledger build` (for commands that build a site, like `demo`).
    pub fn defaults() -> Args {
        Args {
            out: PathBuf::from("public"),
            base_url: None,
            allow_shallow: false,
            cache_dir: None,
            no_cache: false,
            timings: false,
        }
    }
}

/// Builds the site of the ledger at `dir` as `opsledger build` does: check, history, render,
/// write; prints the summary and where to open the site.
pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let started = std::time::Instant::now();
    let mut phase = started;
    let mut lap = |name: &str| {
        if args.timings {
            eprintln!("{name:>10}: {:.3}s", phase.elapsed().as_secs_f64());
        }
        phase = std::time::Instant::now();
    };
    let progress = spinner();
    progress.set_message("loading");
    let loaded = load::load(dir)?;
    let diags = super::check::diagnostics(dir, &loaded);
    let (mut theme, _) = Theme::load(dir, &loaded.config.theme);
    lap("check");
    let limit = loaded.config.max_file_size;
    let read = |rel: &str| load::read_for_display(dir, rel, limit);
    if Summary::of(&diags).errors > 0 {
        progress.finish_and_clear();
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        out(&report::render(&diags, Format::Human, &read, color))?;
        eprintln!("error: the ledger has errors; nothing was written");
        return Ok(Outcome::ContentErrors);
    }
    let (history, generated_at) = match Repo::open(dir)? {
        Some(repo) => {
            progress.set_message("reading history from git");
            let opts = options(
                dir,
                WalkerArg::Auto,
                args.allow_shallow,
                args.cache_dir.as_deref(),
                args.no_cache,
            );
            let history = crate::history::mine(dir, &repo, &opts)?;
            let at = match &history.head {
                Some(h) => {
                    let (secs, off) = repo.commit_time(h)?;
                    Some(crate::history::rfc3339(secs, off))
                }
                None => None,
            };
            (history, at)
        }
        None => {
            eprintln!(
                "warning: {} is not a git repository: the site has no history",
                dir.display()
            );
            (crate::history::History::default(), None)
        }
    };
    lap("history");
    let mut base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| loaded.config.base_url.clone());
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    progress.set_message("rendering");
    let today = generated_at
        .as_deref()
        .and_then(|t| site::views::local_date(&loaded.config, t));
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
    };
    let target = if args.out.is_absolute() {
        args.out.clone()
    } else {
        dir.join(&args.out)
    };
    // Pages go to a temporary folder as they are rendered; it replaces the output only when
    // everything succeeded (dropping `staging` removes it).
    let staging = site::output::Staging::new(&target)?;
    let pages = match site::build_into(&input, &mut theme, &staging) {
        Ok(n) => n,
        Err(diags) => {
            progress.finish_and_clear();
            out(&report::render(&diags, Format::Human, &|_| None, false))?;
            eprintln!("error: the site could not be rendered; nothing was written");
            return Ok(Outcome::ContentErrors);
        }
    };
    lap("render");
    progress.set_message("writing");
    staging.commit()?;
    lap("swap");
    progress.finish_and_clear();
    let warnings = Summary::of(&diags).warnings;
    if warnings > 0 {
        out(&report::render(&diags, Format::Human, &read, false))?;
    }
    out(&format!(
        "built {pages} pages into {} in {:.2}s\nopen {}\n",
        target.display(),
        started.elapsed().as_secs_f64(),
        target.join("index.html").display()
    ))?;
    Ok(Outcome::Ok)
}

/// A spinner on stderr when it is a terminal; hidden otherwise.
fn spinner() -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let p = indicatif::ProgressBar::new_spinner();
        p.enable_steady_tick(std::time::Duration::from_millis(120));
        p
    } else {
        indicatif::ProgressBar::hidden()
    }
}
