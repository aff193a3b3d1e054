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
pub mod calendar;
pub mod check;
pub mod cli;
pub mod compare;
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
pub mod paths;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod theme;
pub mod yaml;

pub use error::{Error, Result};

/// The rules of the code's layout that the compiler does not check.
#[cfg(test)]
mod layout {
    /// Every source file of the library, with its path under `src/`, except the binary.
    fn sources() -> Vec<(String, String)> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        walkdir::WalkDir::new(&src)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|f| f.path().extension().is_some_and(|x| x == "rs"))
            .map(|f| {
                let rel = f.path().strip_prefix(&src).unwrap().to_string_lossy();
                (
                    rel.replace('\\', "/"),
                    std::fs::read_to_string(f.path()).unwrap(),
                )
            })
            .filter(|(rel, _)| rel != "main.rs")
            .collect()
    }

    #[test]
    fn every_module_says_what_it_does() {
        for (rel, text) in sources() {
            if !rel.ends_with("tests.rs") {
                assert!(
                    text.starts_with("//!"),
                    "{rel} does not open with a `//!` line"
                );
            }
        }
    }

    #[test]
    fn only_the_cli_prints_or_reads_the_clock() {
        // Spelled in two parts, so this file does not match itself.
        let banned = [
            concat!("print", "ln!"),
            concat!("eprint", "ln!"),
            concat!("print", "!("),
            concat!("eprint", "!("),
            concat!("dbg", "!("),
            concat!("SystemTime", "::now"),
            concat!("Timestamp", "::now"),
            concat!("Zoned", "::now"),
        ];
        for (rel, text) in sources().iter().filter(|(r, _)| !r.starts_with("cli/")) {
            for b in banned {
                assert!(
                    !text.contains(b),
                    "{rel} uses {b}: only `cli` prints or reads the clock"
                );
            }
        }
    }
}
