//! `check --base REF` and `diff --base REF`: a pull-request branch `pr` compared with `main`.
//! Each test builds `main`, branches, commits the change on `pr` and runs the binary there.
//! Last, the CI files `init` writes, which run both on every pull request.

use crate::harness::{
    Ledger, MINIMAL_ENTRY, MINIMAL_ENTRY_PATH, MINIMAL_RELEASE, MINIMAL_RELEASE_PATH,
    assert_no_panic, entry, entry_path, json, located,
};

/// The minimal entry 1 with another status and `extra` front matter lines.
fn entry1(status: &str, extra: &str) -> String {
    MINIMAL_ENTRY
        .replace("status: developing\n", &format!("status: {status}\n"))
        .replace(
            "release: 2019-03-07\n",
            &format!("release: 2019-03-07\n{extra}"),
        )
}

const SIT_PASSED: &str = "tests:\n  sit: {result: pass, date: 2019-03-05, by: 王测}\n";
const SIT_UAT_PASSED: &str = "tests:\n  sit: {result: pass, date: 2019-03-05, by: 王测}\n  uat: {result: pass, date: 2019-03-06, by: 王测}\n";

/// `main` with entry 1 and its release released, and the branch `pr` checked out from it; and
/// the released entry's text.
fn released_on_a_branch() -> (Ledger, String) {
    let released_entry = entry1(
        "released",
        "test_opinion: 测试通过，同意上线\ntests:\n  sit: {result: pass}\n  uat: {result: pass}\n  preprod: {result: pass}\n",
    );
    let released_release =
        MINIMAL_RELEASE.replace("status: planning\n", "status: released\napprover: 张总\n");
    let l = Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, &released_entry)
        .file(MINIMAL_RELEASE_PATH, &released_release)
        .commit("released")
        .checkout("pr");
    (l, released_entry)
}

/// `main` with entry 1 at `sit`, and the branch `pr` checked out from it.
fn at_sit_on_a_branch() -> Ledger {
    Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .commit("entry 1 in SIT")
        .checkout("pr")
}

fn short(hash: &str) -> &str {
    &hash[..7]
}

#[test]
fn one_stage_forward_passes() {
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("uat", SIT_PASSED))
        .commit("entry 1 to UAT");
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "ok: 1 entry, 1 requirement, 1 release, 0 runbooks\n\
         ok: the changes since `main` (1 commit) follow the workflow\n"
    );
    let (code, out, _) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(located(&out).is_empty(), "{out}");
}

#[test]
fn a_skipped_stage_is_located_at_the_status_line() {
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 to pre-production");
    let commit = l.head_id();
    // Without --base the file alone is valid.
    assert_eq!(l.run(&["check"]).0, 0);

    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        located(&out),
        [("E0601".into(), MINIMAL_ENTRY_PATH.into(), 8, 9)]
    );
    let d = &json(&out)["diagnostics"][0];
    assert_eq!(
        d["message"],
        format!(
            "entry 1 moved from `sit` to `preprod` in commit {} (Test), skipping `uat`",
            short(&commit)
        )
    );
    assert_eq!(
        d["help"],
        "move one stage at a time (sit → uat → preprod), each after its test has passed"
    );

    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.starts_with("error[E0601]: entry 1 moved from `sit` to `preprod`"),
        "{out}"
    );
    assert!(
        out.contains(&format!(" --> {MINIMAL_ENTRY_PATH}:8:9\n")),
        "{out}"
    );
    assert!(out.contains("8 | status: preprod\n"), "{out}");
    assert!(out.ends_with("1 error, 0 warnings\n"), "{out}");

    let (code, out, _) = l.run(&["check", "--base", "main", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with(&format!(
            "::error file={MINIMAL_ENTRY_PATH},line=8,col=9,title=E0601::"
        )),
        "{out}"
    );

    // `diff` reports the problem and still exits 0.
    let (code, out, err) = l.run(&["diff", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("— ❌ 1 error\n"), "{out}");
    assert!(
        out.contains(&format!(
            "- ❌ **E0601** `{MINIMAL_ENTRY_PATH}:8:9`: entry 1 moved"
        )),
        "{out}"
    );
}

#[test]
fn each_commit_is_judged_and_the_one_that_skipped_is_named() {
    // Two commits, one stage each: not a skip, although main → HEAD jumps two stages.
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("uat", SIT_PASSED))
        .commit("entry 1 to UAT")
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 to pre-production");
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("(2 commits) follow the workflow"), "{out}");

    // The skip is in the first commit; a later commit edits something else.
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 to pre-production");
    let skipped = l.head_id();
    let l = l
        .file(
            MINIMAL_ENTRY_PATH,
            entry1("preprod", SIT_UAT_PASSED).replace("priority: medium", "priority: high"),
        )
        .commit("entry 1 is urgent");
    let later = l.head_id();
    let (code, out, _) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let msg = json(&out)["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        msg.contains(&format!("in commit {}", short(&skipped))),
        "{msg}"
    );
    assert!(!msg.contains(short(&later)), "{msg}");
}

