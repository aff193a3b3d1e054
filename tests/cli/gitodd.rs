//! History from odd git repositories: commits git reads leniently (an author without an
//! e-mail, a timestamp that overflows), replace refs and grafts, `.mailmap`, and dates far from
//! the epoch. Each history is mined with both walkers, with and without the cache, and all of
//! them must agree.

use crate::harness::{self, Ledger, MINIMAL_ENTRY_PATH};
use serde_json::Value;

const T0: i64 = 1_551_405_600; // 2019-03-01T10:00:00+08:00

/// Commits the work tree on HEAD as `name <name@example.com>` at `time` (+08:00).
fn commit_as(l: &Ledger, message: &str, name: &str, time: i64) -> git2::Oid {
    let sig = harness::person(name, time);
    harness::commit_signed(l, message, &sig, &sig, None)
}

/// Commits the work tree on HEAD as a raw commit object with the `author` and `committer`
/// lines as given (after `author ` / `committer `), as no well-behaved tool would write them.
fn commit_raw(l: &Ledger, message: &str, author: &str, committer: &str) -> String {
    let repo = l.repo_or_init();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = index.write_tree().unwrap();
    let parent = repo.refname_to_id("HEAD").unwrap();
    let raw = format!(
        "tree {tree}\nparent {parent}\nauthor {author}\ncommitter {committer}\n\n{message}\n"
    );
    let id = repo
        .odb()
        .unwrap()
        .write(git2::ObjectType::Commit, raw.as_bytes())
        .unwrap();
    repo.reference("refs/heads/main", id, true, "raw commit")
        .unwrap();
    id.to_string()
}

/// A ledger whose entry was added at T0 by Ann (one commit); edit it and commit to go on.
fn ledger() -> Ledger {
    let l = Ledger::minimal();
    commit_as(&l, "add", "Ann", T0);
    l
}

/// Edits the minimal entry (a new priority) in the work tree.
fn edit(l: Ledger, priority: &str) -> Ledger {
    let text: String = l
        .read(MINIMAL_ENTRY_PATH)
        .lines()
        .map(|line| match line.starts_with("priority: ") {
            true => format!("priority: {priority}\n"),
            false => format!("{line}\n"),
        })
        .collect();
    l.file(MINIMAL_ENTRY_PATH, text)
}

/// `opsledger history --format json` with each walker, without the cache, then with a cold and
/// a warm cache: asserts they all agree and returns the history and the warnings (stderr) of
/// the run without the cache.
fn history(l: &Ledger) -> (Value, String) {
    let run = |extra: &[&str]| {
        let mut args = vec!["history", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = l.run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        (harness::json(&out), err)
    };
    let (git, warnings) = run(&["--no-cache", "--walker", "git"]);
    let (libgit2, libgit2_warnings) = run(&["--no-cache", "--walker", "libgit2"]);
    assert_eq!(git, libgit2, "both walkers agree");
    assert_eq!(warnings, libgit2_warnings, "both walkers warn alike");
    let _ = std::fs::remove_dir_all(l.path(".opsledger"));
    for walker in ["git", "libgit2", "git"] {
        let (cached, cached_warnings) = run(&["--walker", walker]);
        assert_eq!(cached, git, "cached = not cached ({walker})");
        assert_eq!(cached_warnings, warnings, "the cache keeps the warnings");
    }
    (git, warnings)
}

/// The steps of the minimal entry's timeline.
fn steps(h: &Value) -> Vec<Value> {
    h["files"][MINIMAL_ENTRY_PATH]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("no timeline: {h:#}"))
        .clone()
}

