//! `opsledger init [DIR]`: write the example ledger repository.

use super::{Outcome, out};
use crate::{git, scaffold};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the ledger, relative to -C (default: the -C directory itself).
    #[arg(id = "target", value_name = "DIR")]
    pub target: Option<PathBuf>,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let target = match &args.target {
        Some(d) if d.is_relative() => dir.join(d),
        Some(d) => d.clone(),
        None => dir.to_path_buf(),
    };
    std::fs::create_dir_all(&target).map_err(|e| crate::Error::io(&target, e))?;
    let report = scaffold::write_example(&target)?;
    let committed = git::init_and_commit(&target, "opsledger init: example ledger")?;
    let mut text = format!(
        "wrote {} files into {}\n",
        report.written.len(),
        target.display()
    );
    if !report.kept.is_empty() {
        text.push_str(&format!(
            "kept {} existing files untouched: {}\n",
            report.kept.len(),
            report.kept.join(", ")
        ));
    }
    if !report.ignored.is_empty() {
        text.push_str(&format!(
            "added to .gitignore: {}\n",
            report.ignored.join(", ")
        ));
    }
    if !report.behind_links.is_empty() {
        text.push_str(&format!(
            "did not write {} files behind a folder that is a symbolic link: {}\n",
            report.behind_links.len(),
            report.behind_links.join(", ")
        ));
    }
    if committed {
        text.push_str("created a git repository and committed the example\n");
    }
    text.push_str(&format!("next: opsledger -C {} check\n", target.display()));
    out(&text)?;
    Ok(Outcome::Ok)
}
