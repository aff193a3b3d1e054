//! The workflow held across commits and documents (issue #10, group `workflow`): an entry's id,
//! not its path, carries its status through deletions, re-adds and renames; leaving `on-hold`
//! returns to where it was put on hold; the rules across fields run on every key that parsed.

use crate::harness::{Ledger, MINIMAL_ENTRY, MINIMAL_ENTRY_PATH, codes, json, located};

const SIT_UAT_PASSED: &str = "tests:\n  sit: {result: pass, date: 2019-03-05, by: 王测}\n  uat: {result: pass, date: 2019-03-06, by: 王测}\n";

/// The minimal entry 1 with another status and `extra` front matter lines.
fn entry1(status: &str, extra: &str) -> String {
    MINIMAL_ENTRY
        .replace("status: developing\n", &format!("status: {status}\n"))
        .replace(
            "release: 2019-03-07\n",
            &format!("release: 2019-03-07\n{extra}"),
        )
}

/// `main` with entry 1 at `sit`, and the branch `pr` checked out from it.
fn at_sit_on_a_branch() -> Ledger {
    Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 in SIT")
        .checkout("pr")
}

/// The E0601 diagnostics of `check --base main`: (file, line, message).
fn skipped(l: &Ledger) -> Vec<(String, u64, String)> {
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    json(&out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0601")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_re_added_entry_continues_the_deleted_files_workflow() {
    let l = at_sit_on_a_branch()
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1")
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 again, in pre-production");
    let commit = l.head_id();
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    let (file, line, message) = &found[0];
    assert_eq!((file.as_str(), *line), (MINIMAL_ENTRY_PATH, 8));
    assert!(
        message.starts_with(&format!(
            "entry 1 moved from `sit` to `preprod` in commit {}",
            &commit[..7]
        )) && message.contains("skipping `uat`"),
        "{message}"
    );
}

#[test]
fn a_re_add_under_another_name_is_the_same_entry() {
    let other = "content/entries/0001-repayment-file-v2.md";
    let l = at_sit_on_a_branch()
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1")
        .file(other, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 again, in pre-production");
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, other);
    assert!(found[0].2.contains("from `sit` to `preprod`"), "{found:?}");

    // The same move made one stage at a time passes, across the delete and the re-add.
    let l = at_sit_on_a_branch()
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1")
        .file(other, entry1("uat", SIT_UAT_PASSED))
        .commit("entry 1 again, in UAT")
        .file(other, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 to pre-production");
    assert_eq!(skipped(&l), []);
    // A rename whose text changed too much for git to see it as one is judged from the last
    // status the id had as well.
    let l = at_sit_on_a_branch()
        .remove(MINIMAL_ENTRY_PATH)
        .file(
            other,
            entry1("preprod", SIT_UAT_PASSED).replace("日终批处理", "完全不同的描述"),
        )
        .commit("entry 1 renamed and moved to pre-production");
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("from `sit` to `preprod`"), "{found:?}");
}

/// `main` with entry 1 put at `sit` and then deleted, and the branch `pr` checked out from it:
/// the merge base has no file with id 1, only the history before it.
fn deleted_at_sit_before_the_branch() -> Ledger {
    Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 in SIT")
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1")
        .checkout("pr")
}

#[test]
fn a_re_add_of_an_entry_deleted_before_the_base_continues_its_workflow() {
    let l = deleted_at_sit_before_the_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 again, in pre-production");
    let commit = l.head_id();
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        codes(&out),
        ["E0601"],
        "not a new entry added midway (W0604)"
    );
    let found = skipped(&l);
    let (file, line, message) = &found[0];
    assert_eq!((file.as_str(), *line), (MINIMAL_ENTRY_PATH, 8));
    assert_eq!(
        message,
        &format!(
            "entry 1 moved from `sit` to `preprod` in commit {} (Test), which added it again, \
             skipping `uat`",
            &commit[..7]
        )
    );

    // One stage on from where it was deleted passes; so does starting over.
    for ok in ["uat", "developing"] {
        let l = deleted_at_sit_before_the_branch()
            .file(MINIMAL_ENTRY_PATH, entry1(ok, SIT_UAT_PASSED))
            .commit("entry 1 again");
        let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
        assert_eq!((code, codes(&out)), (0, vec![]), "{ok}: {out}{err}");
    }
    // Uncommitted, the re-add is judged from the same status.
    let l = deleted_at_sit_before_the_branch()
        .file("README.md", "a commit on the branch\n")
        .commit("notes")
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED));
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .starts_with("entry 1 moved from `sit` to `preprod` since `main`"),
        "{found:?}"
    );
}

