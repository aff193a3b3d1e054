//! One document's text → its typed model value, for each kind of content file. Pure: no IO.

use super::convert::Conv;
use super::read::read;
use crate::diag::{Code, Diagnostic, Pos};
use crate::model::{
    self, DataMigration, Doc, Entry, Env, Phase, Release, Requirement, Rollback, Runbook, Step,
    TestRun, Tests,
};
use crate::schema::{
    RawEntry, RawMigration, RawPhase, RawRelease, RawRequirement, RawRollback, RawRunbook, RawStep,
    RawTest, RawTests,
};
use crate::{frontmatter, yaml};

/// The kinds of content file, by the folder they live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Entry,
    Requirement,
    Release,
    Runbook,
}

impl Kind {
    /// The folder under `content/` that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Entry => "entries",
            Kind::Requirement => "requirements",
            Kind::Release => "releases",
            Kind::Runbook => "runbooks",
        }
    }

    pub const ALL: [Kind; 4] = [Kind::Entry, Kind::Requirement, Kind::Release, Kind::Runbook];
}

/// A parsed document of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Entry(Box<Entry>),
    Requirement(Box<Requirement>),
    Release(Box<Release>),
    Runbook(Box<Runbook>),
    /// Could not be used; carries its id when that much was readable.
    Broken(Kind, Option<String>),
    /// Could not be used as a whole (some keys are missing or bad, each reported and listed in
    /// its `doc.failed`), but read in part: the entry, requirement or release it holds.
    Partial(Box<Parsed>),
}

impl Parsed {
    /// A document that could not be read, with the id its file name gives (so references to
    /// it are not reported as dangling as well).
    pub fn broken(kind: Kind, path: &str) -> Parsed {
        let file = path.rsplit('/').next().unwrap_or(path);
        let stem = file.strip_suffix(".md").unwrap_or(file);
        let id = match kind {
            Kind::Entry => crate::model::entry_file_id(file).map(|n| n.to_string()),
            Kind::Requirement => stem
                .get(..8)
                .filter(|p| p.starts_with("REQ-"))
                .map(str::to_owned),
            Kind::Release => Some(stem.to_owned()),
            Kind::Runbook => None,
        };
        Parsed::Broken(kind, id)
    }
}

/// Parses one content file's normalised text. Never fails: problems are diagnostics.
pub fn parse(kind: Kind, path: &str, text: &str) -> (Parsed, Vec<Diagnostic>) {
    parse_with(kind, path, text, None)
}

/// The front-matter keys' values met so far, for each kind of document (any thread).
#[derive(Default)]
pub struct Memo {
    entry: yaml::Memo<RawEntry>,
    requirement: yaml::Memo<RawRequirement>,
    release: yaml::Memo<RawRelease>,
    runbook: yaml::Memo<RawRunbook>,
}

/// Parses one content file as [`parse`] does, with the same result, reusing the values of its
/// front-matter keys met in other files (or other versions of it) with the same text.
pub fn parse_with_memo(
    kind: Kind,
    path: &str,
    text: &str,
    memo: &Memo,
) -> (Parsed, Vec<Diagnostic>) {
    parse_with(kind, path, text, Some(memo))
}

fn parse_with(
    kind: Kind,
    path: &str,
    text: &str,
    memo: Option<&Memo>,
) -> (Parsed, Vec<Diagnostic>) {
    let split = match frontmatter::split(path, text) {
        Ok(s) => s,
        Err(d) => return (Parsed::broken(kind, path), vec![*d]),
    };
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let mut cx = Conv::new(path);
    let body = split.body.to_owned();
    let parsed = match kind {
        Kind::Entry => read(&mut cx, split.yaml, memo.map(|m| &m.entry))
            .map(|r| entry(&mut cx, r, file_name, body)),
        Kind::Requirement => read(&mut cx, split.yaml, memo.map(|m| &m.requirement))
            .map(|r| requirement(&mut cx, r, stem, body)),
        Kind::Release => read(&mut cx, split.yaml, memo.map(|m| &m.release))
            .map(|r| release(&mut cx, r, stem, body)),
        Kind::Runbook => read(&mut cx, split.yaml, memo.map(|m| &m.runbook))
            .map(|r| runbook(&mut cx, r, stem, body)),
    };
    let failed = !cx.unparsed.is_empty() || cx.failed;
    let mut doc = Doc {
        path: path.to_owned(),
        body_line: split.body_line,
        locs: std::mem::take(&mut cx.locs),
        failed: std::mem::take(&mut cx.bad),
    };
    doc.failed.extend(cx.unparsed.iter().cloned());
    let parsed = match parsed {
        Some(Parsed::Entry(mut e)) => {
            e.doc = doc;
            Parsed::Entry(e)
        }
        Some(Parsed::Requirement(mut r)) => {
            r.doc = doc;
            Parsed::Requirement(r)
        }
        Some(Parsed::Release(mut r)) => {
            r.doc = doc;
            Parsed::Release(r)
        }
        Some(Parsed::Runbook(mut r)) => {
            r.doc = doc;
            Parsed::Runbook(r)
        }
        Some(other) => other,
        None => Parsed::broken(kind, path),
    };
    let parsed = match parsed {
        // Some keys did not parse: the others were checked, but the document is not usable.
        p @ (Parsed::Entry(_) | Parsed::Requirement(_) | Parsed::Release(_)) if failed => {
            Parsed::Partial(Box::new(p))
        }
        Parsed::Runbook(_) if failed => Parsed::Broken(kind, None),
        Parsed::Broken(_, None) if failed => Parsed::broken(kind, path),
        p => p,
    };
    (parsed, cx.diags)
}

