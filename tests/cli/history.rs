//! `opsledger history`: timelines mined from git on repositories built commit by commit with
//! git2 (authors and times fixed per commit): linear moves, renames, merges and squash merges,
//! deletions, a version that does not parse, the working tree, shallow clones, the cache, and
//! both history walkers against each other and against `git log --follow`.

use crate::harness::{self, Ledger, entry, entry_path, open_repo, switch};
use serde_json::Value;
use std::path::Path;

const T0: i64 = 1_551_405_600; // 2019-03-01T10:00:00+08:00
const DAY: i64 = 86_400;

/// Commits the whole work tree on HEAD as `author` at `time` (+08:00); returns the commit id.
fn commit_as(l: &Ledger, message: &str, author: &str, time: i64) -> git2::Oid {
    let sig = harness::person(author, time);
    harness::commit_signed(l, message, &sig, &sig, None)
}

/// Merges `branch` into HEAD with a merge commit by `author` at `time`.
fn merge(l: &Ledger, branch: &str, author: &str, time: i64) -> git2::Oid {
    harness::merge_signed(l, branch, &harness::person(author, time))
}

fn status(s: &str) -> String {
    format!("status: {s}\n")
}

/// An entry file whose status is `st`, with extra front matter.
fn entry_with(id: u32, st: &str, extra: &str) -> String {
    entry(id, extra).replace("status: developing\n", &status(st))
}

/// The JSON timeline of `file`.
fn timeline(l: &Ledger, file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["history", file, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = l.run(&args);
    assert_eq!(code, 0, "{err}");
    harness::json(&out)
}

fn steps(t: &Value) -> &Vec<Value> {
    t["steps"].as_array().expect("steps")
}

/// (field, from, to) of a step's changes.
fn changes(step: &Value) -> Vec<(String, Value, Value)> {
    step["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_owned(),
                c["from"].clone(),
                c["to"].clone(),
            )
        })
        .collect()
}

fn has_change(step: &Value, field: &str, from: &str, to: &str) -> bool {
    changes(step)
        .iter()
        .any(|(f, a, b)| f == field && a == from && b == to)
}

fn base() -> Ledger {
    Ledger::minimal()
}

#[test]
fn linear_moves_with_authors_and_times() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register #20", "琳琳", T0);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "#20 submitted", "琳琳", T0 + 7 * DAY);
    let l = l.file(&path, entry_with(20, "sit", ""));
    let sit = commit_as(&l, "#20 into SIT", "王芳", T0 + 10 * DAY);
    let t = timeline(&l, &path, &[]);
    let s = steps(&t);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0]["kind"], "Added");
    assert!(
        changes(&s[0])
            .iter()
            .any(|(f, a, b)| f == "status" && a.is_null() && b == "developing")
    );
    assert!(has_change(&s[1], "status", "developing", "submitted"));
    assert!(has_change(&s[2], "status", "submitted", "sit"));
    assert_eq!(s[2]["author"], "王芳");
    assert_eq!(s[2]["commit"], sit.to_string());
    assert_eq!(
        s[2]["landed_commit"],
        sit.to_string(),
        "a commit on the first-parent line lands itself"
    );
    assert_eq!(s[2]["time"], "2019-03-11T10:00:00+08:00");
    assert_eq!(s[2]["path"], path);
    assert_eq!(s[1]["body_changed"], false);
    let (_, text, _) = l.run(&["history", &path]);
    assert!(text.contains("status: submitted → sit"), "{text}");
}

