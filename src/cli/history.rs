//! `opsledger history [FILE]`: the history mined from git — one file's timeline, or a summary.

use super::{Outcome, out};
use crate::git::{Repo, Walker};
use crate::history::{self, MineOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A content file (e.g. content/entries/0020-repayment-file.md); none: a summary.
    pub file: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: HistoryFormat,
    /// Which history walker to use.
    #[arg(long, value_enum, default_value = "auto")]
    pub walker: WalkerArg,
    #[command(flatten)]
    pub mine: MineArgs,
}

/// The history flags of every command that mines it (`history`, `build`, `serve`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MineArgs {
    /// Use the history a shallow clone has, instead of refusing it.
    #[arg(long)]
    pub allow_shallow: bool,
    /// Where the history cache lives (default: .opsledger/cache in the ledger).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Mine from scratch, without reading or writing the cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl MineArgs {
    /// The mining options of the ledger at `dir` (relative cache paths are relative to the
    /// current directory, as every path flag).
    pub fn options(&self, dir: &Path, walker: WalkerArg) -> MineOptions {
        MineOptions {
            walker: walker.into(),
            allow_shallow: self.allow_shallow,
            cache_dir: (!self.no_cache).then(|| {
                self.cache_dir
                    .clone()
                    .unwrap_or_else(|| dir.join(".opsledger/cache"))
            }),
        }
    }
}

/// How `check --base` and `diff --base` mine: only the commits of the range matter (and, for
/// an entry on hold at the merge base, the commit that put it on hold), so a shallow clone's
/// partial history will do.
pub fn base_options(dir: &Path) -> MineOptions {
    MineArgs {
        allow_shallow: true,
        ..Default::default()
    }
    .options(dir, WalkerArg::Auto)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WalkerArg {
    Auto,
    Git,
    Libgit2,
}

impl From<WalkerArg> for Walker {
    fn from(w: WalkerArg) -> Walker {
        match w {
            WalkerArg::Auto => Walker::Auto,
            WalkerArg::Git => Walker::GitBinary,
            WalkerArg::Libgit2 => Walker::Libgit2,
        }
    }
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let Some(repo) = Repo::open(dir)? else {
        eprintln!(
            "warning: {} is not a git repository: there is no history",
            dir.display()
        );
        return Ok(Outcome::Ok);
    };
    let opts = args.mine.options(dir, args.walker);
    let h = history::mine(dir, &repo, &opts)?;
    // Warnings about the history go to stderr: stdout may be JSON.
    if !h.warnings.is_empty() {
        eprint!(
            "{}",
            crate::report::render(&h.warnings, crate::report::Format::Human, &|_| None, false)
        );
    }
    super::warn(&h.cache_warnings);
    let text = match (&args.file, args.format) {
        (Some(f), HistoryFormat::Json) => serde_json::to_string_pretty(&h.of(f))? + "\n",
        (None, HistoryFormat::Json) => serde_json::to_string_pretty(&h)? + "\n",
        (Some(f), HistoryFormat::Text) => match h.of(f) {
            Some(t) => timeline_text(t),
            None => {
                return Err(crate::Error::Usage(format!(
                    "no history for `{f}` (paths are relative to the ledger, e.g. content/entries/0020-x.md)"
                )));
            }
        },
        (None, HistoryFormat::Text) => {
            let steps: usize = h.files.values().map(|t| t.steps.len()).sum();
            format!(
                "{} files, {} changes{}{}\n",
                h.files.len(),
                steps,
                h.head
                    .as_deref()
                    .map(|c| format!(", HEAD {}", &c[..c.len().min(12)]))
                    .unwrap_or_default(),
                if h.partial {
                    " (partial: shallow clone)"
                } else {
                    ""
                }
            )
        }
    };
    out(&text)?;
    Ok(Outcome::Ok)
}

fn timeline_text(t: &history::Timeline) -> String {
    let mut s = String::new();
    for step in &t.steps {
        let who = if step.working_tree {
            "working tree".to_owned()
        } else {
            format!(
                "{} {} {}",
                &step.commit[..step.commit.len().min(10)],
                step.time,
                step.author
            )
        };
        s.push_str(&format!(
            "{who}  {}\n",
            step.message.lines().next().unwrap_or("")
        ));
        if !step.working_tree && step.landed_commit != step.commit {
            s.push_str(&format!(
                "    landed in {} at {}\n",
                &step.landed_commit[..step.landed_commit.len().min(10)],
                step.landed_time
            ));
        }
        for c in &step.changes {
            s.push_str(&format!(
                "    {}: {} → {}\n",
                c.field,
                short(&c.from),
                short(&c.to)
            ));
        }
        if step.body_changed {
            s.push_str("    (description changed)\n");
        }
        if let Some(n) = &step.note {
            s.push_str(&format!("    note: {n}\n"));
        }
    }
    s
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) if s.is_empty() => "∅".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "∅".into(),
        v => v.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
