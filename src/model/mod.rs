//! The ledger as pure data: entries, requirements, releases, runbooks and their vocabularies.
//! No IO, no parsing; [`crate::load`] builds these values and [`crate::check`] judges them.

mod keyword;
mod status;
mod steps;

pub use keyword::{
    Category, Env, Keyword, Priority, ReleaseStatus, RequirementStatus, Status, Strategy,
    TestResult,
};
pub use status::{is_allowed_move, is_allowed_resume};

use crate::diag::Pos;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where each field of a document was written, keyed by its path (`status`, `tests.sit.result`,
/// `steps.2.after`), so checks can point at the exact line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations(BTreeMap<String, Pos>);

impl Locations {
    pub fn set(&mut self, field: impl Into<String>, pos: Pos) {
        self.0.insert(field.into(), pos);
    }
    /// The position of `field`, if it was written.
    pub fn get(&self, field: &str) -> Option<Pos> {
        self.0.get(field).copied()
    }
    /// The position of `field`, else the top of the file.
    pub fn of(&self, field: &str) -> Pos {
        self.get(field).unwrap_or(Pos::START)
    }
}

/// One test stage's outcome on an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestRun {
    pub result: TestResult,
    pub date: Option<Date>,
    pub by: String,
}

impl Default for TestRun {
    fn default() -> Self {
        TestRun {
            result: TestResult::Pending,
            date: None,
            by: String::new(),
        }
    }
}

/// SIT, UAT and pre-production results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tests {
    pub sit: TestRun,
    pub uat: TestRun,
    pub preprod: TestRun,
}

impl Tests {
    /// Whether SIT, UAT and pre-production have all passed.
    pub fn all_passed(&self) -> bool {
        Env::ALL
            .iter()
            .all(|&env| self.get(env).result == TestResult::Pass)
    }

    pub fn get(&self, env: Env) -> &TestRun {
        match env {
            Env::Sit => &self.sit,
            Env::Uat => &self.uat,
            Env::Preprod => &self.preprod,
        }
    }
    pub fn get_mut(&mut self, env: Env) -> &mut TestRun {
        match env {
            Env::Sit => &mut self.sit,
            Env::Uat => &mut self.uat,
            Env::Preprod => &mut self.preprod,
        }
    }
}

/// One row of the ledger (台帐): a change request, defect or data fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: u32,
    pub title: String,
    pub system: String,
    pub subsystem: String,
    pub module: String,
    pub feature: String,
    pub category: Category,
    pub priority: Priority,
    pub status: Status,
    pub proposer: String,
    pub proposed_on: Date,
    pub has_sql: bool,
    pub sql_scripts: Vec<String>,
    pub expected_solution: String,
    pub technical_solution: String,
    pub business_feedback: String,
    pub resolution_notes: String,
    pub planned_start: Option<Date>,
    pub planned_finish: Option<Date>,
    pub tech_lead: String,
    pub test_start: Option<Date>,
    pub test_finish: Option<Date>,
    pub test_lead: String,
    pub test_opinion: String,
    pub related_systems: Vec<String>,
    pub requirement: Option<String>,
    pub release: Option<String>,
    pub tests: Tests,
    /// The Markdown body: the problem description (问题描述).
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub doc: Doc,
}

/// Where a document came from: its file, where its body starts, where its fields are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// Repository-relative path with `/` separators.
    pub path: String,
    pub body_line: u32,
    pub locs: Locations,
    /// The keys (dotted, e.g. `status`, `tests.sit.result`) whose values were reported as
    /// missing or bad and could not be used: a rule that reads one of them does not run on the
    /// document, so one mistake is not reported again as another.
    pub failed: Vec<String>,
}

impl Doc {
    /// Whether `field`, a key above it or one below it failed (see [`Doc::failed`]).
    pub fn has_failed(&self, field: &str) -> bool {
        let under = |long: &str, short: &str| {
            long.strip_prefix(short)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        };
        self.failed
            .iter()
            .any(|f| under(f, field) || under(field, f))
    }
}

/// A requirement document (需求文档).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    pub system: String,
    pub owner: String,
    pub status: RequirementStatus,
    pub version: String,
    pub created: Option<Date>,
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub doc: Doc,
}

/// One step of a launch plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub name: String,
    pub owner: String,
    pub after: Vec<String>,
}

/// One stage of a phased rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub percent: u8,
    pub exit_criteria: String,
}

/// What to do when the release goes wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rollback {
    pub trigger: String,
    pub plan: String,
    pub owner: String,
}

/// Backup and scripts of the release's data migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataMigration {
    pub backup: String,
    pub scripts: Vec<String>,
}

