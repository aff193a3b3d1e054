//! The status rules one commit can show (SPEC 2.5): test stages passed, approvals, and what a
//! released release may hold. Moves between two commits are checked by `check --base`. A
//! document read in part is judged too, unless a key a rule reads (its status) failed.

use crate::diag::{Code, Diagnostic};
use crate::model::{Keyword, Ledger, ReleaseStatus, Status, TestResult};

pub(super) fn check(ledger: &Ledger, out: &mut Vec<Diagnostic>) {
    let partial = &ledger.partial;
    let entries =
        || (ledger.entries.iter().chain(&partial.entries)).filter(|e| !e.doc.has_failed("status"));
    for e in entries() {
        let doc = &e.doc;
        for &env in e.status.passed_stages() {
            let run = e.tests.get(env);
            let field = format!("tests.{env}.result");
            if run.result != TestResult::Pass && !doc.has_failed(&field) {
                let at = doc
                    .locs
                    .get(&field)
                    .unwrap_or_else(|| doc.locs.of("status"));
                out.push(
                    Diagnostic::new(Code::TestNotPassed, &doc.path, at, format!("entry {} is `{}` but its {} test is `{}`", e.id, e.status, env.as_str().to_uppercase(), run.result))
                        .with_help(format!("record the passed test (`tests.{env}: {{result: pass, date: YYYY-MM-DD, by: name}}`) or move the entry back to `developing`")),
                );
            }
        }
        if !matches!(e.status, Status::Approved | Status::Released) {
            continue;
        }
        if e.test_opinion.trim().is_empty() && !doc.has_failed("test_opinion") {
            out.push(
                Diagnostic::new(Code::NoTestOpinion, &doc.path, doc.locs.of("test_opinion"), format!("entry {} is `{}` without a `test_opinion`", e.id, e.status))
                    .with_help("the test lead writes the opinion that goes to the PM, e.g. `test_opinion: 测试通过，同意上线`"),
            );
        }
        if doc.has_failed("release") {
            continue;
        }
        let release = e.release.as_deref().and_then(|id| ledger.release(id));
        match release {
            Some(r) if matches!(r.status, ReleaseStatus::Approved | ReleaseStatus::Released) => {
                if r.approver.trim().is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::NoApprover,
                            &doc.path,
                            doc.locs.of("release"),
                            format!(
                                "entry {} is `{}` but release {} has no `approver`",
                                e.id, e.status, r.id
                            ),
                        )
                        .with_help(format!("set `approver` in {}", r.doc.path)),
                    );
                }
            }
            Some(r) => out.push(
                Diagnostic::new(
                    Code::ReleaseNotApproved,
                    &doc.path,
                    doc.locs.of("release"),
                    format!(
                        "entry {} is `{}` but release {} is `{}`",
                        e.id, e.status, r.id, r.status
                    ),
                )
                .with_help(
                    "the PM approves the release first: set its `status: approved` and `approver`",
                ),
            ),
            None if e
                .release
                .as_ref()
                .is_some_and(|r| ledger.broken.releases.binary_search(r).is_ok()) => {}
            None if e.release.is_some() => {} // the dangling reference is reported on its own
            None => out.push(
                Diagnostic::new(
                    Code::ReleaseNotApproved,
                    &doc.path,
                    doc.locs.of("status"),
                    format!("entry {} is `{}` but names no `release`", e.id, e.status),
                )
                .with_help("set `release:` to the id of the release that ships it"),
            ),
        }
    }
    let mut by_release: std::collections::BTreeMap<&str, Vec<&crate::model::Entry>> =
        Default::default();
    for e in entries() {
        if let Some(r) = &e.release {
            by_release.entry(r.as_str()).or_default().push(e);
        }
    }
    for r in ledger.releases.iter().chain(&partial.releases) {
        if r.status != ReleaseStatus::Released || r.doc.has_failed("status") {
            continue;
        }
        for e in by_release.get(r.id.as_str()).into_iter().flatten() {
            if !e.status.is_finished() {
                out.push(
                    Diagnostic::new(Code::UnfinishedEntry, &r.doc.path, r.doc.locs.of("status"), format!("release {} is `released` but entry {} is still `{}`", r.id, e.id, e.status))
                        .with_help(format!("mark entry {} released, rolled back or closed ({}), or move it to another release", e.id, e.doc.path)),
                );
            }
        }
    }
}