#[test]
fn an_author_without_an_email_is_read_as_written_with_a_warning() {
    let l = edit(ledger(), "high");
    let odd = commit_raw(
        &l,
        "no e-mail",
        "Nobody 1551492000 +0800",
        "Ann <Ann@example.com> 1551492000 +0800",
    );
    let (h, warnings) = history(&l);
    assert_eq!(h["head"], odd.as_str());
    let steps = steps(&h);
    assert_eq!(steps.len(), 2, "{h:#}");
    let s = &steps[1];
    assert_eq!(s["commit"], odd.as_str());
    assert_eq!(s["author"], "Nobody");
    assert_eq!(s["email"], "");
    assert_eq!(s["time"], "2019-03-02T10:00:00+08:00");
    assert_eq!(s["landed_time"], "2019-03-02T10:00:00+08:00");
    assert!(warnings.contains("W0606"), "{warnings}");
    assert!(
        warnings.contains(&odd),
        "the warning names the commit: {warnings}"
    );
    assert!(warnings.contains("e-mail"), "{warnings}");

    let (code, out, err) = l.run(&["build", "--out", "../site"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("W0606") && out.contains(&odd), "{out}");
    let site: Value =
        serde_json::from_str(&std::fs::read_to_string(l.root().join("site/ledger.json")).unwrap())
            .unwrap();
    assert_eq!(site["generated_at"], "2019-03-02T10:00:00+08:00");
}

#[test]
fn a_committer_without_an_email_and_an_overflowing_time_still_give_the_history() {
    let l = edit(ledger(), "high");
    let odd = commit_raw(
        &l,
        "odd committer",
        "Bob <bob@example.com> 99999999999999999999 +0800",
        "Bob 1551492000 +0800",
    );
    let (h, warnings) = history(&l);
    let steps = steps(&h);
    assert_eq!(steps.len(), 2, "{h:#}");
    assert_eq!(steps[1]["author"], "Bob");
    assert_eq!(steps[1]["email"], "bob@example.com");
    // The time cannot be shown: as `git log` does, the epoch, and a warning says so.
    assert_eq!(steps[1]["time"], "1970-01-01T00:00:00+00:00");
    assert_eq!(steps[1]["landed_time"], "2019-03-02T10:00:00+08:00");
    assert!(warnings.contains("W0606"), "{warnings}");
    assert!(warnings.contains(&odd), "{warnings}");
    assert!(warnings.contains("99999999999999999999"), "{warnings}");
}

#[test]
fn dates_far_from_the_epoch_keep_their_time_and_offset() {
    let l = edit(ledger(), "high");
    // 1900-01-01T08:00:00+08:00 and 9999-12-31T23:59:59+14:00.
    let old = commit_raw(
        &l,
        "old",
        "Ann <Ann@example.com> -2208988800 +0800",
        "Ann <Ann@example.com> -2208988800 +0800",
    );
    let l = edit(l, "low");
    let late = commit_raw(
        &l,
        "late",
        "Ann <Ann@example.com> 253402250399 +1400",
        "Ann <Ann@example.com> 253402250399 +1400",
    );
    let (h, warnings) = history(&l);
    let steps = steps(&h);
    assert_eq!(steps.len(), 3, "{h:#}");
    assert_eq!(
        (&steps[1]["commit"], &steps[2]["commit"]),
        (&old.into(), &late.into())
    );
    assert_eq!(steps[1]["time"], "1900-01-01T08:00:00+08:00");
    assert_eq!(steps[1]["landed_time"], "1900-01-01T08:00:00+08:00");
    assert_eq!(steps[2]["time"], "9999-12-31T23:59:59+14:00");
    assert_eq!(steps[2]["landed_time"], "9999-12-31T23:59:59+14:00");
    assert!(!warnings.contains("W0606"), "{warnings}");
}

#[test]
fn replace_refs_and_grafts_are_ignored_by_both_walkers() {
    let l = edit(ledger(), "high");
    let second = commit_as(&l, "second", "Ann", T0 + 3600);
    let repo = l.repo_or_init();
    // A replacement of the second commit by another author, and a graft that cuts the history
    // before it: neither is in the commits themselves.
    let c = repo.find_commit(second).unwrap();
    let mallory = harness::person("Mallory", T0 + 7200);
    let parents: Vec<git2::Commit> = c.parents().collect();
    let fake = repo
        .commit(
            None,
            &mallory,
            &mallory,
            "replaced",
            &c.tree().unwrap(),
            &parents.iter().collect::<Vec<_>>(),
        )
        .unwrap();
    repo.reference(&format!("refs/replace/{second}"), fake, true, "replace")
        .unwrap();
    std::fs::create_dir_all(l.path(".git/info")).unwrap();
    let (h, _) = history(&l);
    let steps = steps(&h);
    assert_eq!(steps.len(), 2, "{h:#}");
    assert_eq!(steps[1]["commit"], second.to_string().as_str());
    assert_eq!(steps[1]["author"], "Ann");
    assert_eq!(steps[1]["message"], "second");

    std::fs::write(l.path(".git/info/grafts"), format!("{second}\n")).unwrap();
    let _ = std::fs::remove_dir_all(l.path(".opsledger"));
    let (grafted, _) = history(&l);
    assert_eq!(grafted, h, "grafts change nothing");
}

#[test]
fn names_go_through_the_mailmap_and_a_new_mailmap_is_not_stale() {
    let l = edit(ledger(), "high");
    commit_as(&l, "second", "Bob", T0 + 3600);
    let l = l.file(".mailmap", "Ann Lee <ann@new.example> <Ann@example.com>\n");
    let (h, _) = history(&l);
    let steps = steps(&h);
    assert_eq!(
        (&steps[0]["author"], &steps[0]["email"]),
        (&"Ann Lee".into(), &"ann@new.example".into())
    );
    assert_eq!(steps[1]["author"], "Bob", "not in the mailmap");

    // The cache of the run before must not keep the old names.
    let l = l.file(
        ".mailmap",
        "Robert <bob@new.example> Bob <Bob@example.com>\n",
    );
    let (code, out, err) = l.run(&["history", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let warm = harness::json(&out);
    let steps = self::steps(&warm);
    assert_eq!(steps[0]["author"], "Ann", "{warm:#}");
    assert_eq!(
        (&steps[1]["author"], &steps[1]["email"]),
        (&"Robert".into(), &"bob@new.example".into())
    );
    assert_eq!(history(&l).0, warm);
}
