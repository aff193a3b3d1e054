//! The work tree compared with a base ref, for `check --base` and `diff --base`: resolve REF,
//! find the merge base, load the ledger there and at REF, mine the history (through its cache)
//! for the status moves of the commits since, and run [`base::check`]. The IO of a comparison
//! lives here; judging and summarising the two versions is [`crate::base`]'s, which is pure.

use crate::base::{self, Move};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::{self, MineOptions};
use crate::load;
use crate::model::Ledger;
use std::path::Path;

/// The work tree compared with the merge base of REF and HEAD.
pub struct Comparison {
    pub repo: Repo,
    /// REF as given.
    pub base_ref: String,
    pub base_commit: String,
    pub merge_base: String,
    pub head: String,
    /// The ledger at the merge base.
    pub base: Ledger,
    /// The status moves of the commits since the merge base.
    pub moves: Vec<Move>,
    /// How many commits HEAD has that the merge base has not.
    pub commits: usize,
    /// What [`base::check`] found, and the commits of the range that could not be read as
    /// written (W0606).
    pub diagnostics: Vec<Diagnostic>,
    /// For the user: what was wrong with the history cache (it was rebuilt).
    pub cache_warnings: Vec<String>,
}

/// Resolves REF, finds the merge base, loads the ledger there and at REF, reads the status
/// moves of the commits since (from the mined, cached history) and runs [`base::check`].
pub fn compare(
    dir: &Path,
    base_ref: &str,
    head_ledger: &Ledger,
    opts: &MineOptions,
) -> Result<Comparison> {
    let repo = Repo::open(dir)?.ok_or_else(|| {
        Error::Usage(format!(
            "--base {base_ref}: {} is not in a git repository, so there is nothing to compare with",
            dir.display()
        ))
    })?;
    let head = repo.head()?.ok_or_else(|| {
        Error::Usage(format!(
            "--base {base_ref}: the repository has no commit yet"
        ))
    })?;
    let base_commit = repo.resolve(base_ref).map_err(|_| {
        Error::Usage(format!(
            "--base {base_ref}: no branch, tag or commit is named `{base_ref}` ({})",
            fetch_hint(base_ref, &repo.remotes())
        ))
    })?;
    let merge_base = repo.merge_base(&base_commit, &head).map_err(|_| {
        Error::Usage(format!(
            "--base {base_ref}: `{base_ref}` and HEAD have no common ancestor \
             (a shallow clone? fetch the whole history: `fetch-depth: 0` in actions/checkout)"
        ))
    })?;
    let base = load::load_at(&repo, &merge_base)?.ledger;
    let upstream = if base_commit == merge_base {
        base.clone()
    } else {
        load::load_at(&repo, &base_commit)?.ledger
    };
    let range = repo.commits_since(&merge_base)?;
    let (mut odd, mut cache_warnings) = (Vec::new(), Vec::new());
    let track = if range.is_empty() {
        base::Track::default()
    } else {
        let h = history::mine(dir, &repo, opts)?;
        // Commits of the range that could not be read as written (W0606).
        odd.extend(
            h.warnings
                .iter()
                .filter(|w| range.iter().any(|c| w.message.contains(c.as_str())))
                .cloned(),
        );
        cache_warnings = h.cache_warnings.clone();
        base::track(&h, &range)
    };
    let mut diagnostics = base::check(&base::Versions {
        base_ref,
        merge_base: &base,
        upstream: &upstream,
        head: head_ledger,
        moves: &track.moves,
        held: &track.held,
        gone: &track.gone,
    });
    diagnostics.extend(odd);
    crate::diag::sort(&mut diagnostics);
    Ok(Comparison {
        repo,
        base_ref: base_ref.to_owned(),
        base_commit,
        merge_base,
        head,
        base,
        moves: track.moves,
        commits: range.len(),
        diagnostics,
        cache_warnings,
    })
}

/// How to get a missing `--base` REF into a clone: fetch the branch from its remote when REF
/// names one (`origin/main`: `git fetch origin main`), else fetch it and pass the remote-tracking
/// name (`main`: `git fetch origin main`, then `origin/main`).
fn fetch_hint(base_ref: &str, remotes: &[String]) -> String {
    let r = base_ref.strip_prefix("refs/remotes/").unwrap_or(base_ref);
    let named = |remote: &str| {
        r.strip_prefix(remote)
            .and_then(|b| b.strip_prefix('/'))
            .filter(|b| !b.is_empty())
    };
    let remote_branch = if remotes.is_empty() {
        named("origin").map(|b| ("origin", b))
    } else {
        remotes
            .iter()
            .find_map(|rm| named(rm).map(|b| (rm.as_str(), b)))
    };
    if let Some((remote, branch)) = remote_branch {
        return format!("in CI, fetch it first: `git fetch {remote} {branch}`");
    }
    if base_ref.len() >= 7 && base_ref.bytes().all(|b| b.is_ascii_hexdigit()) {
        return "a commit this clone does not have? fetch the whole history: \
                `fetch-depth: 0` in actions/checkout"
            .into();
    }
    let remote = remotes
        .iter()
        .find(|r| *r == "origin")
        .or(remotes.first())
        .map_or("origin", String::as_str);
    let branch = base_ref.strip_prefix("refs/heads/").unwrap_or(base_ref);
    format!(
        "in CI, fetch it first and pass the remote-tracking name: \
         `git fetch {remote} {branch}`, then `--base {remote}/{branch}`"
    )
}

#[cfg(test)]
mod tests {
    use super::fetch_hint;

    #[test]
    fn the_fetch_hint_fits_refs_with_and_without_a_remote() {
        let origin = ["origin".to_owned()];
        assert_eq!(
            fetch_hint("origin/main", &origin),
            "in CI, fetch it first: `git fetch origin main`"
        );
        assert_eq!(
            fetch_hint("origin/release/2019-03", &[]),
            "in CI, fetch it first: `git fetch origin release/2019-03`",
            "no remote configured yet: `origin` is taken as one"
        );
        assert_eq!(
            fetch_hint("refs/remotes/upstream/main", &["upstream".to_owned()]),
            "in CI, fetch it first: `git fetch upstream main`"
        );
        assert_eq!(
            fetch_hint("main", &origin),
            "in CI, fetch it first and pass the remote-tracking name: \
             `git fetch origin main`, then `--base origin/main`"
        );
        assert_eq!(
            fetch_hint("feature/x", &["upstream".to_owned()]),
            "in CI, fetch it first and pass the remote-tracking name: \
             `git fetch upstream feature/x`, then `--base upstream/feature/x`"
        );
        assert!(fetch_hint("0123abcd", &origin).contains("fetch-depth: 0"));
    }
}