fn entry(cx: &mut Conv, r: RawEntry, file_name: &str, body: String) -> Parsed {
    cx.unknown(&r.unknown, RawEntry::FIELDS, "");
    let id = match r.id {
        Some(t) if !t.trimmed().is_empty() => cx
            .number("id", &t, u32::MAX as u64)
            .map(|n| n as u32)
            .filter(|&n| {
                if n == 0 {
                    cx.report(
                        Code::InvalidNumber,
                        t.pos,
                        "an entry id must be positive",
                        "number entries from 1",
                    );
                }
                n > 0
            }),
        _ => {
            cx.missing("id");
            None
        }
    };
    if let Some(id) = id {
        match model::entry_file_id(file_name) {
            Some(n) if n == id => {}
            Some(n) => cx.report(
                Code::IdFileMismatch,
                cx.locs.of("id"),
                format!("the id is {id} but the file name says {n}"),
                format!("rename the file to start with `{id:04}-` or change the id"),
            ),
            None => cx.report(
                Code::BadFileName,
                Pos::START,
                format!(
                    "the file name `{file_name}` does not start with the id padded to 4 digits"
                ),
                format!("rename it like `{:04}-short-title.md`", id),
            ),
        }
    }
    let title = cx.required("title", r.title);
    let system = cx.required("system", r.system);
    let category = cx.required_keyword("category", r.category);
    let priority = cx.required_keyword("priority", r.priority);
    let status = cx.required_keyword("status", r.status);
    let proposer = cx.required("proposer", r.proposer);
    let proposed_on = cx.required_date("proposed_on", r.proposed_on);
    let tests = tests(cx, r.tests);
    let e = Entry {
        id: id.unwrap_or(0),
        title: title.unwrap_or_default(),
        system: system.unwrap_or_default(),
        subsystem: cx.text("subsystem", r.subsystem),
        module: cx.text("module", r.module),
        feature: cx.text("feature", r.feature),
        category: category.unwrap_or(model::Category::Feature),
        priority: priority.unwrap_or(model::Priority::Medium),
        status: status.unwrap_or(model::Status::Registered),
        proposer: proposer.unwrap_or_default(),
        proposed_on: proposed_on.unwrap_or_default(),
        has_sql: cx.boolean("has_sql", r.has_sql),
        sql_scripts: cx.list("sql_scripts", r.sql_scripts),
        expected_solution: cx.text("expected_solution", r.expected_solution),
        technical_solution: cx.text("technical_solution", r.technical_solution),
        business_feedback: cx.text("business_feedback", r.business_feedback),
        resolution_notes: cx.text("resolution_notes", r.resolution_notes),
        planned_start: cx.date("planned_start", r.planned_start),
        planned_finish: cx.date("planned_finish", r.planned_finish),
        tech_lead: cx.text("tech_lead", r.tech_lead),
        test_start: cx.date("test_start", r.test_start),
        test_finish: cx.date("test_finish", r.test_finish),
        test_lead: cx.text("test_lead", r.test_lead),
        test_opinion: cx.text("test_opinion", r.test_opinion),
        related_systems: cx.list("related_systems", r.related_systems),
        requirement: cx.opt_text("requirement", r.requirement),
        release: cx.opt_text("release", r.release),
        tests,
        body,
        doc: Doc::default(),
    };
    if id.is_none() {
        return Parsed::Broken(Kind::Entry, None);
    }
    Parsed::Entry(Box::new(e))
}