#[test]
fn renames_are_followed() {
    let old = entry_path(20, "repayment");
    let new = entry_path(20, "repayment-file-export");
    let l = base().file(&old, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    let l = l.remove(&old).file(&new, entry_with(20, "submitted", ""));
    commit_as(&l, "rename and submit", "琳琳", T0 + DAY);
    let t = timeline(&l, &new, &[]);
    let s = steps(&t);
    assert_eq!(s.len(), 2, "{t:#}");
    assert_eq!(s[0]["path"], old);
    assert_eq!(s[1]["path"], new);
    assert_eq!(s[1]["kind"], "Renamed");
    assert!(has_change(&s[1], "status", "developing", "submitted"));
}

#[test]
fn a_merged_pull_request_lands_with_its_merge() {
    let path = entry_path(20, "repayment");
    let l = base().file(
        &path,
        entry_with(20, "sit", "tests:\n  sit: {result: pending}\n"),
    );
    commit_as(&l, "in SIT", "王芳", T0);
    switch(&l, "pr-20");
    let l = l.file(
        &path,
        entry_with(
            20,
            "uat",
            "tests:\n  sit: {result: pass, date: 2019-03-05, by: 王芳}\n",
        ),
    );
    let change = commit_as(&l, "#20 SIT passed", "王芳", T0 + DAY);
    switch(&l, "main");
    let l = l.file("content/entries/0021-other.md", entry(21, ""));
    commit_as(&l, "another change on main", "何欢", T0 + DAY + 3600);
    let m = merge(&l, "pr-20", "PM", T0 + 2 * DAY);
    let t = timeline(&l, &path, &[]);
    let s = steps(&t);
    assert_eq!(
        s.len(),
        2,
        "the merge itself did not change the file: {t:#}"
    );
    assert_eq!(s[1]["commit"], change.to_string());
    assert_eq!(s[1]["author"], "王芳");
    assert_eq!(s[1]["landed_commit"], m.to_string());
    assert_eq!(s[1]["landed_time"], "2019-03-03T10:00:00+08:00");
    assert!(has_change(&s[1], "status", "sit", "uat"));
    assert!(has_change(&s[1], "tests.sit.result", "pending", "pass"));
}

/// Commits the work tree on HEAD written by `author` at `written` and committed by `committer`
/// at `committed` (a rebase, a squash or a cherry-pick); a merge of branch `extra_parent` into
/// HEAD when given.
fn commit_landed(
    l: &Ledger,
    message: &str,
    (author, written): (&str, i64),
    (committer, committed): (&str, i64),
    extra_parent: Option<&str>,
) -> git2::Oid {
    let (author, committer) = (
        harness::person(author, written),
        harness::person(committer, committed),
    );
    harness::commit_signed(l, message, &author, &committer, extra_parent)
}

#[test]
fn a_change_lands_when_its_landing_commit_was_committed() {
    let path = entry_path(20, "repayment");
    let other = entry_path(21, "other");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    // Rebased onto main: written on day 1, committed there on day 3.
    let l = l.file(&path, entry_with(20, "submitted", ""));
    let rebased = commit_landed(
        &l,
        "#20 submitted",
        ("王芳", T0 + DAY),
        ("PM", T0 + 3 * DAY),
        None,
    );
    // A pull request merged with a merge commit written on day 4 and committed on day 5.
    switch(&l, "pr");
    let l = l.file(&other, entry_with(21, "registered", ""));
    commit_as(&l, "register #21", "何欢", T0 + 4 * DAY);
    switch(&l, "main");
    let merged = commit_landed(
        &l,
        "Merge #21",
        ("PM", T0 + 4 * DAY),
        ("PM", T0 + 5 * DAY),
        Some("pr"),
    );
    let cold = full_json(&l, &[]);
    assert_eq!(full_json(&l, &[]), cold, "the cache keeps both times");
    assert_eq!(full_json(&l, &["--no-cache", "--walker", "libgit2"]), cold);
    let s = steps(&cold["files"][path.as_str()]).last().unwrap().clone();
    assert_eq!(s["commit"], rebased.to_string());
    assert_eq!(s["time"], "2019-03-02T10:00:00+08:00", "written");
    assert_eq!(s["landed_commit"], rebased.to_string());
    assert_eq!(s["landed_time"], "2019-03-04T10:00:00+08:00", "landed");
    let s = &steps(&cold["files"][other.as_str()])[0];
    assert_eq!(s["landed_commit"], merged.to_string());
    assert_eq!(s["time"], "2019-03-05T10:00:00+08:00");
    assert_eq!(s["landed_time"], "2019-03-06T10:00:00+08:00");
}

#[test]
fn a_squash_merge_is_one_step_by_the_squasher() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    let l = l.file(&path, entry_with(20, "submitted", "tech_lead: 琳琳\n"));
    let squash = commit_as(&l, "Submit #20 (#7)", "PM", T0 + DAY);
    let s = steps(&timeline(&l, &path, &[])).clone();
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[1]["author"].as_str(), s[1]["landed_commit"].as_str()),
        (Some("PM"), Some(squash.to_string().as_str()))
    );
    assert!(has_change(&s[1], "tech_lead", "", "琳琳"));
}

