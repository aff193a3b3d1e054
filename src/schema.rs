//! The front-matter schema of each kind of document, as raw structs of located text (SPEC 2.2–2.4).
//! Every key is optional here; [`crate::load`] decides what is required and what a value means.

use crate::strict_struct;
use crate::yaml::{Located, Text};

/// A list of scalars, located.
pub type TextList = Located<Vec<Text>>;

strict_struct! {
    /// A ledger entry's front matter (SPEC 2.2).
    pub struct RawEntry [Text] {
        id: Text,
        title: Text,
        system: Text,
        subsystem: Text,
        module: Text,
        feature: Text,
        category: Text,
        priority: Text,
        status: Text,
        proposer: Text,
        proposed_on: Text,
        has_sql: Text,
        sql_scripts: TextList,
        expected_solution: Text,
        technical_solution: Text,
        business_feedback: Text,
        resolution_notes: Text,
        planned_start: Text,
        planned_finish: Text,
        tech_lead: Text,
        test_start: Text,
        test_finish: Text,
        test_lead: Text,
        test_opinion: Text,
        related_systems: TextList,
        requirement: Text,
        release: Text,
        tests: Located<RawTests>,
    }
}

strict_struct! {
    /// `tests:` of an entry.
    pub struct RawTests [Text] {
        sit: Located<RawTest>,
        uat: Located<RawTest>,
        preprod: Located<RawTest>,
    }
}

strict_struct! {
    /// One test stage of an entry.
    pub struct RawTest [Text] {
        result: Text,
        date: Text,
        by: Text,
    }
}

strict_struct! {
    /// A requirement document's front matter (SPEC 2.3).
    pub struct RawRequirement [Text] {
        id: Text,
        title: Text,
        system: Text,
        owner: Text,
        status: Text,
        version: Text,
        created: Text,
    }
}

strict_struct! {
    /// A release's front matter: the launch plan (SPEC 2.4).
    pub struct RawRelease [Text] {
        id: Text,
        title: Text,
        date: Text,
        status: Text,
        approver: Text,
        approved_on: Text,
        strategy: Text,
        phases: Located<Vec<Located<RawPhase>>>,
        goals: TextList,
        steps: Located<Vec<Located<RawStep>>>,
        rollback: Located<RawRollback>,
        environment_checklist: TextList,
        data_migration: Located<RawMigration>,
        verification: TextList,
        monitoring: TextList,
        docs_updates: TextList,
        runbook: Text,
    }
}

strict_struct! {
    /// One phase of a phased rollout.
    pub struct RawPhase [Text] {
        percent: Text,
        exit_criteria: Text,
    }
}

strict_struct! {
    /// One step of a launch plan.
    pub struct RawStep [Text] {
        name: Text,
        owner: Text,
        after: TextList,
    }
}

strict_struct! {
    /// The rollback plan of a release.
    pub struct RawRollback [Text] {
        trigger: Text,
        plan: Text,
        owner: Text,
    }
}

strict_struct! {
    /// The data migration of a release.
    pub struct RawMigration [Text] {
        backup: Text,
        scripts: TextList,
    }
}

strict_struct! {
    /// A runbook's front matter.
    pub struct RawRunbook [Text] {
        title: Text,
        system: Text,
        owner: Text,
        updated: Text,
    }
}