fn tests(cx: &mut Conv, t: Option<yaml::Located<RawTests>>) -> Tests {
    let mut out = Tests::default();
    let Some(t) = t else { return out };
    cx.locs.set("tests", t.pos);
    let t = t.value;
    cx.unknown(&t.unknown, RawTests::FIELDS, "tests");
    for (env, raw) in [
        (Env::Sit, t.sit),
        (Env::Uat, t.uat),
        (Env::Preprod, t.preprod),
    ] {
        let Some(raw) = raw else { continue };
        let prefix = format!("tests.{env}");
        cx.locs.set(prefix.clone(), raw.pos);
        let raw: RawTest = raw.value;
        cx.unknown(&raw.unknown, RawTest::FIELDS, &prefix);
        *out.get_mut(env) = TestRun {
            result: cx
                .keyword(&format!("{prefix}.result"), raw.result)
                .unwrap_or(model::TestResult::Pending),
            date: cx.date(&format!("{prefix}.date"), raw.date),
            by: cx.text(&format!("{prefix}.by"), raw.by),
        };
    }
    out
}

fn requirement(cx: &mut Conv, r: RawRequirement, stem: &str, body: String) -> Parsed {
    cx.unknown(&r.unknown, RawRequirement::FIELDS, "");
    let id = cx.required("id", r.id);
    if let Some(id) = &id {
        let well_formed = id
            .strip_prefix("REQ-")
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            cx.report(
                Code::InvalidValue,
                cx.locs.of("id"),
                format!("`{id}` is not a requirement id"),
                "write it as REQ- and four digits, e.g. REQ-0007",
            );
            cx.failed = true;
        } else if !(stem == id
            || stem
                .strip_prefix(id.as_str())
                .is_some_and(|rest| rest.starts_with('-')))
        {
            cx.report(
                Code::IdFileMismatch,
                cx.locs.of("id"),
                format!("the id is {id} but the file is `{stem}.md`"),
                format!("rename the file to start with `{id}-`"),
            );
        }
    }
    let title = cx.required("title", r.title);
    let status = cx.required_keyword("status", r.status);
    let req = Requirement {
        id: id.clone().unwrap_or_default(),
        title: title.unwrap_or_default(),
        system: cx.text("system", r.system),
        owner: cx.text("owner", r.owner),
        status: status.unwrap_or(model::RequirementStatus::Draft),
        version: cx.text("version", r.version),
        created: cx.date("created", r.created),
        body,
        doc: Doc::default(),
    };
    if id.is_none() {
        return Parsed::Broken(Kind::Requirement, None);
    }
    Parsed::Requirement(Box::new(req))
}