/// The commits of the steps of `t` with a change to `field`, as (message, from, to).
fn changes_to(t: &Value, field: &str) -> Vec<(String, Value, Value)> {
    steps(t)
        .iter()
        .flat_map(|s| {
            changes(s)
                .into_iter()
                .filter(|(f, ..)| f == field)
                .map(|(_, a, b)| (s["message"].as_str().unwrap().to_owned(), a, b))
        })
        .collect()
}

#[test]
fn edits_on_two_branches_then_merged_are_each_credited_to_their_own_commit() {
    // main: #20 at SIT, priority high. Branch p1 lowers the priority and moves it to UAT;
    // branch p2 (from the same commit) sets the tech lead. p1 is merged, then p2.
    let path = entry_path(20, "repayment");
    let pending = "tests:\n  sit: {result: pending}\n";
    let passed = "tests:\n  sit: {result: pass, date: 2019-03-05, by: 王芳}\n";
    let at = |st: &str, prio: &str, extra: &str| {
        entry_with(20, st, extra).replace("priority: low", &format!("priority: {prio}"))
    };
    let l = base().file(&path, at("sit", "high", pending));
    commit_as(&l, "base", "琳琳", T0);
    switch(&l, "p2");
    switch(&l, "p1");
    let l = l.file(&path, at("uat", "low", passed));
    commit_as(&l, "p1: priority low, to UAT", "王芳", T0 + DAY);
    switch(&l, "main");
    merge(&l, "p1", "PM", T0 + 2 * DAY);
    switch(&l, "p2");
    let l = l.file(
        &path,
        at("sit", "high", &format!("tech_lead: 何欢\n{pending}")),
    );
    commit_as(&l, "p2: tech lead", "何欢", T0 + 3 * DAY);
    switch(&l, "main");
    let m2 = merge(&l, "p2", "PM", T0 + 4 * DAY);
    let l = l.file(
        &path,
        at("uat", "low", &format!("tech_lead: 何欢\n{passed}")),
    );
    assert_eq!(
        std::fs::read_to_string(l.path(&path)).unwrap(),
        at("uat", "low", &format!("tech_lead: 何欢\n{passed}")),
        "the merge holds both changes"
    );

    for walker in ["git", "libgit2"] {
        let t = timeline(&l, &path, &["--no-cache", "--walker", walker]);
        let msgs: Vec<&str> = steps(&t)
            .iter()
            .map(|s| s["message"].as_str().unwrap())
            .collect();
        assert!(msgs.contains(&"p2: tech lead"), "{walker}: {t:#}");
        assert_eq!(
            changes_to(&t, "priority"),
            [
                ("base".into(), Value::Null, "high".into()),
                (
                    "p1: priority low, to UAT".into(),
                    "high".into(),
                    "low".into()
                )
            ],
            "{walker}: only p1 changed the priority: {t:#}"
        );
        assert_eq!(
            changes_to(&t, "status"),
            [
                ("base".into(), Value::Null, "sit".into()),
                (
                    "p1: priority low, to UAT".into(),
                    "sit".into(),
                    "uat".into()
                )
            ],
            "{walker}: the status moved once after it was created: {t:#}"
        );
        let p2 = steps(&t)
            .iter()
            .find(|s| s["message"] == "p2: tech lead")
            .unwrap();
        assert_eq!(
            changes(p2),
            [("tech_lead".into(), "".into(), "何欢".into())],
            "{walker}: p2 is compared with its parent, not with p1"
        );
        // The second merge differs from both of its parents as a file, but each of its fields
        // is one parent's: it made no change of its own, and is not a step (as in `git log
        // --follow`), so p2's tech lead is not credited twice.
        assert!(
            steps(&t).iter().all(|s| s["commit"] != m2.to_string()),
            "{walker}: {t:#}"
        );
        assert_eq!(steps(&t).len(), 3, "{walker}: base, p1, p2: {t:#}");
    }
}

