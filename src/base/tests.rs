//! Unit tests of `check --base` (one per rule and its edge cases) and of the diff and its
//! Markdown rendering, on ledgers parsed from small files. Test-only code.

use super::render::{code, escape};
use super::*;
use crate::diag::Code;
use crate::git::{ChangeKind, FileChange};
use crate::load::{self, Parsed};

/// A ledger from (path, text) pairs, parsed like the loader does.
fn ledger(files: &[(&str, &str)]) -> Ledger {
    let mut l = Ledger::default();
    for (path, text) in files {
        let kind = load::classify(path.strip_prefix("content/").unwrap()).unwrap();
        let (parsed, diags) = load::parse(kind, path, text);
        assert!(diags.is_empty(), "{path}: {diags:?}");
        assert!(!matches!(parsed, Parsed::Broken(..)));
        load::add(&mut l, parsed);
    }
    l.sort();
    l
}

fn entry(id: u32, status: &str, extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: 还款文件生成\nsystem: 小贷\ncategory: feature\npriority: medium\nstatus: {status}\nproposer: 琳琳\nproposed_on: 2019-03-01\n{extra}---\n\n描述\n"
    )
}

const P1: &str = "content/entries/0001-repay.md";

fn mv(from: &str, to: &str, commit: &str) -> Move {
    Move {
        path: P1.into(),
        entry: Some(1),
        from: Some(from.into()),
        to: to.into(),
        commit: commit.into(),
        author: "琳琳".into(),
    }
}

fn run(base: &Ledger, head: &Ledger, moves: &[Move]) -> Vec<Diagnostic> {
    check(&Versions {
        base_ref: "main",
        merge_base: base,
        upstream: base,
        head,
        moves,
        held: &Default::default(),
        gone: &Default::default(),
    })
}

#[test]
fn one_stage_forward_is_fine() {
    let base = ledger(&[(P1, &entry(1, "sit", ""))]);
    let head = ledger(&[(P1, &entry(1, "uat", ""))]);
    assert!(run(&base, &head, &[mv("sit", "uat", "abcdef123")]).is_empty());
    assert!(run(&base, &head, &[]).is_empty());
}

#[test]
fn a_skip_in_one_commit_is_reported_once_with_its_commit() {
    let base = ledger(&[(P1, &entry(1, "sit", ""))]);
    let head = ledger(&[(P1, &entry(1, "preprod", ""))]);
    let d = run(&base, &head, &[mv("sit", "preprod", "abcdef1234567")]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].line, d[0].column),
        (Code::SkippedStage, 7, 9)
    );
    assert_eq!(
        d[0].message,
        "entry 1 moved from `sit` to `preprod` in commit abcdef1 (琳琳), skipping `uat`"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("move one stage at a time (sit → uat → preprod), each after its test has passed")
    );
}

#[test]
fn two_legal_commits_are_not_a_skip_but_a_skip_without_history_is() {
    let base = ledger(&[(P1, &entry(1, "sit", ""))]);
    let head = ledger(&[(P1, &entry(1, "preprod", ""))]);
    let two = [mv("sit", "uat", "a1"), mv("uat", "preprod", "b2")];
    assert!(run(&base, &head, &two).is_empty());
    let d = run(&base, &head, &[]);
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.ends_with("since `main`, skipping `uat`"),
        "{}",
        d[0].message
    );
    // Committed up to uat, then edited in the work tree to approved.
    let head = ledger(&[(P1, &entry(1, "approved", ""))]);
    let d = run(&base, &head, &[mv("sit", "uat", "a1")]);
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message
            .contains("from `uat` to `approved` after commit a1, skipping `preprod`"),
        "{}",
        d[0].message
    );
}

#[test]
fn backwards_and_out_of_released_list_the_allowed_moves() {
    let base = ledger(&[(P1, &entry(1, "uat", ""))]);
    let head = ledger(&[(P1, &entry(1, "sit", ""))]);
    let d = run(&base, &head, &[]);
    assert_eq!(
        d[0].help.as_deref(),
        Some("from `uat` an entry moves to `developing`, `preprod`, `on-hold` or `closed`")
    );
    let base = ledger(&[(P1, &entry(1, "released", ""))]);
    let head = ledger(&[(P1, &entry(1, "developing", ""))]);
    let d = run(&base, &head, &[]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].help
            .as_deref()
            .unwrap()
            .contains("rolling it back first")
    );
}

