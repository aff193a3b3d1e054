//! `opsledger demo [--out DIR] [--serve]`: writes the example ledger as a git repository whose
//! history replays a month of the team's work (see [`crate::demo`]), builds its site the way
//! `opsledger build` does, and says where to open it — or, with `--serve`, serves it as
//! `opsledger serve` does.

use super::{Outcome, out};
use crate::error::Error;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the demo ledger (relative to -C); must not exist or be empty.
    #[arg(long, value_name = "DIR", default_value = "opsledger-demo")]
    pub out: PathBuf,
    /// Serve the site after building it, as `opsledger serve` does (and rebuild on change).
    #[arg(long)]
    pub serve: bool,
    /// With --serve: the port to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 1111, requires = "serve")]
    pub port: u16,
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    let target = if args.out.is_absolute() {
        args.out.clone()
    } else {
        dir.join(&args.out)
    };
    // Into a ledger, the demo never goes over its own files.
    if dir.join(crate::config::FILE).is_file() {
        crate::paths::check_out(dir, &target, "the demo", "opsledger-demo")?;
    }
    if target.exists() || target.is_symlink() {
        let empty = target.is_dir()
            && std::fs::read_dir(&target)
                .map_err(|e| Error::io(&target, e))?
                .next()
                .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "{} already exists and is not empty; the demo needs a new or empty folder \
                 (pass --out DIR to write it elsewhere)",
                target.display()
            )));
        }
    }
    let made = !target.exists();
    std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
    // A demo that fails (a full disk) takes back what it wrote: the folder it made, or what it
    // put into the empty folder it was given.
    let written = write(&target, args);
    if written.is_err() {
        undo(&target, made);
    }
    written
}

/// Writes the demo ledger into `target` and builds or serves it.
fn write(target: &Path, args: &Args) -> crate::Result<Outcome> {
    let script = crate::demo::script()?;
    let replayed = crate::demo::replay(target, &script)?;
    out(&format!(
        "wrote the example ledger into {} with a month of history: {} commits ({} merges of \
         pull requests), HEAD {}\n",
        target.display(),
        replayed.commits,
        replayed.merges,
        &replayed.head[..12]
    ))?;
    if args.serve {
        let serve = super::serve::Args {
            port: args.port,
            ..super::serve::Args::defaults()
        };
        return super::serve::run(target, &serve);
    }
    super::build::run(target, &super::build::Args::defaults())
}

/// Removes what a failed demo wrote: `target` itself when the demo `made` it, else what is in
/// it (it was empty). Best effort: the failure is reported either way.
fn undo(target: &Path, made: bool) {
    if made {
        let _ = std::fs::remove_dir_all(target);
        return;
    }
    for item in std::fs::read_dir(target).into_iter().flatten().flatten() {
        let _ = crate::paths::clear(&item.path());
    }
}