#[test]
fn a_merge_that_resolves_a_conflict_is_credited_with_the_resolution_only() {
    // Branch x sets the tech lead to 何欢 and the priority to high; main sets the tech lead to
    // 王芳. The merge keeps x's priority and resolves the tech lead to a third value.
    let path = entry_path(20, "repayment");
    let with = |lead: &str, prio: &str| {
        entry_with(20, "developing", &format!("tech_lead: {lead}\n"))
            .replace("priority: low", &format!("priority: {prio}"))
    };
    let l = base().file(&path, with("琳琳", "low"));
    commit_as(&l, "base", "琳琳", T0);
    switch(&l, "x");
    let l = l.file(&path, with("何欢", "high"));
    commit_as(&l, "x: lead and priority", "何欢", T0 + DAY);
    switch(&l, "main");
    let l = l.file(&path, with("王芳", "low"));
    commit_as(&l, "main: lead", "王芳", T0 + 2 * DAY);
    let l = l.file(&path, with("何欢、王芳", "high"));
    let m = commit_landed(
        &l,
        "merge x",
        ("PM", T0 + 3 * DAY),
        ("PM", T0 + 3 * DAY),
        Some("x"),
    );
    for walker in ["git", "libgit2"] {
        let t = timeline(&l, &path, &["--no-cache", "--walker", walker]);
        let step = steps(&t)
            .iter()
            .find(|s| s["commit"] == m.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("{walker}: the merge resolved a conflict: {t:#}"));
        assert_eq!(
            changes(&step),
            [("tech_lead".into(), "王芳".into(), "何欢、王芳".into())],
            "{walker}: only the resolution is the merge's own change: {t:#}"
        );
    }
}

#[test]
fn warm_and_cold_runs_agree_after_a_version_that_does_not_parse() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    let l = l.file(&path, "---\nid: [unclosed\n---\n");
    commit_as(&l, "oops", "琳琳", T0 + DAY);
    // The cache is written here, its last version of the file broken.
    full_json(&l, &[]);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "fix", "琳琳", T0 + 2 * DAY);
    let warm = full_json(&l, &[]);
    let cold = full_json(&l, &["--no-cache"]);
    assert_eq!(warm, cold);
    let fix = steps(&warm["files"][path.as_str()]).last().unwrap().clone();
    assert_eq!(
        changes(&fix),
        [("status".into(), "developing".into(), "submitted".into())],
        "compared with the last version that parsed, also when it was mined in another run"
    );
}

#[test]
fn deleted_files_keep_their_history_and_broken_versions_keep_their_step() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    let l = l.file(&path, "---\nid: [unclosed\n---\n");
    commit_as(&l, "oops", "琳琳", T0 + DAY);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "fix", "琳琳", T0 + 2 * DAY);
    let l = l.remove(&path);
    commit_as(&l, "drop #20", "PM", T0 + 3 * DAY);
    let (code, out, _) = l.run(&["history", "--format", "json"]);
    assert_eq!(code, 0);
    let all = harness::json(&out);
    let t = &all["files"][path.as_str()];
    assert_eq!(t["deleted"], true, "{all:#}");
    let s = steps(t);
    assert_eq!(s.len(), 4);
    assert!(
        s[1]["note"]
            .as_str()
            .is_some_and(|n| n.contains("does not parse"))
    );
    assert!(
        has_change(&s[2], "status", "developing", "submitted"),
        "compared with the last version that parsed"
    );
    assert_eq!(s[3]["kind"], "Deleted");
}

#[test]
fn uncommitted_edits_are_a_working_tree_step() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "register", "琳琳", T0);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    let t = timeline(&l, &path, &[]);
    let last = steps(&t).last().unwrap().clone();
    assert_eq!(last["working_tree"], true);
    assert_eq!(last["commit"], "");
    assert!(has_change(&last, "status", "developing", "submitted"));
}

