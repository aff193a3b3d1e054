//! References and values that need the whole ledger or the config: unique ids, systems,
//! requirements, releases, paths, date order, SQL scripts. Documents read in part are checked
//! on the keys that parsed.

use super::{RepoFiles, check_path};
use crate::config::Config;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::{Doc, Ledger, Status};
use std::collections::BTreeMap;

/// The folder SQL scripts (`sql_scripts`, `data_migration.scripts`) must be in.
pub const SQL: &str = "sql/";
/// The folder a release's `runbook` must be in.
const RUNBOOKS: &str = "content/runbooks/";

pub(super) fn check(
    config: &Config,
    ledger: &Ledger,
    files: &dyn RepoFiles,
    out: &mut Vec<Diagnostic>,
) {
    let partial = &ledger.partial;
    let entries = || ledger.entries.iter().chain(&partial.entries);
    let requirements = || ledger.requirements.iter().chain(&partial.requirements);
    let releases = || ledger.releases.iter().chain(&partial.releases);
    duplicates(entries().map(|e| (e.id.to_string(), &e.doc)), out);
    duplicates(requirements().map(|r| (r.id.clone(), &r.doc)), out);
    duplicates(releases().map(|r| (r.id.clone(), &r.doc)), out);
    let systems: Vec<&str> = config.systems.iter().map(|s| s.name.as_str()).collect();
    for e in entries() {
        let doc = &e.doc;
        if !doc.has_failed("system")
            && system(config, &systems, &e.system, doc, "system", out)
            && !e.subsystem.is_empty()
        {
            let subs = &config
                .system(&e.system)
                .map(|s| s.subsystems.clone())
                .unwrap_or_default();
            if !subs.contains(&e.subsystem) {
                let help = match did_you_mean(&e.subsystem, subs.iter().map(String::as_str)) {
                    Some(s) => format!(
                        "did you mean `{s}`? subsystems of {}: {}",
                        e.system,
                        subs.join(", ")
                    ),
                    None => format!("subsystems of {}: {}", e.system, subs.join(", ")),
                };
                out.push(
                    Diagnostic::new(
                        Code::UnknownSubsystem,
                        &doc.path,
                        doc.locs.of("subsystem"),
                        format!("`{}` is not a subsystem of {}", e.subsystem, e.system),
                    )
                    .with_help(help),
                );
            }
        }
        for (i, s) in e.related_systems.iter().enumerate() {
            system(
                config,
                &systems,
                s,
                doc,
                &format!("related_systems.{i}"),
                out,
            );
        }
        if let Some(r) = &e.requirement
            && ledger.requirement(r).is_none()
            && ledger.broken.requirements.binary_search(r).is_err()
        {
            let ids = ledger.requirements.iter().map(|r| r.id.as_str());
            out.push(unknown_ref(
                Code::UnknownRequirement,
                doc,
                "requirement",
                r,
                ids,
                "content/requirements/",
            ));
        }
        if let Some(r) = &e.release
            && ledger.release(r).is_none()
            && ledger.broken.releases.binary_search(r).is_err()
        {
            let ids = ledger.releases.iter().map(|r| r.id.as_str());
            out.push(unknown_ref(
                Code::UnknownRelease,
                doc,
                "release",
                r,
                ids,
                "content/releases/",
            ));
        }
        for (i, p) in e.sql_scripts.iter().enumerate() {
            let at = (doc.path.as_str(), doc.locs.of(&format!("sql_scripts.{i}")));
            check_path(p, SQL, files, at, "sql_scripts", out);
        }
        order(
            doc,
            "planned_start",
            e.planned_start,
            "planned_finish",
            e.planned_finish,
            out,
        );
        order(
            doc,
            "test_start",
            e.test_start,
            "test_finish",
            e.test_finish,
            out,
        );
        let submitted = e
            .status
            .rank()
            .is_some_and(|r| r >= Status::Submitted.rank().unwrap_or(2))
            || e.status == Status::RolledBack;
        let read = ["status", "has_sql", "sql_scripts"]
            .iter()
            .all(|f| !doc.has_failed(f));
        if e.has_sql && e.sql_scripts.is_empty() && submitted && read {
            out.push(
                Diagnostic::new(Code::SqlMissing, &doc.path, doc.locs.of("has_sql"), format!("entry {} has SQL but lists no `sql_scripts` and is already `{}`", e.id, e.status))
                    .with_help("list the scripts, e.g. `sql_scripts: [sql/0020_add_table.sql]`, or set `has_sql: false`"),
            );
        }
    }
    for r in requirements() {
        if !r.system.is_empty() {
            system(config, &systems, &r.system, &r.doc, "system", out);
        }
    }
    for r in releases() {
        for (i, p) in r.data_migration.scripts.iter().enumerate() {
            let at = (
                r.doc.path.as_str(),
                r.doc.locs.of(&format!("data_migration.scripts.{i}")),
            );
            check_path(p, SQL, files, at, "data_migration.scripts", out);
        }
        if let Some(p) = &r.runbook {
            let pos = r.doc.locs.of("runbook");
            if p.starts_with(RUNBOOKS) && p.ends_with(".md") {
                check_path(p, RUNBOOKS, files, (&r.doc.path, pos), "runbook", out);
            } else {
                out.push(
                    Diagnostic::new(Code::BadPath, &r.doc.path, pos, format!("`runbook` `{p}` is not a runbook"))
                        .with_help("name a Markdown file under content/runbooks/, e.g. content/runbooks/batch-release.md"),
                );
            }
        }
    }
    for doc in bodies(ledger) {
        for u in crate::markdown::unsafe_urls(doc.1) {
            let pos = crate::diag::Pos::new(doc.0.body_line + u.line - 1, u.column);
            out.push(
                Diagnostic::new(Code::UnsafeUrl, &doc.0.path, pos, format!("unsafe URL `{}` in the Markdown", u.url))
                    .with_help("links may use http, https, mailto or a relative path; scripts and data URLs are removed from the page"),
            );
        }
    }
    for rb in &ledger.runbooks {
        if !rb.system.is_empty() {
            system(config, &systems, &rb.system, &rb.doc, "system", out);
        }
    }
}

