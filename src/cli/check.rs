//! `opsledger check [--base REF]`: load, check, report. With `--base`, also the changes since
//! the merge base of REF and HEAD ([`crate::compare`]), which `diff` reports too.

use super::{Outcome, out};
use crate::load;
use crate::report::{self, Format, Summary};
use std::io::IsTerminal;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also check the changes since REF (a branch, tag or commit; e.g. `main`,
    /// `origin/main`): status moves, ids taken on REF meanwhile, edits to released documents.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let loaded = load::load(dir)?;
    let mut diags = crate::build::diagnostics(dir, &loaded)?;
    // Like the content, the changes are not judged while opsledger.toml does not load.
    let against = match &args.base {
        Some(r) if !crate::build::config_failed(&diags) => {
            let c = crate::compare::compare(
                dir,
                r,
                &loaded.ledger,
                &super::history::base_options(dir),
            )?;
            super::warn(&c.cache_warnings);
            Some(c)
        }
        _ => None,
    };
    if let Some(a) = &against {
        diags.extend(a.diagnostics.iter().cloned());
        crate::diag::sort(&mut diags);
    }
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
        if let Some(a) = &against {
            text.push_str(&format!(
                "ok: the changes since `{}` ({}) follow the workflow\n",
                a.base_ref,
                super::count(a.commits, "commit")
            ));
        }
    }
    out(&text)?;
    // The process ends next: freeing ten thousand documents one by one would only cost time.
    std::mem::forget(loaded);
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        Outcome::ContentErrors
    } else {
        Outcome::Ok
    })
}
