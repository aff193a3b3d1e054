//! opsledger turns a git repository of Markdown files into the static dashboard of a team's
//! go-live ledger (上线运维台帐).
//!
//! The data flows one way:
//!
//! ```text
//! source (bytes) → frontmatter (split) → yaml (typed raw docs) → load (Ledger + Diagnostics)
//!                                                                  → check (more Diagnostics)
//!                                                                  → report (human | json | github)
//! ```
//!
//! With `--base REF`, [`base`] compares the ledger with its version at the merge base (loaded
//! from git by [`load::load_at`]) for `check --base` and `diff --base`.
//!
//! [`build`] is the whole pipeline behind `build`, `demo` and `serve`: load and check while
//! [`history`] mines git, then [`site`] renders through [`theme`] and [`markdown`] into a staging
//! folder that replaces the output at once. [`serve`] serves the last good build and watches the
//! inputs.
//!
//! Only [`cli`] prints, reads the clock or the environment, and picks exit codes.

pub mod base;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod demo;
pub mod diag;
pub mod embedded;
pub mod error;
pub mod frontmatter;
pub mod git;
pub mod history;
pub mod import;
pub mod load;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod notes;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod theme;
pub mod yaml;

pub use error::{Error, Result};