#[test]
fn shallow_clones_are_refused_with_the_fix_unless_allowed() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("note: no git binary; shallow clone test skipped");
        return;
    }
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "one", "琳琳", T0);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "two", "琳琳", T0 + DAY);
    let clone = l.root().join("clone");
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", l.dir().display()))
        .arg(&clone)
        .status()
        .unwrap();
    assert!(ok.success());
    let (code, _, err) = l.run_in(&clone, &["history"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("shallow") && err.contains("fetch-depth: 0") && err.contains("GIT_DEPTH: 0"),
        "{err}"
    );
    let (code, out, err) = l.run_in(&clone, &["history", "--allow-shallow"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("partial"), "{out}");
    // The site says so too, in ledger.json for other tools.
    let (code, _, err) = l.run_in(&clone, &["build", "--allow-shallow", "--out", "site"]);
    assert_eq!(code, 0, "{err}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(clone.join("site/ledger.json")).unwrap())
            .unwrap();
    assert_eq!(json["history_partial"], true);
}

#[test]
fn a_folder_without_git_has_no_history_and_says_so() {
    let l = base();
    let (code, _, err) = l.run(&["history"]);
    assert_eq!(code, 0);
    assert!(err.contains("not a git repository"), "{err}");
}

fn full_json(l: &Ledger, extra: &[&str]) -> Value {
    let mut args = vec!["history", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = l.run(&args);
    assert_eq!(code, 0, "{err}");
    harness::json(&out)
}

#[test]
fn the_cache_follows_new_commits_corruption_and_rewrites() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "one", "琳琳", T0);
    let cold = full_json(&l, &[]);
    assert!(
        l.path(".opsledger/cache/history.json").is_file(),
        "the cache is written"
    );
    assert_eq!(
        full_json(&l, &[]),
        cold,
        "a warm run gives the same history"
    );

    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "two", "琳琳", T0 + DAY);
    assert_eq!(
        full_json(&l, &[]),
        full_json(&l, &["--no-cache"]),
        "one added commit"
    );

    std::fs::write(l.path(".opsledger/cache/history.json"), "{ not json").unwrap();
    assert_eq!(
        full_json(&l, &[]),
        full_json(&l, &["--no-cache"]),
        "a corrupted cache is rebuilt"
    );

    // Rewrite history: amend the last commit with another status.
    let l = l.file(&path, entry_with(20, "on-hold", ""));
    let repo = open_repo(l.dir());
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    head.amend(
        Some("HEAD"),
        None,
        None,
        None,
        Some("two, amended"),
        Some(&tree),
    )
    .unwrap();
    let after = full_json(&l, &[]);
    assert_eq!(
        after,
        full_json(&l, &["--no-cache"]),
        "a rewritten history is mined again"
    );
    let s = steps(&after["files"][path.as_str()]).clone();
    assert!(has_change(
        s.last().unwrap(),
        "status",
        "developing",
        "on-hold"
    ));
    assert!(
        !serde_json::to_string(&after)
            .unwrap()
            .contains("\"submitted\""),
        "nothing of the dropped commit remains"
    );
}

#[test]
fn the_cache_is_rewritten_whenever_head_moved() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    let one = commit_as(&l, "one", "琳琳", T0);
    full_json(&l, &[]);
    let dir = l.path(".opsledger/cache");
    let cached = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    assert!(cached("history.json").contains(&format!("\"head\":\"{one}\"")));

    // Each run after a new commit records it: in the tail, next to the untouched base.
    let mut l = l;
    for (i, st) in ["submitted", "sit"].into_iter().enumerate() {
        l = l.file(&path, entry_with(20, st, ""));
        let id = commit_as(&l, st, "琳琳", T0 + (i as i64 + 1) * DAY);
        assert_eq!(full_json(&l, &[]), full_json(&l, &["--no-cache"]), "{st}");
        assert!(
            cached("history-tail.json").contains(&format!("\"head\":\"{id}\"")),
            "the next run starts from the new HEAD, not from the one before"
        );
        assert!(cached("history.json").contains(&format!("\"head\":\"{one}\"")));
    }

    // A rename and a new file on top of the tail, read back as a cold run mines them.
    let renamed = entry_path(20, "repayment-export");
    let l = l
        .remove(&path)
        .file(&renamed, entry_with(20, "sit", ""))
        .file(&entry_path(21, "other"), entry_with(21, "registered", ""));
    commit_as(&l, "rename #20, add #21", "琳琳", T0 + 5 * DAY);
    assert_eq!(full_json(&l, &[]), full_json(&l, &["--no-cache"]));
    let warm = full_json(&l, &[]);
    assert_eq!(
        warm,
        full_json(&l, &["--no-cache"]),
        "base and tail read back"
    );
    assert_eq!(steps(&warm["files"][renamed.as_str()]).len(), 4);
}

