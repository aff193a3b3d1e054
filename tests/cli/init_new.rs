//! `opsledger init` and `opsledger new`.

use crate::harness::{self, Ledger, assert_no_panic, entry, names_in, open_repo};

/// The id of an entry file name (`0020-x.md` → 20).
fn id_of(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits.parse().ok()).flatten()
}

/// The highest entry id in the work tree of `l`.
fn max_entry_id(l: &Ledger) -> u32 {
    names_in(&l.path("content/entries"))
        .iter()
        .filter_map(|n| id_of(n))
        .max()
        .expect("some entries")
}

#[test]
fn init_writes_a_committed_example_that_checks() {
    let l = Ledger::empty();
    let dir = l.dir().to_str().unwrap().to_owned();
    let (code, out, err) = l.run_in(l.root(), &["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    assert_no_panic(&err);
    assert!(out.contains("files into [TMP]/ledger\n"), "{out}");
    assert!(
        out.contains("created a git repository and committed the example"),
        "{out}"
    );
    assert!(!out.contains("kept"), "{out}");

    // The example of the project, byte for byte, and the scaffold.
    let project = harness::project_dir();
    assert_eq!(
        std::fs::read(l.path("opsledger.toml")).unwrap(),
        std::fs::read(project.join("opsledger.toml")).unwrap()
    );
    for folder in [
        "content/entries",
        "content/requirements",
        "content/releases",
        "content/runbooks",
        "sql",
    ] {
        assert_eq!(
            names_in(&l.path(folder)),
            names_in(&project.join(folder)),
            "{folder}"
        );
    }
    for rel in [
        "content/entries/0020-repayment-file.md",
        "content/releases/2019-03-07.md",
        "content/requirements/REQ-0001-loan-repayment-file-and-plan.md",
    ] {
        assert_eq!(
            std::fs::read(l.path(rel)).unwrap(),
            std::fs::read(project.join(rel)).unwrap(),
            "{rel}"
        );
    }
    for rel in [
        ".gitignore",
        ".github/workflows/opsledger.yml",
        ".gitlab-ci.yml",
    ] {
        assert!(l.path(rel).is_file(), "{rel} not written");
    }

    // One commit holding every file: the work tree is clean.
    let repo = open_repo(l.dir());
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.parent_count(), 0);
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    assert_eq!(walk.count(), 1);
    let tree = head.tree().unwrap();
    for rel in [
        "opsledger.toml",
        "content/entries/0020-repayment-file.md",
        ".gitignore",
    ] {
        assert!(
            tree.get_path(std::path::Path::new(rel)).is_ok(),
            "{rel} not committed"
        );
    }
    let statuses = repo.statuses(None).unwrap();
    let dirty: Vec<_> = statuses
        .iter()
        .filter_map(|s| s.path().ok().map(str::to_owned))
        .collect();
    assert!(dirty.is_empty(), "not committed: {dirty:?}");

    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: "), "{out}");
}

#[test]
fn init_dir_is_relative_to_dash_c() {
    let l = Ledger::empty();
    // `opsledger -C <root> init ledger` writes into <root>/ledger, whatever the working folder.
    let (code, out, err) = l.run_in(l.root(), &["init", "ledger"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("wrote "), "{out}");
    assert!(out.contains(" files into [TMP]/ledger\n"), "{out}");
    assert!(l.path("opsledger.toml").is_file());
    assert!(
        !l.path("ledger").exists(),
        "written into <root>/ledger/ledger"
    );
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_linked_folder() {
    let l = Ledger::empty();
    let outside = l.root().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let l = l.symlink("content", &outside);
    let dir = l.dir().to_str().unwrap().to_owned();
    let (code, out, err) = l.run(&["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("behind a folder that is a symbolic link"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "wrote outside"
    );
    assert!(l.path("opsledger.toml").is_file());
}

#[test]
fn init_adds_the_site_and_the_cache_to_an_existing_gitignore() {
    let l = Ledger::empty().file(".gitignore", "target/\n/public/");
    let dir = l.dir().to_str().unwrap().to_owned();
    let (code, out, err) = l.run(&["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("added to .gitignore: /.public.tmp-*/, /.opsledger/"),
        "{out}"
    );
    let text = l.read(".gitignore");
    assert!(text.starts_with("target/\n/public/\n"), "{text}");
    assert_eq!(text.matches("/.opsledger/").count(), 1, "{text}");
    assert_eq!(text.matches("/public/").count(), 1, "{text}");
    // A second run adds nothing.
    let (_, out, _) = l.run(&["init", &dir]);
    assert!(!out.contains("added to .gitignore"), "{out}");
    assert_eq!(l.read(".gitignore"), text);
}

#[test]
fn init_never_overwrites() {
    let l = Ledger::empty();
    let dir = l.dir().to_str().unwrap().to_owned();
    let (code, out, err) = l.run(&["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    let mine = format!("{}\n# my own settings\n", l.read("opsledger.toml"));
    let edited_entry = "---\nnot even valid\n";
    let l = l
        .file("opsledger.toml", &mine)
        .file("content/entries/0020-repayment-file.md", edited_entry)
        .remove("content/runbooks/repayment-batch.md");

    let (code, out, err) = l.run(&["init", &dir]);
    assert_eq!(code, 0, "{out}{err}");
    assert_no_panic(&err);
    assert_eq!(l.read("opsledger.toml"), mine);
    assert_eq!(
        l.read("content/entries/0020-repayment-file.md"),
        edited_entry
    );
    // Only the missing file is written again.
    assert!(out.contains("wrote 1 file"), "{out}");
    assert!(l.path("content/runbooks/repayment-batch.md").is_file());
    let kept = out
        .lines()
        .find(|line| line.starts_with("kept "))
        .unwrap_or_else(|| panic!("no `kept` line:\n{out}"));
    assert!(kept.contains("untouched"), "{kept}");
    assert!(kept.contains("opsledger.toml"), "{kept}");
    assert!(
        kept.contains("content/entries/0020-repayment-file.md"),
        "{kept}"
    );
    assert!(!kept.contains("repayment-batch.md"), "{kept}");
    // Already a repository: nothing committed.
    assert!(!out.contains("created a git repository"), "{out}");
    let repo = open_repo(l.dir());
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    assert_eq!(walk.count(), 1);
}

#[test]
fn new_entry_takes_the_next_free_id() {
    let l = Ledger::example().commit("example ledger");
    let next = max_entry_id(&l) + 1;
    let (code, out, err) = l.run(&[
        "new",
        "entry",
        "--title",
        "Export file",
        "--system",
        "小贷",
        "--proposer",
        "琳琳",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let rel = format!("content/entries/{next:04}-export-file.md");
    assert_eq!(out, format!("created {rel}\n"));
    let text = l.read(&rel);
    assert!(text.starts_with(&format!("---\nid: {next}\n")), "{text}");
    assert!(text.contains("\ntitle: \"Export file\"\n"), "{text}");
    assert!(text.contains("\nsystem: \"小贷\"\n"), "{text}");
    assert!(text.contains("\nproposer: \"琳琳\"\n"), "{text}");
    assert!(text.contains("\nstatus: registered\n"), "{text}");
    // Every key of an entry is written, so people see what there is to fill.
    for key in opsledger::schema::RawEntry::FIELDS {
        assert!(
            text.contains(&format!("\n{key}:")),
            "{key} missing:\n{text}"
        );
    }
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");

    // And the one after that.
    let (code, out, _) = l.run(&[
        "new",
        "entry",
        "--title",
        "还款文件",
        "--proposer",
        "琳琳",
        "--system",
        "小贷",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("created content/entries/{:04}-entry.md\n", next + 1)
    );
}

#[test]
fn new_entry_skips_ids_taken_on_another_branch() {
    let on_branch = "content/entries/0042-on-another-branch.md";
    let l = Ledger::minimal().commit("minimal ledger").branch_with_file(
        "feature/big-export",
        on_branch,
        &entry(42, ""),
    );
    assert!(!l.path(on_branch).exists(), "the work tree stays on main");
    assert_eq!(max_entry_id(&l), 1);
    let (code, out, err) = l.run(&[
        "new",
        "entry",
        "--title",
        "Export file",
        "--system",
        "小贷",
        "--proposer",
        "琳琳",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "created content/entries/0043-export-file.md\n");
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn new_requirement_and_release() {
    let l = Ledger::minimal().commit("minimal ledger");
    let (code, out, err) = l.run(&[
        "new",
        "requirement",
        "--title",
        "Export format",
        "--system",
        "小贷",
        "--proposer",
        "琳琳",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "created content/requirements/REQ-0002-export-format.md\n"
    );
    let text = l.read("content/requirements/REQ-0002-export-format.md");
    assert!(text.starts_with("---\nid: REQ-0002\n"), "{text}");
    assert!(text.contains("\nstatus: draft\n"), "{text}");

    let (code, out, err) = l.run(&["new", "release", "--date", "2019-03-21"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "created content/releases/2019-03-21.md\n");
    let text = l.read("content/releases/2019-03-21.md");
    assert!(text.contains("\ndate: 2019-03-21\n"), "{text}");
    assert!(text.contains("\nstatus: planning\n"), "{text}");

    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: "), "{out}");
    assert!(out.contains(" 2 requirements, 2 releases"), "{out}");

    // The same release day again: refused, the file is not touched.
    let before = l.read("content/releases/2019-03-21.md");
    let (code, out, err) = l.run(&["new", "release", "--date", "2019-03-21"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_no_panic(&err);
    assert_eq!(l.read("content/releases/2019-03-21.md"), before);
}

#[test]
fn new_entry_fills_the_values_given() {
    let l = Ledger::minimal().commit("minimal ledger");
    let (code, out, err) = l.run(&[
        "new",
        "entry",
        "--title",
        "还款文件",
        "--system",
        "小贷",
        "--subsystem",
        "账务",
        "--module",
        "接口",
        "--feature",
        "生成文件",
        "--category",
        "defect",
        "--priority",
        "high",
        "--tech-lead",
        "琳琳",
        "--test-lead",
        "何欢",
        "--planned-start",
        "2019-03-01",
        "--planned-finish",
        "2019-03-07",
        "--requirement",
        "REQ-0001",
        "--release",
        "2019-03-07",
        "--proposer",
        "琳琳",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let text = l.read("content/entries/0002-entry.md");
    for line in [
        "subsystem: \"账务\"",
        "module: \"接口\"",
        "feature: \"生成文件\"",
        "category: defect",
        "priority: high",
        "tech_lead: \"琳琳\"",
        "test_lead: \"何欢\"",
        "planned_start: 2019-03-01",
        "planned_finish: 2019-03-07",
        "requirement: \"REQ-0001\"",
        "release: \"2019-03-07\"",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line}:\n{text}");
    }
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = l.run(&["new", "entry", "--category", "bug"]);
    assert_eq!(code, 2);
    assert!(err.contains("use one of: feature, "), "{err}");
}

#[test]
fn new_release_takes_the_next_free_release_day() {
    let l = Ledger::minimal().commit("minimal ledger");
    let mut made = Vec::new();
    for _ in 0..2 {
        let (code, out, err) = l.run(&["new", "release"]);
        assert_eq!(code, 0, "{out}{err}");
        made.push(out);
    }
    assert_ne!(made[0], made[1], "{made:?}");
    let days: Vec<jiff::civil::Date> = made
        .iter()
        .map(|o| {
            o.trim()
                .trim_start_matches("created content/releases/")
                .trim_end_matches(".md")
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(
        days[1] - days[0],
        jiff::Span::new().days(7).fieldwise(),
        "{days:?}"
    );
    assert_eq!(days[0].weekday(), jiff::civil::Weekday::Thursday);
}