#[test]
fn an_id_added_on_both_sides_under_different_names() {
    let base = ledger(&[(P1, &entry(1, "developing", ""))]);
    let up = ledger(&[
        (P1, &entry(1, "developing", "")),
        (
            "content/entries/0002-theirs.md",
            &entry(2, "developing", ""),
        ),
    ]);
    let head = ledger(&[
        (P1, &entry(1, "developing", "")),
        ("content/entries/0002-mine.md", &entry(2, "developing", "")),
    ]);
    let v = Versions {
        base_ref: "main",
        merge_base: &base,
        upstream: &up,
        head: &head,
        moves: &[],
        held: &Default::default(),
        gone: &Default::default(),
    };
    let d = check(&v);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].file.as_str(), d[0].line, d[0].column),
        (Code::IdTakenOnBase, "content/entries/0002-mine.md", 2, 5)
    );
    assert!(d[0].help.as_deref().unwrap().contains("`0003-mine.md`"));
    // The same file on both sides is one file, not a collision.
    let v = Versions {
        upstream: &head,
        ..v
    };
    assert!(check(&v).is_empty());
}

#[test]
fn released_entries_are_not_edited_without_a_rollback() {
    let base = ledger(&[(P1, &entry(1, "released", "planned_finish: 2019-03-07\n"))]);
    let head = ledger(&[(P1, &entry(1, "released", "planned_finish: 2019-03-14\n"))]);
    let d = run(&base, &head, &[]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].line, d[0].column),
        (Code::ReleasedEdited, 10, 17)
    );
    assert!(
        d[0].message
            .contains("`planned_finish` changed from `2019-03-07` to `2019-03-14`"),
        "{}",
        d[0].message
    );
    let rolled = ledger(&[(P1, &entry(1, "rolled-back", "planned_finish: 2019-03-14\n"))]);
    assert!(run(&base, &rolled, &[]).is_empty());
    // Rolled back in one commit, back to developing in the next: the edits are fine.
    let dev = ledger(&[(P1, &entry(1, "developing", "planned_finish: 2019-03-14\n"))]);
    let moves = [
        mv("released", "rolled-back", "a1"),
        mv("rolled-back", "developing", "b2"),
    ];
    assert!(run(&base, &dev, &moves).is_empty());
}

#[test]
fn a_new_entry_starts_at_the_beginning_of_the_workflow() {
    const P2: &str = "content/entries/0002-new.md";
    let base = ledger(&[(P1, &entry(1, "sit", ""))]);
    let added = |status: &str| ledger(&[(P1, &entry(1, "sit", "")), (P2, &entry(2, status, ""))]);
    let created = |to: &str| Move {
        path: P2.into(),
        entry: Some(2),
        from: None,
        to: to.into(),
        commit: "abcdef1234567".into(),
        author: "琳琳".into(),
    };
    for ok in ["registered", "developing", "on-hold", "closed"] {
        assert!(run(&base, &added(ok), &[created(ok)]).is_empty(), "{ok}");
        assert!(
            run(&base, &added(ok), &[]).is_empty(),
            "{ok}, not committed"
        );
    }

    let d = run(&base, &added("released"), &[created("released")]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].file.as_str(), d[0].line, d[0].column),
        (Code::AddedMidway, P2, 7, 9)
    );
    assert_eq!(
        d[0].message,
        "entry 2 was added at `released` in commit abcdef1 (琳琳), skipping `developing`, \
         `submitted`, `sit`, `uat`, `preprod` and `approved`"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "a new entry starts at the beginning of the workflow (`registered`, `developing`, \
             `on-hold` or `closed`), then moves one stage at a time, each after its test has \
             passed; an imported ledger starts where it stood (pass --deny-warnings to refuse it)"
        )
    );

    // Not committed yet: judged from the file itself.
    let d = run(&base, &added("submitted"), &[]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        d[0].message,
        "entry 2 was added at `submitted` since `main`, skipping `developing`"
    );
    let d = run(&base, &added("rolled-back"), &[]);
    assert!(
        d[0].message.ends_with("which the workflow does not allow"),
        "{d:#?}"
    );

    // Added, then moved on one stage at a time: fine.
    let moves = [
        created("registered"),
        Move {
            from: Some("registered".into()),
            ..created("developing")
        },
        Move {
            from: Some("developing".into()),
            ..created("submitted")
        },
    ];
    assert!(run(&base, &added("submitted"), &moves).is_empty());
}