#[test]
fn a_cache_edited_into_other_valid_json_is_not_trusted() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "one", "琳琳", T0);
    let l = l.file(&path, entry_with(20, "submitted", ""));
    commit_as(&l, "two", "琳琳", T0 + DAY);
    let cold = full_json(&l, &["--no-cache"]);
    let file = l.path(".opsledger/cache/history.json");

    // A value changed: the history shown is mined again, not read from the edited file.
    full_json(&l, &[]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"submitted\""), "{text}");
    std::fs::write(&file, text.replace("\"submitted\"", "\"released\"")).unwrap();
    let (code, out, err) = l.run(&["history", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(harness::json(&out), cold);

    // An index out of range: no panic, mined again.
    full_json(&l, &[]);
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("\"by_path\":{").expect("by_path");
    let colon = at + text[at..].find(".md\":").expect("an index") + 5;
    let digits = text[colon..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let edited = format!("{}999{}", &text[..colon], &text[colon + digits..]);
    std::fs::write(&file, edited).unwrap();
    let (code, out, err) = l.run(&["history", "--format", "json"]);
    harness::assert_no_panic(&err);
    assert_eq!(code, 0, "{err}");
    assert_eq!(harness::json(&out), cold);
}

/// A generated corpus (skipped when the generator or python3 is not there).
fn corpus(l: &Ledger) -> Option<std::path::PathBuf> {
    let generator = harness::project_dir().join("../shared/bench/gen_ledger.py");
    if !generator.is_file() {
        eprintln!("note: {} not found; test skipped", generator.display());
        return None;
    }
    let dir = l.root().join("corpus");
    let ok = std::process::Command::new("python3")
        .arg(&generator)
        .arg(&dir)
        .args(["--entries", "50", "--commits", "300", "-q"])
        .status()
        .ok()?;
    ok.success().then_some(dir)
}

/// The commits `git log --follow` lists for `path`, newest first, cut at a copy: `--follow`
/// also pairs a newly added file with a similar existing one (`C050 0019-… → 0022-…`), which
/// belongs to the other file's history, not this one's.
fn git_log_follow(dir: &Path, path: &str) -> Vec<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "log",
            "--follow",
            "--name-status",
            "--format=%x01%H",
            "--",
            path,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut commits = Vec::new();
    for record in text.split('\x01').skip(1) {
        let mut lines = record.lines();
        let id = lines.next().unwrap_or("").trim().to_owned();
        let copied = lines.any(|l| l.starts_with('C'));
        commits.push(id);
        if copied {
            break;
        }
    }
    commits
}

#[test]
fn both_walkers_agree_and_match_git_log_follow() {
    let l = Ledger::empty();
    let Some(dir) = corpus(&l) else { return };
    let run = |walker: &str| {
        let (code, out, err) = l.run_in(
            &dir,
            &[
                "history",
                "--format",
                "json",
                "--no-cache",
                "--walker",
                walker,
            ],
        );
        assert_eq!(code, 0, "{err}");
        harness::json(&out)
    };
    let git = run("git");
    let libgit2 = run("libgit2");
    assert_eq!(
        git, libgit2,
        "the git binary and libgit2 walkers give the same history"
    );
    let files = git["files"].as_object().unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(dir.join("content/entries")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = format!("content/entries/{name}");
        let want = git_log_follow(&dir, &path);
        let mut got: Vec<String> = steps(&files[&path])
            .iter()
            .map(|s| s["commit"].as_str().unwrap().to_owned())
            .collect();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{path}");
        compared += 1;
    }
    assert!(compared >= 40, "compared {compared} entries");
}

#[test]
fn ids_and_paths_stay_inside_the_cache_dir_option() {
    let path = entry_path(20, "repayment");
    let l = base().file(&path, entry_with(20, "developing", ""));
    commit_as(&l, "one", "琳琳", T0);
    let cache = l.root().join("elsewhere");
    let (code, _, err) = l.run(&["history", "--cache-dir", cache.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(cache.join("history.json").is_file());
    assert!(!Path::new(&l.path(".opsledger")).exists());
}
