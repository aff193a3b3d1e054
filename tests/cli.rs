//! The command line, end to end: `check` on good, bad and hostile ledgers in every output
//! format, `init` and `new`, and a fixture for every diagnostic code. One test binary; the
//! modules live in `tests/cli/`.

#[path = "cli/harness.rs"]
mod harness;

#[path = "cli/check.rs"]
mod check;

#[path = "cli/init_new.rs"]
mod init_new;

#[path = "cli/codes.rs"]
mod codes;

#[path = "cli/base.rs"]
mod base;

#[path = "cli/history.rs"]
mod history;

#[path = "cli/build.rs"]
mod build;

#[path = "cli/notes.rs"]
mod notes;

#[path = "cli/import.rs"]
mod import;

#[path = "cli/demo.rs"]
mod demo;

#[path = "cli/serve.rs"]
mod serve;

#[path = "cli/import_bounds.rs"]
mod import_bounds;

#[path = "cli/workflow.rs"]
mod workflow;

#[path = "cli/paths.rs"]
mod paths;

#[path = "cli/gitodd.rs"]
mod gitodd;

#[path = "cli/output.rs"]
mod output;

#[path = "cli/slugs.rs"]
mod slugs;

#[path = "cli/confserve.rs"]
mod confserve;

#[path = "cli/mdyaml.rs"]
mod mdyaml;

#[path = "cli/leftovers.rs"]
mod leftovers;
