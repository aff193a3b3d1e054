//! `opsledger build`: check, mine the history, render the site, put it in place when all of it
//! succeeded.

use super::history::{MineArgs, WalkerArg};
use super::{Outcome, out};
use crate::build::{self, Built, Phase};
use crate::report::Summary;
use crate::site::Progress;
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
    #[command(flatten)]
    pub mine: MineArgs,
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
            mine: MineArgs::default(),
            timings: false,
        }
    }
}

impl Args {
    /// The library's build options for the ledger at `dir`.
    pub fn options(&self, dir: &Path) -> build::Options {
        build::Options {
            out: self.target(dir),
            base_url: self.base_url.clone(),
            mine: self.mine.options(dir, WalkerArg::Auto),
            keep_unchanged: true,
        }
    }

    /// The output folder: `--out`, relative to the ledger.
    pub fn target(&self, dir: &Path) -> PathBuf {
        if self.out.is_absolute() {
            self.out.clone()
        } else {
            dir.join(&self.out)
        }
    }
}

/// Builds the site of the ledger at `dir` as `opsledger build` does: check, history, render,
/// write; prints the summary and where to open the site.
pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let started = std::time::Instant::now();
    // The build folders of killed `serve`s (a listing of `.opsledger/serve/`: cheap).
    crate::serve::folder::sweep(dir);
    let progress = spinner();
    let mut lap = (std::time::Instant::now(), None::<Phase>);
    let mut on_phase = |next: Phase| {
        if let (Some(prev), true) = (lap.1, args.timings) {
            eprintln!("{:>10}: {:.3}s", prev.name(), lap.0.elapsed().as_secs_f64());
        }
        lap = (std::time::Instant::now(), Some(next));
        progress.set_message(next.doing());
    };
    let on_progress = |p: Progress| match p {
        Progress::Pages(n) => {
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} pages",
            ) {
                progress.set_style(style.progress_chars("=> "));
            }
            progress.set_length(n as u64);
        }
        Progress::Page => progress.inc(1),
    };
    let built = build::build(dir, &args.options(dir), &mut on_phase, &on_progress);
    if let (Some(last), true) = (lap.1, args.timings) {
        eprintln!("{:>10}: {:.3}s", last.name(), lap.0.elapsed().as_secs_f64());
    }
    progress.finish_and_clear();
    let built = built?;
    match &built {
        Built::Failed { in_content, .. } => {
            let color = *in_content
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            out(&built.report(dir, color))?;
            if *in_content {
                eprintln!("error: the ledger has errors; nothing was written");
            } else {
                eprintln!("error: the site could not be rendered; nothing was written");
            }
            Ok(Outcome::ContentErrors)
        }
        Built::Site {
            pages,
            diagnostics,
            has_history,
            warnings,
        } => {
            super::warn(warnings);
            if !has_history {
                eprintln!(
                    "warning: {} is not a git repository: the site has no history",
                    dir.display()
                );
            }
            if Summary::of(diagnostics).warnings > 0 {
                out(&built.report(dir, false))?;
            }
            let target = args.target(dir);
            out(&format!(
                "built {pages} pages into {} in {:.2}s\nopen {}\n",
                target.display(),
                started.elapsed().as_secs_f64(),
                target.join("index.html").display()
            ))?;
            Ok(Outcome::Ok)
        }
    }
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