/// Merges branch `other` into the checked-out branch with a merge commit (no conflicts).
fn merge_into_head(l: Ledger, other: &str) -> Ledger {
    crate::harness::merge_signed(&l, other, &crate::harness::signature());
    l
}

#[test]
fn merging_main_into_the_branch_is_not_a_skip() {
    // The branch moves entry 1 one stage at a time; main meanwhile retitles it, and the branch
    // merges main. main's commit did not touch the status: no move is read from it.
    let l = at_sit_on_a_branch()
        .file(MINIMAL_ENTRY_PATH, entry1("uat", SIT_PASSED))
        .commit("entry 1 to UAT")
        .file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED))
        .commit("entry 1 to pre-production")
        .checkout("main")
        .file(
            MINIMAL_ENTRY_PATH,
            entry1("sit", "").replace("title: 还款文件生成", "title: 还款文件生成与推送"),
        )
        .commit("entry 1: title")
        .checkout("pr");
    let l = merge_into_head(l, "main");
    assert_eq!(
        l.read(MINIMAL_ENTRY_PATH),
        entry1("preprod", SIT_UAT_PASSED)
            .replace("title: 还款文件生成", "title: 还款文件生成与推送"),
        "the merge holds both changes"
    );
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("follow the workflow"), "{out}");
    let (code, out, err) = l.run(&["diff", "--base", "main", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        json(&out)["status_moves"][0]["through"],
        serde_json::json!(["sit", "uat", "preprod"]),
        "{out}"
    );
}

#[test]
fn an_uncommitted_skip_is_caught_without_history() {
    let l = at_sit_on_a_branch().file(MINIMAL_ENTRY_PATH, entry1("preprod", SIT_UAT_PASSED));
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        located(&out),
        [("E0601".into(), MINIMAL_ENTRY_PATH.into(), 8, 9)]
    );
    assert_eq!(
        json(&out)["diagnostics"][0]["message"],
        "entry 1 moved from `sit` to `preprod` since `main`, skipping `uat`"
    );
}

#[test]
fn an_id_taken_on_main_since_the_branch_started() {
    let theirs = entry_path(2, "customer-export");
    let mine = entry_path(2, "overdue-report");
    let l = Ledger::minimal()
        .commit("start")
        .checkout("pr")
        .checkout("main")
        .file(&theirs, entry(2, ""))
        .commit("entry 2 on main")
        .checkout("pr")
        .file(&mine, entry(2, "").replace("客户清单导出", "逾期日报"))
        .commit("entry 2 on the branch");
    // Each branch on its own is valid; merged, id 2 would be taken twice.
    assert_eq!(l.run(&["check"]).0, 0);
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(located(&out), [("E0602".into(), mine.clone(), 2, 5)]);
    let d = &json(&out)["diagnostics"][0];
    assert_eq!(
        d["message"],
        format!(
            "entry id 2 is also taken by `{theirs}`, added on `main` since this branch started"
        )
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("`0003-overdue-report.md`"),
        "{d}"
    );
}

