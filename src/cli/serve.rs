//! `opsledger serve [--port N] [--open]`: builds the site into `.opsledger/serve/<port>/`,
//! serves it on 127.0.0.1, rebuilds when `content/`, `sql/`, the config, the theme or the git history
//! changes (the history cache makes that a matter of milliseconds), and reloads the open pages.
//! A failed rebuild shows its diagnostics in the browser over the last good site. Ctrl-C or
//! SIGTERM stops it; however it ends, its folder is removed, and a folder a killed server left
//! (`kill -9`) is removed by the next `serve` or `build`.

use super::history::{MineArgs, WalkerArg};
use super::{Outcome, out};
use crate::build::{self, Built};
use crate::error::Error;
use crate::serve::folder::{self, Held};
use crate::serve::{Live, server::Server, watch::Watcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub mine: MineArgs,
}

impl Args {
    /// The options of a plain `opsledger serve` (for `demo --serve`).
    pub fn defaults() -> Args {
        Args {
            port: 1111,
            open: false,
            mine: MineArgs::default(),
        }
    }
}

pub fn run(dir: &Path, args: &Args) -> crate::Result<Outcome> {
    // Not a ledger at all is a usage error, not something to show in a browser.
    crate::load::load_config(dir)?;
    let live = Arc::new(Live::new());
    let server = Server::start(args.port, Arc::clone(&live))?;
    let url = format!("http://{}/", server.addr);
    // One folder per port: two servers of one ledger never share their builds.
    let root = folder::parent(dir).join(server.addr.port().to_string());
    crate::paths::ensure_real_folder(dir, &root, "the live preview's builds")?;
    // What killed servers left goes; this server's folder is locked while it runs.
    folder::sweep(dir);
    let _folder = Held::claim(&root)?;
    let stop = on_signal()?;
    // Watching starts before the first build, so no edit made during it is missed.
    let mut watcher = Watcher::new(dir)?;
    let mut builder = Builder {
        dir,
        root,
        live: &live,
        opts: build::Options {
            out: PathBuf::new(),
            base_url: Some(url.clone()),
            mine: args.mine.options(dir, WalkerArg::Auto),
            // Every build goes to a new folder, which nothing could be kept from.
            keep_unchanged: false,
        },
        builds: 0,
    };
    builder.rebuild("")?;
    out(&format!("serving {url} (Ctrl-C to stop)\n"))?;
    if args.open {
        open_browser(&url);
    }
    // Short waits, so a signal is seen soon.
    while !stop.load(Ordering::SeqCst) {
        if let Some(changed) = watcher.next(Duration::from_millis(200))? {
            let why = match changed.as_slice() {
                [one] => format!(" after {} changed", one.display()),
                many => format!(" after {} files changed", many.len()),
            };
            builder.rebuild(&why)?;
        }
    }
    server.stop();
    eprintln!("stopped; removing {}", builder.root.display());
    Ok(Outcome::Ok)
}

/// A flag raised by Ctrl-C, SIGTERM or SIGHUP, which the loop of [`run`] stops at (after the
/// build under way, so the folder is not removed under it). A second signal ends the process at
/// once.
fn on_signal() -> crate::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    })
    .map_err(|e| Error::Serve(format!("cannot handle Ctrl-C: {e}")))?;
    Ok(stop)
}

/// Builds versions `site-1`, `site-2`, … of the site; the server follows the last good one.
struct Builder<'a> {
    dir: &'a Path,
    root: PathBuf,
    live: &'a Live,
    opts: build::Options,
    builds: u64,
}

impl Builder<'_> {
    fn rebuild(&mut self, why: &str) -> crate::Result<()> {
        let started = Instant::now();
        self.builds += 1;
        self.opts.out = self.root.join(format!("site-{}", self.builds));
        match build::build(self.dir, &self.opts, &mut |_| {}, &|_| {}) {
            Ok(Built::Site {
                pages, warnings, ..
            }) => {
                super::warn(&warnings);
                self.live.publish_site(&self.opts.out);
                // The version before the last good one is no longer served.
                if let Some(old) = self.builds.checked_sub(2) {
                    let _ = std::fs::remove_dir_all(self.root.join(format!("site-{old}")));
                }
                out(&format!(
                    "built {pages} pages in {:.2}s{why}\n",
                    started.elapsed().as_secs_f64()
                ))
            }
            Ok(failed) => {
                let report = failed.report(self.dir, false);
                self.live.publish_error(&report);
                out(&report)?;
                eprintln!("error: the ledger does not build{why}; serving the last good site");
                Ok(())
            }
            Err(e) => {
                self.live.publish_error(&format!("error: {e}"));
                eprintln!("error: {e}; serving the last good site");
                Ok(())
            }
        }
    }
}

/// Opens `url` in the default browser; a failure is only a warning.
fn open_browser(url: &str) {
    let (program, pre): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(program)
        .args(pre)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: cannot open a browser ({program}: {e}); open {url}");
    }
}
