//! The tool's own failures (IO, git, output folder): one typed error. Problems in the user's
//! content are never errors here; they are [`crate::diag::Diagnostic`]s.

use std::path::PathBuf;

/// Everything that can make opsledger itself fail (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git: {0}")]
    Git(String),
    #[error(
        "{0} is not a ledger repository (no opsledger.toml); run `opsledger init` to create one"
    )]
    NotALedger(PathBuf),
    #[error("{0}")]
    Usage(String),
    #[error(
        "this is a shallow clone, so the history of the ledger is incomplete\n\
         fix: fetch the whole history (GitHub Actions: `fetch-depth: 0` in actions/checkout; \
         GitLab CI: `GIT_DEPTH: 0`; locally: `git fetch --unshallow`), \
         or pass --allow-shallow to build with the history there is"
    )]
    Shallow,
    /// `serve` could not listen or watch.
    #[error("serve: {0}")]
    Serve(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// Wraps an IO error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