#[test]
fn a_released_entry_is_edited_only_after_a_rollback() {
    let (l, released_entry) = released_on_a_branch();
    assert_eq!(l.run(&["check", "--base", "main"]).0, 0, "nothing changed");

    let l = l
        .file(
            MINIMAL_ENTRY_PATH,
            released_entry.replace("priority: medium", "priority: high"),
        )
        .commit("reprioritise");
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        located(&out),
        [("E0603".into(), MINIMAL_ENTRY_PATH.into(), 7, 11)]
    );
    assert_eq!(
        json(&out)["diagnostics"][0]["message"],
        "entry 1 is released, but `priority` changed from `medium` to `high` without a rollback"
    );

    // Rolled back in the same change: the edit is part of the rollback.
    let l = l
        .file(
            MINIMAL_ENTRY_PATH,
            released_entry
                .replace("priority: medium", "priority: high")
                .replace("status: released", "status: rolled-back"),
        )
        .commit("roll back");
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_new_entry_added_past_the_start_of_the_workflow_is_a_warning() {
    let path = entry_path(2, "customer-export");
    let l = Ledger::minimal()
        .commit("start")
        .checkout("pr")
        .file(
            &path,
            entry(2, SIT_PASSED).replace("status: developing", "status: uat"),
        )
        .commit("entry 2, already in UAT");
    let commit = l.head_id();
    assert_eq!(l.run(&["check"]).0, 0, "valid on its own");
    // A warning (an import adds entries where they stand), an error with --deny-warnings.
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(located(&out), [("W0604".into(), path.clone(), 7, 9)]);
    let (code, _, _) = l.run(&["check", "--base", "main", "--deny-warnings"]);
    assert_eq!(code, 1);
    assert_eq!(
        json(&out)["diagnostics"][0]["message"],
        format!(
            "entry 2 was added at `uat` in commit {} (Test), skipping `developing`, `submitted` and `sit`",
            short(&commit)
        )
    );

    // Added as `registered` (as `opsledger new` writes it), then moved on: fine.
    let l = Ledger::minimal()
        .commit("start")
        .checkout("pr")
        .file(
            &path,
            entry(2, "").replace("status: developing", "status: registered"),
        )
        .commit("entry 2")
        .file(&path, entry(2, ""))
        .commit("entry 2 in development");
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn deleting_a_released_entry_is_reported_at_the_top_of_its_file() {
    let l = released_on_a_branch()
        .0
        .remove(MINIMAL_ENTRY_PATH)
        .commit("drop entry 1");
    let (code, out, err) = l.run(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        located(&out),
        [("E0603".into(), MINIMAL_ENTRY_PATH.into(), 1, 1)]
    );
    assert_eq!(
        json(&out)["diagnostics"][0]["message"],
        "entry 1 is released, but its file was deleted"
    );
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    assert!(
        out.contains(&format!("--> {MINIMAL_ENTRY_PATH}:1:1")),
        "{out}"
    );
}

#[test]
fn a_bad_base_is_a_tool_error_naming_it() {
    let l = Ledger::minimal().commit("start");
    for cmd in ["check", "diff"] {
        let (code, out, err) = l.run(&[cmd, "--base", "no-such-branch"]);
        assert_eq!(code, 2, "{cmd}: {out}{err}");
        assert!(out.is_empty(), "{cmd}: {out}");
        assert!(
            err.starts_with(
                "error: --base no-such-branch: no branch, tag or commit is named `no-such-branch`"
            ),
            "{cmd}: {err}"
        );
        assert_no_panic(&err);
    }
    let (code, _, err) = Ledger::minimal().run(&["diff", "--base", "main"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not in a git repository"), "{err}");
    let (code, _, err) = l.run(&["diff"]);
    assert_eq!(code, 2, "--base is required: {err}");
}

#[test]
fn a_missing_base_says_what_to_fetch_with_or_without_a_remote_prefix() {
    let l = Ledger::minimal().commit("start");
    crate::harness::open_repo(l.dir())
        .remote("origin", "https://example.com/ledger.git")
        .unwrap();
    let (code, _, err) = l.run(&["check", "--base", "origin/release"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("fetch it first: `git fetch origin release`"),
        "{err}"
    );
    assert!(!err.contains("origin/origin"), "{err}");
    let (code, _, err) = l.run(&["check", "--base", "release"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`git fetch origin release`, then `--base origin/release`"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// The CI that `init` writes runs `check --base` and `diff --base` on every pull request.

/// `init` into a fresh folder; the ledger and its workflow files parsed as YAML.
fn init() -> (Ledger, serde_json::Value, serde_json::Value) {
    let l = Ledger::empty();
    let dir = l.dir().to_str().unwrap().to_owned();
    let (code, out, err) = l.run_in(l.root(), &["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    let yaml = |rel: &str| -> serde_json::Value {
        serde_saphyr::from_str(&l.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let (github, gitlab) = (
        yaml(".github/workflows/opsledger.yml"),
        yaml(".gitlab-ci.yml"),
    );
    (l, github, gitlab)
}

#[test]
fn init_commits_on_main_so_the_workflows_and_check_base_main_find_it() {
    let (l, ..) = init();
    let repo = crate::harness::open_repo(l.dir());
    assert_eq!(repo.head().unwrap().name(), Ok("refs/heads/main"));
    let l = l.checkout("pr");
    let (code, out, err) = l.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn the_github_workflow_caches_history_comments_the_diff_and_deploys_pages() {
    let (l, w, _) = init();
    let text = l.read(".github/workflows/opsledger.yml");
    let install = w["env"]["OPSLEDGER_INSTALL"]
        .as_str()
        .expect("OPSLEDGER_INSTALL");
    assert!(
        install.starts_with("cargo install --locked --git "),
        "{install}"
    );
    assert!(
        text.find("OPSLEDGER_INSTALL") < text.find("jobs:"),
        "the install command is set at the top"
    );
    assert_eq!(w["on"]["push"]["branches"], serde_json::json!(["main"]));

    let check = &w["jobs"]["check"];
    assert_eq!(check["permissions"]["pull-requests"], "write");
    let steps = check["steps"].as_array().unwrap();
    let uses =
        |s: &serde_json::Value, what: &str| s["uses"].as_str().is_some_and(|u| u.starts_with(what));
    let checkout = steps.iter().find(|s| uses(s, "actions/checkout")).unwrap();
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    let cache = steps
        .iter()
        .find(|s| uses(s, "actions/cache"))
        .expect("a history cache");
    assert_eq!(cache["with"]["path"], ".opsledger/cache");
    assert!(
        cache["with"]["key"]
            .as_str()
            .unwrap()
            .contains("${{ github.sha }}")
    );
    assert!(
        cache["with"]["restore-keys"]
            .as_str()
            .unwrap()
            .contains("opsledger-")
    );
    let run = |s: &serde_json::Value| s["run"].as_str().unwrap_or("").to_owned();
    assert!(
        steps
            .iter()
            .any(|s| run(s) == "${{ env.OPSLEDGER_INSTALL }}")
    );
    let check_at = steps
        .iter()
        .position(|s| run(s).starts_with("opsledger check --base"))
        .unwrap();
    let diff_at = steps
        .iter()
        .position(|s| run(s).contains("opsledger diff --base"))
        .unwrap();
    assert!(check_at < diff_at);
    let diff = &steps[diff_at];
    assert_eq!(
        diff["if"], "${{ !cancelled() }}",
        "runs when the check failed"
    );
    assert_eq!(diff["env"]["GH_TOKEN"], "${{ github.token }}");
    assert!(run(diff).contains("gh pr comment \"$PR\" --body-file ledger-diff.md --edit-last"));

    let publish = &w["jobs"]["publish"];
    assert!(
        publish["if"]
            .as_str()
            .unwrap()
            .contains("github.event.repository.default_branch")
    );
    assert_eq!(publish["environment"]["name"], "github-pages");
    assert_eq!(
        publish["environment"]["url"],
        "${{ steps.deployment.outputs.page_url }}"
    );
    assert_eq!(publish["permissions"]["pages"], "write");
    let steps = publish["steps"].as_array().unwrap();
    let deploy = steps
        .iter()
        .find(|s| uses(s, "actions/deploy-pages@v4"))
        .unwrap();
    assert_eq!(deploy["id"], "deployment");
    assert!(steps.iter().any(|s| uses(s, "actions/cache")));
}

#[test]
fn the_gitlab_pipeline_caches_history_and_keeps_the_diff_when_the_check_fails() {
    let (_, _, g) = init();
    assert_eq!(g["variables"]["GIT_DEPTH"], 0);
    assert!(
        g["variables"]["OPSLEDGER_INSTALL"]
            .as_str()
            .unwrap()
            .starts_with("cargo install")
    );
    assert_eq!(
        g["default"]["before_script"][0],
        "eval \"$OPSLEDGER_INSTALL\""
    );
    let check = &g["check"];
    assert_eq!(check["cache"]["paths"][0], ".opsledger/cache");
    assert!(
        check["cache"]["key"]
            .as_str()
            .unwrap()
            .starts_with("opsledger-")
    );
    let script: Vec<&str> = check["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let diff_at = script
        .iter()
        .position(|s| s.starts_with("opsledger diff --base"))
        .unwrap();
    let check_at = script
        .iter()
        .position(|s| s.starts_with("opsledger check --base"))
        .unwrap();
    assert!(
        diff_at < check_at,
        "the diff is written before the check can fail the job"
    );
    assert_eq!(check["artifacts"]["when"], "always");
    assert_eq!(check["artifacts"]["paths"][0], "ledger-diff.md");
    assert_eq!(
        g["pages"]["rules"][0]["if"],
        "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    );
    assert_eq!(g["pages"]["cache"]["paths"][0], ".opsledger/cache");
}

// ---------------------------------------------------------------------------------------------
// `diff --base`: one branch with a bit of everything.

/// `main`: entry 1 at SIT, entries 2–4, releases 2019-03-07 and 2019-03-14. The branch, in two
/// commits: entry 1 to UAT and entry 4 renamed; then entry 5 added with a new SQL script into
/// 2019-03-14, entry 3 removed, entry 2 reprioritised and moved to 2019-03-14.
fn a_bit_of_everything() -> Ledger {
    let release_14 = MINIMAL_RELEASE
        .replace("2019-03-07", "2019-03-14")
        .replace("status: planning", "status: testing");
    let old_report = entry_path(4, "overdue");
    Ledger::minimal()
        .file(MINIMAL_ENTRY_PATH, entry1("sit", ""))
        .file(
            &entry_path(2, "customer-export"),
            entry(2, "release: 2019-03-07\n"),
        )
        .file(
            &entry_path(3, "old-report"),
            entry(3, "release: 2019-03-07\n").replace("客户清单导出", "旧报表下线"),
        )
        .file(&old_report, entry(4, "").replace("客户清单导出", "逾期日报"))
        .file("content/releases/2019-03-14.md", release_14)
        .commit("main")
        .checkout("pr")
        .file(MINIMAL_ENTRY_PATH, entry1("uat", SIT_PASSED))
        .remove(&old_report)
        .file(
            &entry_path(4, "overdue-daily"),
            entry(4, "").replace("客户清单导出", "逾期日报"),
        )
        .commit("entry 1 to UAT; rename entry 4")
        .file(
            &entry_path(5, "export-table"),
            entry(
                5,
                "has_sql: true\nsql_scripts: [sql/0005_add_export_table.sql]\nrelease: 2019-03-14\n",
            )
            .replace("客户清单导出", "导出表 *v2*"),
        )
        .file(
            "sql/0005_add_export_table.sql",
            "CREATE TABLE loan_export (id BIGINT PRIMARY KEY);\n",
        )
        .remove(&entry_path(3, "old-report"))
        .file(
            &entry_path(2, "customer-export"),
            entry(2, "release: 2019-03-14\n").replace("priority: low", "priority: high"),
        )
        .commit("entry 5; drop entry 3; entry 2 to the next release")
}

#[test]
fn diff_markdown_summarises_the_branch() {
    let l = a_bit_of_everything();
    let (code, out, err) = l.run(&["diff", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_no_panic(&err);
    insta::assert_snapshot!("diff_markdown", out);
}

#[test]
fn diff_json_has_the_documented_shape() {
    let l = a_bit_of_everything();
    let merge_base = {
        let repo = crate::harness::open_repo(l.dir());
        repo.find_branch("main", git2::BranchType::Local)
            .unwrap()
            .get()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    };
    let (code, out, err) = l.run(&["diff", "--base", "main", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["compared"]["ref"], "main");
    assert_eq!(v["compared"]["merge_base"], merge_base);
    assert_eq!(v["compared"]["base_commit"], merge_base);
    assert_eq!(v["compared"]["head_commit"], l.head_id());
    assert_eq!(
        v["summary"],
        serde_json::json!({"status_moves": 1, "added": 1, "removed": 1, "renamed": 1,
                           "edited": 2, "releases": 2, "sql_scripts": 1})
    );
    let m = &v["status_moves"][0];
    assert_eq!(
        (&m["kind"], &m["id"], &m["from"], &m["to"], &m["status"]),
        (
            &"entry".into(),
            &1.into(),
            &"sit".into(),
            &"uat".into(),
            &"uat".into()
        )
    );
    assert_eq!(m["through"], serde_json::json!(["sit", "uat"]));
    assert_eq!(v["added"][0]["id"], 5);
    assert_eq!(v["added"][0]["title"], "导出表 *v2*");
    assert_eq!(v["added"][0]["path"], entry_path(5, "export-table"));
    assert_eq!(v["removed"][0]["id"], 3);
    assert_eq!(v["renamed"][0]["old_path"], entry_path(4, "overdue"));
    assert_eq!(v["renamed"][0]["path"], entry_path(4, "overdue-daily"));
    // Entry 1's test results (its status is under status_moves), then entry 2.
    assert_eq!(v["field_changes"][0]["id"], 1);
    assert_eq!(
        v["field_changes"][0]["changes"][0],
        serde_json::json!({"field": "tests.sit.by", "from": "", "to": "王测"})
    );
    let edited = &v["field_changes"][1];
    assert_eq!(edited["id"], 2);
    assert_eq!(
        edited["changes"],
        serde_json::json!([
            {"field": "priority", "from": "low", "to": "high"},
            {"field": "release", "from": "2019-03-07", "to": "2019-03-14"}
        ])
    );
    assert_eq!(edited["body_changed"], false);
    let releases: Vec<(String, Vec<u64>, Vec<u64>)> = v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let ids = |k: &str| {
                r[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["id"].as_u64().unwrap())
                    .collect()
            };
            (
                r["release"].as_str().unwrap().to_owned(),
                ids("gains"),
                ids("loses"),
            )
        })
        .collect();
    assert_eq!(
        releases,
        [
            ("2019-03-07".into(), vec![], vec![2, 3]),
            ("2019-03-14".into(), vec![2, 5], vec![])
        ]
    );
    let sql = &v["sql_scripts"][0];
    assert_eq!(sql["change"], "added");
    assert_eq!(sql["path"], "sql/0005_add_export_table.sql");
    assert_eq!(sql["referenced_by"][0]["id"], 5);
    assert_eq!(v["check"]["summary"]["errors"], 0);
    assert_eq!(v["check"]["diagnostics"], serde_json::json!([]));
}
