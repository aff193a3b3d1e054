//! `opsledger check`: load, check, report.

use super::{Outcome, out};
use crate::load::{self, WorkTree};
use crate::report::{self, Format, Summary};
use std::io::IsTerminal;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let loaded = load::load(dir)?;
    let mut diags = loaded.diagnostics;
    diags.extend(crate::check::check(
        &loaded.config,
        &loaded.ledger,
        &WorkTree::new(dir),
    ));
    crate::diag::sort(&mut diags);
    let limit = loaded.config.max_file_size;
    let source = |rel: &str| load::read_for_display(dir, rel, limit);
    let color = args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let summary = Summary::of(&diags);
    let mut text = report::render(&diags, args.format, &source, color);
    if args.format == Format::Human && diags.is_empty() {
        let l = &loaded.ledger;
        text = format!(
            "ok: {}, {}, {}, {}\n",
            super::count(l.entries.len(), "entry"),
            super::count(l.requirements.len(), "requirement"),
            super::count(l.releases.len(), "release"),
            super::count(l.runbooks.len(), "runbook")
        );
    }
    out(&text)?;
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        Outcome::ContentErrors
    } else {
        Outcome::Ok
    })
}
