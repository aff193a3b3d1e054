//! `opsledger import FILE.xlsx|FILE.csv [--dry-run] [--sheet NAME]`: the team's spreadsheet →
//! entry files, one per row ([`crate::import`]). Exit 0 when every row is imported, 1 when a
//! row is refused (the others are still written), 2 when the file cannot be read.

use super::{Outcome, count, out};
use crate::import::{self, Plan};
use crate::load;
use crate::report::{self, Format, Summary};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spreadsheet: .xlsx, or .csv in UTF-8; a header row, then one entry per row. A relative
    /// path is taken from the ledger repository (-C).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Show what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The worksheet of an .xlsx to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let loaded = load::load(dir)?;
    let path = if args.file.is_absolute() {
        args.file.clone()
    } else {
        dir.join(&args.file)
    };
    let name = args.file.display().to_string();
    let sheet = import::read(&path, &name, args.sheet.as_deref())?;
    let elsewhere = match crate::git::Repo::open(dir)? {
        Some(repo) => repo.names_on_branches("content/entries")?,
        None => Vec::new(),
    };
    let files = load::WorkTree::open(dir)?;
    let mut plan = import::plan(dir, &files, &loaded, &sheet, &elsewhere);
    let written = if args.dry_run {
        Vec::new()
    } else {
        import::write(dir, &mut plan)?
    };
    let color = args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let report = report::render(&plan.diagnostics, args.format, &|_| None, color);
    let text = match args.format {
        Format::Json => json(report, &plan, &written, args.dry_run)?,
        _ => format!("{report}{}", human(&plan, &written, args.dry_run)),
    };
    out(&text)?;
    Ok(if Summary::of(&plan.diagnostics).errors > 0 {
        Outcome::ContentErrors
    } else {
        Outcome::Ok
    })
}

/// The files written (or, on a dry run, each file and its text), then one summary line.
fn human(plan: &Plan, written: &[String], dry_run: bool) -> String {
    let mut s = String::new();
    for p in &plan.files {
        if p.unchanged {
            s.push_str(&format!(
                "unchanged {} (row {}): imported before\n",
                p.path, p.row
            ));
        } else if dry_run {
            s.push_str(&format!(
                "would write {} (row {}):\n{}\n",
                p.path, p.row, p.text
            ));
        } else if written.contains(&p.path) {
            s.push_str(&format!("wrote {} (row {})\n", p.path, p.row));
        }
    }
    let new = plan.files.iter().filter(|p| !p.unchanged).count();
    let unchanged = plan.files.len() - new;
    let verb = if dry_run { "would import" } else { "imported" };
    let mut line = format!("{verb} {} of {}", new, count(plan.rows, "row"));
    if unchanged > 0 {
        line.push_str(&format!(", {unchanged} imported before"));
    }
    if !plan.refused.is_empty() {
        // The first rows by number; a sheet of thousands of bad rows is not one long line.
        const SHOWN: usize = 20;
        let mut rows: Vec<String> = plan
            .refused
            .iter()
            .take(SHOWN)
            .map(u32::to_string)
            .collect();
        if plan.refused.len() > SHOWN {
            rows.push("…".into());
        }
        line.push_str(&format!(
            "; refused {}: {} {}",
            plan.refused.len(),
            if plan.refused.len() == 1 {
                "row"
            } else {
                "rows"
            },
            rows.join(", ")
        ));
    }
    s.push_str(&line);
    s.push('\n');
    if dry_run {
        s.push_str("dry run: nothing was written\n");
    } else if !plan.refused.is_empty() && new + unchanged > 0 {
        s.push_str(
            "fix the refused rows and import the file again: the rows imported now are left as they are\n",
        );
    }
    s
}

/// `check --format json`'s document with an `import` object: what was (or would be) written.
fn json(report: String, plan: &Plan, written: &[String], dry_run: bool) -> crate::Result<String> {
    let mut doc: serde_json::Value = serde_json::from_str(&report)?;
    let files: Vec<serde_json::Value> = plan
        .files
        .iter()
        .map(|p| {
            let state = if p.unchanged {
                "unchanged"
            } else if written.contains(&p.path) {
                "written"
            } else {
                "planned"
            };
            serde_json::json!({"row": p.row, "path": p.path, "state": state})
        })
        .collect();
    doc["import"] = serde_json::json!({
        "file": plan.file,
        "dry_run": dry_run,
        "rows": plan.rows,
        "files": files,
        "refused_rows": plan.refused,
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}