/// A release (期次 / 发版) and its launch plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    pub id: String,
    pub title: String,
    pub date: Date,
    pub status: ReleaseStatus,
    pub approver: String,
    pub approved_on: Option<Date>,
    pub strategy: Option<Strategy>,
    pub phases: Vec<Phase>,
    pub goals: Vec<String>,
    pub steps: Vec<Step>,
    pub rollback: Rollback,
    pub environment_checklist: Vec<String>,
    pub data_migration: DataMigration,
    pub verification: Vec<String>,
    pub monitoring: Vec<String>,
    pub docs_updates: Vec<String>,
    pub runbook: Option<String>,
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub doc: Doc,
}

/// A runbook (运维手册): free Markdown with a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runbook {
    /// The file name without `.md`; the page lives at `/runbooks/<slug>/`.
    pub slug: String,
    pub title: String,
    pub system: String,
    pub owner: String,
    pub updated: Option<Date>,
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub doc: Doc,
}

/// Everything under `content/`, each list sorted by id (runbooks by slug); see [`Ledger::sort`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub entries: Vec<Entry>,
    pub requirements: Vec<Requirement>,
    pub releases: Vec<Release>,
    pub runbooks: Vec<Runbook>,
    /// Ids of documents that exist but could not be loaded, so references to them are not
    /// reported a second time as dangling.
    pub broken: BrokenIds,
    /// The documents among those that were read in part.
    pub partial: Partial,
}

/// Documents some of whose keys could not be used (each reported when loading, and listed in
/// its [`Doc::failed`]): kept so that the rules across fields and documents still run on the
/// keys that did parse. They are not part of the ledger: never shown, listed, counted or
/// referred to (their ids are in [`Ledger::broken`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    pub entries: Vec<Entry>,
    pub requirements: Vec<Requirement>,
    pub releases: Vec<Release>,
}

/// Ids of files that failed to load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokenIds {
    pub entries: Vec<u32>,
    pub requirements: Vec<String>,
    pub releases: Vec<String>,
}

impl Ledger {
    /// Sorts every list by id (then path), as lookups and deterministic output need, and the
    /// ids of broken files so they can be searched.
    pub fn sort(&mut self) {
        self.entries
            .sort_by(|a, b| (a.id, &a.doc.path).cmp(&(b.id, &b.doc.path)));
        self.requirements
            .sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
        self.releases
            .sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
        self.runbooks.sort_by(|a, b| a.slug.cmp(&b.slug));
        let p = &mut self.partial;
        p.entries
            .sort_by(|a, b| (a.id, &a.doc.path).cmp(&(b.id, &b.doc.path)));
        p.requirements
            .sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
        p.releases
            .sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
        self.broken.entries.sort_unstable();
        self.broken.requirements.sort();
        self.broken.releases.sort();
    }

    pub fn entry(&self, id: u32) -> Option<&Entry> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entries[i])
    }
    /// The requirement with this id (requirements are sorted by id).
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        let i = self.requirements.partition_point(|r| r.id.as_str() < id);
        self.requirements.get(i).filter(|r| r.id == id)
    }
    /// The release with this id (releases are sorted by id).
    pub fn release(&self, id: &str) -> Option<&Release> {
        let i = self.releases.partition_point(|r| r.id.as_str() < id);
        self.releases.get(i).filter(|r| r.id == id)
    }
    /// The entries whose `release` names `id`, by id.
    pub fn entries_of_release<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.release.as_deref() == Some(id))
    }
    /// The entries whose `requirement` names `id`, by id.
    pub fn entries_of_requirement<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.requirement.as_deref() == Some(id))
    }
}

/// The slug of an entry file: `0020-repayment-file.md` → `20` (its id) if the name is well formed.
pub fn entry_file_id(file_name: &str) -> Option<u32> {
    let digits: String = file_name
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.len() < 4 || !file_name[digits.len()..].starts_with(['-', '.']) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_file_ids() {
        assert_eq!(entry_file_id("0020-repayment-file.md"), Some(20));
        assert_eq!(entry_file_id("12345-big.md"), Some(12345));
        assert_eq!(entry_file_id("20-short.md"), None);
        assert_eq!(entry_file_id("0020x.md"), None);
        assert_eq!(entry_file_id("readme.md"), None);
    }

    #[test]
    fn all_passed_needs_every_stage() {
        let mut t = Tests::default();
        assert!(!t.all_passed());
        t.sit.result = TestResult::Pass;
        t.uat.result = TestResult::Pass;
        assert!(!t.all_passed());
        t.preprod.result = TestResult::Pass;
        assert!(t.all_passed());
    }

    #[test]
    fn keywords_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Category::parse("data-fix"), Some(Category::DataFix));
        assert_eq!(Status::parse("SIT"), None);
    }
}