#[test]
fn a_re_add_under_another_name_of_an_entry_deleted_before_the_base_is_the_same_entry() {
    let other = "content/entries/0001-repayment-file-v2.md";
    let l = deleted_at_sit_before_the_branch()
        .file(other, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 again, in pre-production");
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(codes(&out), ["E0601"], "{out}");
    let found = skipped(&l);
    assert_eq!(found[0].0, other);
    assert!(
        found[0].2.contains("from `sit` to `preprod`") && found[0].2.contains("added it again"),
        "{found:?}"
    );

    // Deleted on hold (put there at `sit`): the re-add leaves on-hold for where it was held.
    let l = Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 in SIT")
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1 on hold")
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1")
        .checkout("pr")
        .file(other, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 again, in pre-production");
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.contains("from `on-hold` to `preprod`")
            && found[0]
                .2
                .contains("but it was put on hold at `sit`, skipping `uat`"),
        "{found:?}"
    );
}

#[test]
fn leaving_on_hold_returns_to_the_stage_it_was_held_at() {
    let held = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1 on hold");
    let l = held
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 off hold, to pre-production");
    let commit = l.head_id();
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    let (file, line, message) = &found[0];
    assert_eq!((file.as_str(), *line), (MINIMAL_ENTRY_PATH, 8));
    assert_eq!(
        message,
        &format!(
            "entry 1 moved from `on-hold` to `preprod` in commit {} (Test), but it \
             was put on hold at `sit`, skipping `uat`",
            &commit[..7]
        )
    );

    // Back to where it was, or earlier, passes; so do uncommitted edits that do.
    for back in ["sit", "developing"] {
        let l = at_sit_on_a_branch()
            .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
            .commit("entry 1 on hold")
            .file(MINIMAL_ENTRY_PATH, entry1(back, ""))
            .commit("entry 1 off hold");
        assert_eq!(skipped(&l), [], "{back}");
    }
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1 on hold")
        .file(MINIMAL_ENTRY_PATH, entry1("uat", SIT_UAT_PASSED));
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .starts_with("entry 1 moved from `on-hold` to `uat` after commit")
            && found[0].2.ends_with("but it was put on hold at `sit`"),
        "{found:?}"
    );
}

#[test]
fn an_entry_on_hold_at_the_base_resumes_where_it_was_held() {
    // Put on hold at `sit` on main, before the branch: the history before the merge base says
    // where it was held.
    let l = Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 in SIT")
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1 on hold")
        .checkout("pr")
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 off hold, to pre-production");
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.contains("but it was put on hold at `sit`"),
        "{found:?}"
    );

    // An entry added on hold resumes where a new entry starts.
    let l = Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1, on hold from the start")
        .checkout("pr")
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 off hold, to SIT");
    let found = skipped(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("but it was added on hold"), "{found:?}");
    let l = Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("on-hold", ""))
        .commit("entry 1, on hold from the start")
        .checkout("pr")
        .file(MINIMAL_ENTRY_PATH, entry1("developing", ""))
        .commit("entry 1 off hold");
    assert_eq!(skipped(&l), []);
}

#[test]
fn cross_field_rules_run_on_the_keys_that_parsed() {
    let bad = MINIMAL_ENTRY
        .replace("priority: medium\n", "priority: urgent\n")
        .replace("status: developing\n", "status: flying\n")
        .replace(
            "release: 2019-03-07\n",
            "release: 2019-03-07\nplanned_start: 2019-03-05\nplanned_finish: 2019-03-01\n",
        );
    let l = Ledger::minimal().file(MINIMAL_ENTRY_PATH, &bad);
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let found = located(&out);
    let mut seen: Vec<(&str, u64)> = found.iter().map(|(c, _, l, _)| (c.as_str(), *l)).collect();
    seen.sort();
    assert_eq!(seen, [("E0105", 7), ("E0105", 8), ("E0206", 14)], "{out}");

    // References from the half-read entry are checked too, but nothing that reads a key that
    // failed: the unknown release is reported, the workflow rules that need `status` are not.
    let bad = bad
        .replace("release: 2019-03-07\n", "release: 2019-09-09\n")
        .replace("system: 小贷\n", "system: 小带\n");
    let l = Ledger::minimal().file(MINIMAL_ENTRY_PATH, &bad);
    let (_, out, _) = l.run(&["check", "--format", "json"]);
    let mut found = codes(&out);
    found.sort();
    assert_eq!(
        found,
        ["E0105", "E0105", "E0201", "E0204", "E0206"],
        "{out}"
    );
}

/// The paths of a commit's tree, for the rules that ask whether a referenced file exists.
struct AtCommit(std::collections::BTreeSet<String>);

impl opsledger::check::RepoFiles for AtCommit {
    fn state(&self, path: &str) -> opsledger::check::PathState {
        if self.0.contains(path) {
            opsledger::check::PathState::File
        } else {
            opsledger::check::PathState::Missing
        }
    }
}

#[test]
fn every_first_parent_commit_of_the_demo_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let script = opsledger::demo::script().unwrap();
    opsledger::demo::replay(dir.path(), &script).unwrap();
    let repo = opsledger::git::Repo::open(dir.path()).unwrap().unwrap();
    let git = crate::harness::open_repo(dir.path());
    let mut at = Some(git.head().unwrap().peel_to_commit().unwrap());
    let (mut commits, mut failures) = (0, Vec::new());
    while let Some(c) = at {
        let mut paths = std::collections::BTreeSet::new();
        c.tree()
            .unwrap()
            .walk(git2::TreeWalkMode::PreOrder, |root, e| {
                if e.kind() == Some(git2::ObjectType::Blob) {
                    paths.insert(format!("{root}{}", e.name().unwrap()));
                }
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        let id = c.id().to_string();
        let loaded = opsledger::load::load_at(&repo, &id).unwrap();
        let mut diags = loaded.diagnostics.clone();
        diags.extend(opsledger::check::check(
            &loaded.config,
            &loaded.ledger,
            &AtCommit(paths),
        ));
        for d in diags {
            failures.push(format!(
                "{} {:?}: {} {}:{} {}",
                &id[..7],
                c.summary().ok().flatten().unwrap_or(""),
                d.code.as_str(),
                d.file,
                d.line,
                d.message
            ));
        }
        commits += 1;
        at = c.parent(0).ok();
    }
    assert!(commits > 40, "{commits} first-parent commits");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