/// Ids of releases and slugs of runbooks end up in URLs: keep them to safe characters.
fn is_safe_id(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn release(cx: &mut Conv, r: RawRelease, stem: &str, body: String) -> Parsed {
    cx.unknown(&r.unknown, RawRelease::FIELDS, "");
    let id = cx.required("id", r.id);
    if let Some(id) = &id {
        if !is_safe_id(id) {
            cx.report(
                Code::InvalidValue,
                cx.locs.of("id"),
                format!("`{id}` is not a usable release id"),
                "use letters, digits, `-`, `_` and `.`, e.g. 2019-03-07",
            );
            cx.failed = true;
        } else if id != stem {
            cx.report(
                Code::IdFileMismatch,
                cx.locs.of("id"),
                format!("the id is {id} but the file is `{stem}.md`"),
                format!("rename the file to `{id}.md`"),
            );
        }
    }
    let title = cx.required("title", r.title);
    let date = cx.required_date("date", r.date);
    let status = cx.required_keyword("status", r.status);
    let phases = r.phases.map(|p| {
        cx.locs.set("phases", p.pos);
        p.value
            .into_iter()
            .enumerate()
            .filter_map(|(i, p)| phase(cx, i, p))
            .collect()
    });
    let steps = r.steps.map(|s| {
        cx.locs.set("steps", s.pos);
        s.value
            .into_iter()
            .enumerate()
            .map(|(i, s)| step(cx, i, s))
            .collect()
    });
    let rel = Release {
        id: id.clone().unwrap_or_default(),
        title: title.unwrap_or_default(),
        date: date.unwrap_or_default(),
        status: status.unwrap_or(model::ReleaseStatus::Planning),
        approver: cx.text("approver", r.approver),
        approved_on: cx.date("approved_on", r.approved_on),
        strategy: cx.keyword("strategy", r.strategy),
        phases: phases.unwrap_or_default(),
        goals: cx.list("goals", r.goals),
        steps: steps.unwrap_or_default(),
        rollback: r.rollback.map(|r| rollback(cx, r)).unwrap_or_default(),
        environment_checklist: cx.list("environment_checklist", r.environment_checklist),
        data_migration: r
            .data_migration
            .map(|m| migration(cx, m))
            .unwrap_or_default(),
        verification: cx.list("verification", r.verification),
        monitoring: cx.list("monitoring", r.monitoring),
        docs_updates: cx.list("docs_updates", r.docs_updates),
        runbook: cx.opt_text("runbook", r.runbook),
        body,
        doc: Doc::default(),
    };
    if id.is_none() {
        return Parsed::Broken(Kind::Release, None);
    }
    Parsed::Release(Box::new(rel))
}

fn phase(cx: &mut Conv, i: usize, p: yaml::Located<RawPhase>) -> Option<Phase> {
    let prefix = format!("phases.{i}");
    cx.locs.set(prefix.clone(), p.pos);
    let raw = p.value;
    cx.unknown(&raw.unknown, RawPhase::FIELDS, &prefix);
    let percent = match raw.percent {
        Some(t) => cx.number(&format!("{prefix}.percent"), &t, 100)? as u8,
        None => {
            cx.report(
                Code::MissingKey,
                p.pos,
                format!("`{prefix}` has no `percent`"),
                "add `percent: 10` (share of traffic or users)",
            );
            return None;
        }
    };
    Some(Phase {
        percent,
        exit_criteria: cx.text(&format!("{prefix}.exit_criteria"), raw.exit_criteria),
    })
}

fn step(cx: &mut Conv, i: usize, s: yaml::Located<RawStep>) -> Step {
    let prefix = format!("steps.{i}");
    cx.locs.set(prefix.clone(), s.pos);
    let raw = s.value;
    cx.unknown(&raw.unknown, RawStep::FIELDS, &prefix);
    let name = cx.text(&format!("{prefix}.name"), raw.name);
    if name.is_empty() {
        cx.report(
            Code::MissingKey,
            s.pos,
            format!("`{prefix}` has no `name`"),
            "give every step a name that other steps can list in `after`",
        );
    }
    Step {
        name,
        owner: cx.text(&format!("{prefix}.owner"), raw.owner),
        after: cx.list(&format!("{prefix}.after"), raw.after),
    }
}

fn rollback(cx: &mut Conv, r: yaml::Located<RawRollback>) -> Rollback {
    cx.locs.set("rollback", r.pos);
    let raw = r.value;
    cx.unknown(&raw.unknown, RawRollback::FIELDS, "rollback");
    Rollback {
        trigger: cx.text("rollback.trigger", raw.trigger),
        plan: cx.text("rollback.plan", raw.plan),
        owner: cx.text("rollback.owner", raw.owner),
    }
}

fn migration(cx: &mut Conv, m: yaml::Located<RawMigration>) -> DataMigration {
    cx.locs.set("data_migration", m.pos);
    let raw = m.value;
    cx.unknown(&raw.unknown, RawMigration::FIELDS, "data_migration");
    DataMigration {
        backup: cx.text("data_migration.backup", raw.backup),
        scripts: cx.list("data_migration.scripts", raw.scripts),
    }
}

fn runbook(cx: &mut Conv, r: RawRunbook, stem: &str, body: String) -> Parsed {
    cx.unknown(&r.unknown, RawRunbook::FIELDS, "");
    if !is_safe_id(stem) {
        cx.report(
            Code::BadFileName,
            Pos::START,
            format!("`{stem}.md` is not a usable runbook file name"),
            "use letters, digits and `-`, e.g. repayment-batch.md",
        );
        cx.failed = true;
    }
    let title = cx.required("title", r.title);
    let rb = Runbook {
        slug: stem.to_owned(),
        title: title.unwrap_or_default(),
        system: cx.text("system", r.system),
        owner: cx.text("owner", r.owner),
        updated: cx.date("updated", r.updated),
        body,
        doc: Doc::default(),
    };
    if cx.failed {
        return Parsed::Broken(Kind::Runbook, None);
    }
    Parsed::Runbook(Box::new(rb))
}

#[cfg(test)]
mod tests;
