//! `opsledger diff --base REF`: what a pull request does to the ledger, as Markdown for a
//! comment or as JSON, with what `check --base` finds. Exit 0 whatever it finds: it reports.

use super::{Outcome, out};
use crate::base::{self, Compared};
use crate::load;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The branch, tag or commit the change is compared with (e.g. `main`, `origin/main`).
    #[arg(long, value_name = "REF")]
    pub base: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let loaded = load::load(dir)?;
    let mut diags = crate::build::diagnostics(dir, &loaded)?;
    let a = crate::compare::compare(
        dir,
        &args.base,
        &loaded.ledger,
        &super::history::base_options(dir),
    )?;
    super::warn(&a.cache_warnings);
    diags.extend(a.diagnostics.iter().cloned());
    crate::diag::sort(&mut diags);
    let sql = a.repo.changed_since(&a.merge_base, "sql")?;
    let d = base::diff(&a.base, &loaded.ledger, &a.moves, &sql);
    let compared = Compared {
        base_ref: a.base_ref.clone(),
        base_commit: a.base_commit.clone(),
        merge_base: a.merge_base.clone(),
        head_commit: a.head.clone(),
    };
    let text = match args.format {
        DiffFormat::Markdown => base::markdown(&d, &compared, &diags),
        DiffFormat::Json => base::json(&d, &compared, &diags),
    };
    out(&text)?;
    Ok(Outcome::Ok)
}
