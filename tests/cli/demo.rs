//! `opsledger demo`: the example ledger with a month of replayed git history — it builds,
//! passes `check`, ends at the example files byte for byte, has merges and a rename, shows
//! history on the entry pages, and gives the same commit ids every time.

use crate::harness::{Ledger, assert_no_panic, project_dir};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes, by relative path, leaving out `skip` folders.
fn tree(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skip.iter().any(|s| e.path() == dir.join(s)))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The example ledger and the scaffold, as the demo must end.
fn example_files() -> BTreeMap<String, Vec<u8>> {
    let p = project_dir();
    let mut want = BTreeMap::new();
    want.insert(
        "opsledger.toml".to_owned(),
        std::fs::read(p.join("opsledger.toml")).unwrap(),
    );
    for dir in ["content", "sql"] {
        for (rel, bytes) in tree(&p.join(dir), &[]) {
            want.insert(format!("{dir}/{rel}"), bytes);
        }
    }
    want.extend(tree(&p.join("scaffold"), &[]));
    want
}

#[test]
fn demo_writes_a_month_of_history_and_builds_it() {
    let l = Ledger::empty();
    let (code, stdout, stderr) = l.run_in(l.root(), &["demo", "--out", "first"]);
    assert_no_panic(&stderr);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains("open [TMP]/first/public/index.html"),
        "{stdout}"
    );
    let demo = l.root().join("first");

    // it passes check
    let (code, stdout, stderr) = l.run_in(&demo, &["check"]);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");

    // the final tree is the example ledger, byte for byte
    let got = tree(&demo, &[".git", "public", ".opsledger"]);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        example_files().keys().collect::<Vec<_>>()
    );
    assert!(
        got == example_files(),
        "the demo's files differ from the example"
    );

    // one commit per step of the script, merges of pull requests, a rename
    let script = std::fs::read_to_string(project_dir().join("demo/script.toml")).unwrap();
    let steps = script.lines().filter(|l| *l == "[[step]]").count();
    let repo = git2::Repository::open(&demo).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let ids: Vec<_> = walk.map(|id| id.unwrap()).collect();
    assert_eq!(ids.len(), steps);
    assert!((40..=100).contains(&steps), "{steps} steps");
    let merges: Vec<_> = ids
        .iter()
        .map(|id| repo.find_commit(*id).unwrap())
        .filter(|c| c.parent_count() == 2)
        .collect();
    assert!(merges.len() >= 4, "{} merges", merges.len());
    for m in &merges {
        let branch_tip = m.parent(1).unwrap();
        assert_ne!(
            m.author().name(),
            branch_tip.author().name(),
            "merger = author"
        );
        assert_eq!(m.author().when().offset_minutes(), 480);
    }
    let head = repo.head().unwrap();
    assert_eq!(head.shorthand().unwrap(), "main");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo.join("public/ledger.json")).unwrap()).unwrap();
    let e20 = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == 20)
        .unwrap();
    let paths: Vec<_> = e20["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths.first().unwrap(), "content/entries/0020-repay-file.md");
    assert_eq!(
        paths.last().unwrap(),
        "content/entries/0020-repayment-file.md"
    );

    // the next train (cut-off Friday 03-15, after HEAD on 03-14) is a forecast: entries 13-16
    // ship on tonight's 03-14 release, so only entry 18 is due on it
    let train = std::fs::read_to_string(demo.join("public/train/2019-W12/index.html")).unwrap();
    let due = train
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    let ids: Vec<&str> = due
        .split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .nth(1)
                .unwrap()
                .split("</td>")
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, ["18"], "{due}");
    assert!(train.contains("· 3 天</span>"), "days in the environments");
    // this week's train shows the environments as of HEAD (16:00), not of tonight's release
    let this_week = std::fs::read_to_string(demo.join("public/train/2019-W11/index.html")).unwrap();
    assert!(this_week.contains("截至 2019-03-14 16:00"), "{this_week}");

    // late is judged as the on-time rate: #13-#16 (planned 03-08) are in test for tonight's
    // 03-14 train, not late; #20 is still in development after its planned 03-07
    let dashboard = std::fs::read_to_string(demo.join("public/index.html")).unwrap();
    let late_section = dashboard
        .split("逾期条目")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(
        late_section.matches("<tr").count(),
        2,
        "the header and #20: {late_section}"
    );
    assert!(late_section.contains("还款文件生成"), "{late_section}");

    // the on-time rate judges planned_finish by the train it aimed at
    let weeks = json["metrics"]["weeks"].as_array().unwrap();
    let w08 = weeks.iter().find(|w| w["key"] == "2019-W08").unwrap();
    assert_eq!((&w08["with_plan"], &w08["on_time"]), (&3.into(), &3.into()));

    // the entry page shows several steps of history
    let page = std::fs::read_to_string(demo.join("public/entries/20/index.html")).unwrap();
    assert!(page.matches("<li class=\"step\"").count() >= 3, "{page}");
    // a change merged by a pull request says when it landed, in the ledger's time zone
    let page = std::fs::read_to_string(demo.join("public/entries/14/index.html")).unwrap();
    assert!(
        page.contains(
            "合入 <code>a4d736be70</code> <time datetime=\"2019-03-14T11:00:00+08:00\">2019-03-14 11:00</time>"
        ),
        "{page}"
    );
    let statuses: Vec<_> = json["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2019-03-07")
        .unwrap()["history"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["changes"].as_array().unwrap().clone())
        .filter(|c| c["field"] == "status")
        .map(|c| c["to"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        statuses,
        ["planning", "testing", "approved", "released", "rolled-back"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );

    // a second demo gives the same commits and the same site
    let (code, _, stderr) = l.run_in(l.root(), &["demo", "--out", "second"]);
    assert_eq!(code, 0, "{stderr}");
    let second = git2::Repository::open(l.root().join("second")).unwrap();
    assert_eq!(
        second.head().unwrap().target(),
        repo.head().unwrap().target()
    );
    assert!(
        tree(&demo.join("public"), &[]) == tree(&l.root().join("second/public"), &[]),
        "two demos built different sites"
    );
}

#[test]
fn demo_refuses_a_folder_that_is_not_empty() {
    let l = Ledger::empty().file("notes.txt", "mine");
    let (code, stdout, stderr) = l.run_in(l.root(), &["demo", "--out", "ledger"]);
    assert_no_panic(&stderr);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(l.read("notes.txt"), "mine");
    // an empty folder is fine
    std::fs::create_dir_all(l.root().join("empty")).unwrap();
    let (code, stdout, stderr) = l.run_in(l.root(), &["demo", "--out", "empty"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("open [TMP]/empty/public/index.html"),
        "{stdout}"
    );
}