/// Every document's location and Markdown body (of those read in part too).
fn bodies(ledger: &Ledger) -> impl Iterator<Item = (&Doc, &str)> {
    let p = &ledger.partial;
    let e = ledger.entries.iter().chain(&p.entries);
    let e = e.map(|x| (&x.doc, x.body.as_str()));
    let q = ledger.requirements.iter().chain(&p.requirements);
    let q = q.map(|x| (&x.doc, x.body.as_str()));
    let r = ledger.releases.iter().chain(&p.releases);
    let r = r.map(|x| (&x.doc, x.body.as_str()));
    let b = ledger.runbooks.iter().map(|x| (&x.doc, x.body.as_str()));
    e.chain(q).chain(r).chain(b)
}

fn duplicates<'a>(docs: impl Iterator<Item = (String, &'a Doc)>, out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<String, &Doc> = BTreeMap::new();
    for (id, doc) in docs {
        match first.get(&id) {
            Some(other) => out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    &doc.path,
                    doc.locs.of("id"),
                    format!("id {id} is also used by {}", other.path),
                )
                .with_help("give this file the next free id (`opsledger new` picks one)"),
            ),
            None => {
                first.insert(id, doc);
            }
        }
    }
}

fn system(
    config: &Config,
    systems: &[&str],
    name: &str,
    doc: &Doc,
    field: &str,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if config.system(name).is_some() {
        return true;
    }
    let help = match did_you_mean(name, systems.iter().copied()) {
        Some(s) => {
            format!("did you mean `{s}`? or declare it as a `[[systems]]` in opsledger.toml")
        }
        None => format!("declared systems: {}", systems.join(", ")),
    };
    out.push(
        Diagnostic::new(
            Code::UnknownSystem,
            &doc.path,
            doc.locs.of(field),
            format!("system `{name}` is not declared in opsledger.toml"),
        )
        .with_help(help),
    );
    false
}

fn unknown_ref<'a>(
    code: Code,
    doc: &Doc,
    field: &str,
    value: &str,
    ids: impl Iterator<Item = &'a str>,
    folder: &str,
) -> Diagnostic {
    let ids: Vec<&str> = ids.collect();
    let help = match did_you_mean(value, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("create it under {folder}, or fix the id"),
    };
    Diagnostic::new(
        code,
        &doc.path,
        doc.locs.of(field),
        format!("`{field}` names `{value}`, which does not exist"),
    )
    .with_help(help)
}

fn order(
    doc: &Doc,
    a: &str,
    start: Option<jiff::civil::Date>,
    b: &str,
    finish: Option<jiff::civil::Date>,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(s), Some(f)) = (start, finish)
        && s > f
    {
        out.push(
            Diagnostic::new(
                Code::DateOrder,
                &doc.path,
                doc.locs.of(b),
                format!("`{b}` {f} is before `{a}` {s}"),
            )
            .with_help(format!("`{a}` must be on or before `{b}`")),
        );
    }
}
