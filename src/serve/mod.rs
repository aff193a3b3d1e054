//! `opsledger serve`'s machinery: the state the browser follows ([`Live`]: the last good site,
//! the last failure), the HTTP server on loopback ([`server`], answering with [`http`] the
//! requests [`request`] lets in), the watcher of the ledger's inputs ([`watch`]) and the
//! locked folders the builds go to ([`folder`]). It never prints and never builds: the caller rebuilds when the watcher
//! says so and publishes the outcome here.

pub mod folder;
pub mod http;
pub mod request;
pub mod server;
pub mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What the server shows: the folder of the last good build and, when the newest build failed,
/// its diagnostics. Every publication bumps the version the browsers wait on.
#[derive(Debug, Default)]
pub struct Live {
    state: Mutex<State>,
    changed: Condvar,
}

/// A snapshot of [`Live`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Bumped by every publication.
    pub version: u64,
    /// The version of the last good build (what the served pages are).
    pub site_version: u64,
    /// The folder of the last good build.
    pub site: Option<PathBuf>,
    /// The diagnostics of the newest build when it failed (plain text).
    pub error: Option<String>,
}

impl Live {
    pub fn new() -> Live {
        Live::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a consistent state (every update is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current state.
    pub fn snapshot(&self) -> State {
        self.lock().clone()
    }

    /// A good build in `site`: serve it, clear the failure, reload the browsers.
    pub fn publish_site(&self, site: &Path) {
        let mut s = self.lock();
        s.version += 1;
        s.site_version = s.version;
        s.site = Some(site.to_path_buf());
        s.error = None;
        self.changed.notify_all();
    }

    /// A failed build: keep serving the last good site, show `report` in the browsers.
    pub fn publish_error(&self, report: &str) {
        let mut s = self.lock();
        s.version += 1;
        s.error = Some(report.to_string());
        self.changed.notify_all();
    }

    /// Waits until the version is above `since` or `timeout` passed; returns the state then.
    pub fn wait(&self, since: u64, timeout: Duration) -> State {
        let deadline = Instant::now() + timeout;
        let mut s = self.lock();
        while s.version <= since {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = match self.changed.wait_timeout(s, left) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        s.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_failure_keeps_the_last_good_site_and_a_success_clears_it() {
        let live = Live::new();
        live.publish_site(Path::new("/a"));
        live.publish_error("E0101 bad");
        let s = live.snapshot();
        assert_eq!((s.version, s.site_version), (2, 1));
        assert_eq!(s.site.as_deref(), Some(Path::new("/a")));
        assert_eq!(s.error.as_deref(), Some("E0101 bad"));
        live.publish_site(Path::new("/b"));
        let s = live.snapshot();
        assert_eq!((s.version, s.site_version, s.error), (3, 3, None));
    }

    #[test]
    fn wait_returns_at_once_when_behind_and_wakes_on_publication() {
        let live = Arc::new(Live::new());
        live.publish_site(Path::new("/a"));
        assert_eq!(live.wait(0, Duration::from_secs(60)).version, 1);
        let waiter = {
            let live = Arc::clone(&live);
            std::thread::spawn(move || live.wait(1, Duration::from_secs(60)))
        };
        live.publish_error("broken");
        let s = waiter.join().unwrap();
        assert_eq!(s.version, 2);
        assert_eq!(s.error.as_deref(), Some("broken"));
    }

    #[test]
    fn wait_gives_up_after_the_timeout() {
        let live = Live::new();
        assert_eq!(live.wait(0, Duration::from_millis(10)).version, 0);
    }
}