#[test]
fn a_released_document_is_not_deleted() {
    const R: &str = "content/releases/2019-03-07.md";
    let release = "---\nid: \"2019-03-07\"\ntitle: 投产\ndate: 2019-03-07\nstatus: released\n---\n";
    let base = ledger(&[
        (P1, &entry(1, "released", "release: 2019-03-07\n")),
        (R, release),
    ]);
    let d = run(&base, &ledger(&[(R, release)]), &[]);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].code, d[0].file.as_str(), d[0].line, d[0].column),
        (Code::ReleasedEdited, P1, 1, 1)
    );
    assert_eq!(
        d[0].message,
        "entry 1 is released, but its file was deleted"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "a released entry (in release 2019-03-07) records what went live: restore the file; \
             an entry no longer followed is closed (`status: closed`), not deleted"
        )
    );

    let d = run(
        &base,
        &ledger(&[(P1, &entry(1, "released", "release: 2019-03-07\n"))]),
        &[],
    );
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].message.as_str()),
        (
            R,
            "release 2019-03-07 is released, but its file was deleted"
        )
    );

    // A file that is still there but no longer loads is reported by the loader, not here.
    let mut broken = ledger(&[(R, release)]);
    broken.broken.entries.push(1);
    assert!(run(&base, &broken, &[]).is_empty());
}

#[test]
fn diff_sections() {
    let rel = "---\nid: \"2019-03-14\"\ntitle: 2019-03-14 期次投产计划\ndate: 2019-03-14\nstatus: planning\n---\n";
    let base = ledger(&[
        (P1, &entry(1, "sit", "")),
        ("content/entries/0002-old.md", &entry(2, "developing", "")),
        ("content/entries/0003-gone.md", &entry(3, "developing", "")),
        ("content/releases/2019-03-14.md", rel),
    ]);
    let head = ledger(&[
        (P1, &entry(1, "preprod", "")),
        (
            "content/entries/0002-new.md",
            &entry(2, "developing", "release: \"2019-03-14\"\n"),
        ),
        (
            "content/entries/0004-add.md",
            &entry(4, "registered", "sql_scripts: [sql/0004.sql]\n"),
        ),
        ("content/releases/2019-03-14.md", rel),
    ]);
    let sql = [FileChange {
        kind: ChangeKind::Added,
        path: "sql/0004.sql".into(),
        old_path: None,
        blob: None,
        old_blob: None,
        other_blobs: Vec::new(),
    }];
    let d = diff(
        &base,
        &head,
        &[mv("sit", "uat", "a"), mv("uat", "preprod", "b")],
        &sql,
    );
    assert_eq!(d.status_moves.len(), 1);
    assert_eq!(d.status_moves[0].through, ["sit", "uat", "preprod"]);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.added[0].id, Value::from(4));
    assert_eq!(d.removed[0].path, "content/entries/0003-gone.md");
    assert_eq!(d.renamed[0].old_path, "content/entries/0002-old.md");
    assert_eq!(d.field_changes.len(), 1);
    assert_eq!(d.field_changes[0].changes[0].field, "release");
    assert_eq!(d.releases.len(), 1);
    assert_eq!(d.releases[0].gains[0].id, Value::from(2));
    assert_eq!(d.sql_scripts[0].referenced_by[0].id, Value::from(4));
    let md = markdown(
        &d,
        &Compared {
            base_ref: "main".into(),
            base_commit: "b".repeat(40),
            merge_base: "a".repeat(40),
            head_commit: "c".repeat(40),
        },
        &[],
    );
    assert!(md.starts_with("## Ledger changes: 1 status move, 1 added, 1 removed, 1 renamed, 1 edited, 1 release changed, 1 SQL script — ✅ check passes\n"), "{md}");
    assert!(
        md.contains("- `#1` 还款文件生成: `sit` → `uat` → `preprod`\n"),
        "{md}"
    );
    assert!(
        md.contains("- `2019-03-14` 期次投产计划\n  - gains `#2` 还款文件生成\n"),
        "{md}"
    );
    assert!(md.ends_with("### Check\n\n✅ no problems\n"), "{md}");
}

#[test]
fn markdown_text_is_escaped() {
    assert_eq!(code("a`b"), "`` a`b ``");
    assert_eq!(code("x\ny"), "`x y`");
    assert_eq!(escape("<b>*x*</b> #3"), "\\<b\\>\\*x\\*\\</b\\> \\#3");
    assert_eq!(show(&serde_json::json!(["a", "b"])), "a, b");
    assert_eq!(show(&serde_json::json!("")), "∅");
    assert_eq!(show(&Value::String("x".repeat(70))).chars().count(), 60);
}
