//! Paths under attack: what content names (SQL scripts, runbooks) must be a file git tracks,
//! outside `.git` and every dot-folder, so no secret of the checkout reaches the site.

use crate::harness::*;

/// Markers of the secrets a CI checkout and a developer's clone hold.
const TOKEN: &str = "ghp_TOKEN0123456789secret";
const HEADER: &str = "AUTHORIZATION: basic SECRETHEADER42";
const SECRETS: [&str; 6] = [
    TOKEN,
    "SECRETHEADER42",
    "UNTRACKED_SECRET",
    "IGNORED_SECRET",
    "DOTFOLDER_SECRET",
    "OUTSIDE_SQL_SECRET",
];

/// Every file under `dir` whose bytes contain one of [`SECRETS`], with the secret.
fn leaks(dir: &std::path::Path) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    for item in walkdir::WalkDir::new(dir) {
        let item = item.expect("walk output");
        if !item.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(item.path()).expect("read output file");
        let text = String::from_utf8_lossy(&bytes);
        for s in SECRETS {
            if text.contains(s) {
                found.push((item.path().display().to_string(), s));
            }
        }
    }
    found
}

/// A ledger made by `opsledger init`, with the `.git/config` of a CI checkout: a token in the
/// remote's URL and the `http.extraheader` that actions/checkout leaves.
fn initialised() -> Ledger {
    let l = Ledger::empty();
    let (code, out, err) = l.run(&["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let repo = open_repo(l.dir());
    let mut cfg = repo.config().expect("config");
    cfg.set_str(
        "remote.origin.url",
        &format!("https://x-access-token:{TOKEN}@github.com/bank/ledger.git"),
    )
    .expect("remote url");
    cfg.set_str("http.https://github.com/.extraheader", HEADER)
        .expect("extraheader");
    let config = std::fs::read_to_string(l.path(".git/config")).expect(".git/config");
    assert!(
        config.contains(TOKEN) && config.contains(HEADER),
        "{config}"
    );
    assert!(l.path(".git/logs/HEAD").is_file());
    l
}

/// Replaces the line of `rel` that starts with `key` by `with`.
fn set_line(l: Ledger, rel: &str, key: &str, with: &str) -> Ledger {
    let text = l.read(rel);
    let line = text
        .lines()
        .find(|x| x.starts_with(key))
        .unwrap_or_else(|| panic!("{rel} has no {key}"))
        .to_owned();
    let text = text.replacen(&line, with, 1);
    l.file(rel, text)
}

#[test]
fn only_files_git_tracks_under_sql_may_be_named_and_none_other_reaches_the_site() {
    let l = initialised();
    // A good build first: the pages show the tracked scripts.
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    let page = l.read("public/entries/6/index.html");
    assert!(page.contains("0006_add_repay_plan_index.sql"), "{page}");
    assert!(
        page.contains("还款计划查询增加复合索引"),
        "the script's text is shown"
    );

    let entry = "content/entries/0006-loan-repay-plan-index.md";
    let release = "content/releases/2019-02-28.md";
    let l = l
        .file(
            ".gitignore",
            "/public/\n/.opsledger/\n.env\nsql/local-keys.sql\n",
        )
        .file(".secrets/prod.sql", "-- DOTFOLDER_SECRET\n")
        .file("notes/prod.sql", "-- OUTSIDE_SQL_SECRET\n")
        .commit("tracked files in a dot-folder and outside sql/");
    let l = l
        .file("sql/x.sql", "-- UNTRACKED_SECRET\n")
        .file(".env", "DB_PASSWORD=IGNORED_SECRET\n")
        .file("sql/local-keys.sql", "-- IGNORED_SECRET\n");
    let scripts = [
        ".git/config",
        "sql/x.sql",
        ".env",
        "sql/local-keys.sql",
        ".secrets/prod.sql",
        "notes/prod.sql",
    ];
    let list: String = scripts.iter().map(|s| format!("\n  - {s}")).collect();
    let l = set_line(l, entry, "sql_scripts:", &format!("sql_scripts:{list}"));
    let l = set_line(
        l,
        release,
        "  scripts:",
        "  scripts:\n    - .git/config\n    - .git/logs/HEAD",
    );
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let mut bad: Vec<_> = located(&out)
        .into_iter()
        .filter(|(c, ..)| c == "E0205")
        .map(|(_, f, line, col)| (f, line, col))
        .collect();
    bad.sort();
    let sql_line = l
        .read(entry)
        .lines()
        .position(|x| x == "sql_scripts:")
        .unwrap() as u64
        + 1;
    let rel_line = l
        .read(release)
        .lines()
        .position(|x| x == "  scripts:")
        .unwrap() as u64
        + 1;
    let mut want: Vec<_> = (1..=6)
        .map(|i| (entry.to_owned(), sql_line + i, 5))
        .chain((1..=2).map(|i| (release.to_owned(), rel_line + i, 7)))
        .collect();
    want.sort();
    assert_eq!(bad, want, "{out}");
    let v = json(&out);
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    for (path, why) in [
        (".git/config", "hidden"),
        ("sql/x.sql", "not tracked by git"),
        ("sql/local-keys.sql", "not tracked by git"),
        ("notes/prod.sql", "is not under sql/"),
    ] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(&format!("`{path}`")) && m.contains(why)),
            "{path}: {messages:#?}"
        );
    }
    // Nothing is published, and the last good site holds no secret either.
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 1, "{out}{err}");
    for s in SECRETS {
        assert!(!out.contains(s) && !err.contains(s), "{s}:\n{out}{err}");
    }
    assert_eq!(leaks(&l.path("public")), []);
    // Into a fresh folder too: nothing is written at all.
    let (code, ..) = l.run(&["build", "--out", "../site"]);
    assert_eq!(code, 1);
    assert!(!l.root().join("site").exists());
}

#[test]
fn a_staged_script_counts_before_the_first_commit() {
    let path = entry_path(2, "staged");
    let l = Ledger::minimal()
        .file("sql/0002_staged.sql", "SELECT 1;\n")
        .file("sql/0002_loose.sql", "SELECT 2;\n")
        .file(
            &path,
            entry(
                2,
                "has_sql: true\nsql_scripts:\n  - sql/0002_staged.sql\n  - sql/0002_loose.sql\n",
            ),
        );
    let repo = l.repo_or_init();
    let mut index = repo.index().unwrap();
    index
        .add_path(std::path::Path::new("sql/0002_staged.sql"))
        .unwrap();
    index.write().unwrap();
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(located(&out), [("E0205".into(), path, 13, 5)], "{out}");
    assert!(
        out.contains("`sql/0002_loose.sql` is not tracked by git"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_a_secret_inside_the_repository_is_not_followed() {
    let path = entry_path(2, "link");
    let l = Ledger::minimal()
        .file(".env", "IGNORED_SECRET\n")
        .symlink("sql/0002_env.sql", "../.env")
        .file(
            &path,
            entry(2, "has_sql: true\nsql_scripts: [sql/0002_env.sql]\n"),
        )
        .commit("a link to .env");
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(located(&out), [("E0205".into(), path, 11, 15)], "{out}");
    assert!(!out.contains("IGNORED_SECRET"), "{out}");
}

#[test]
fn each_script_is_reported_at_its_own_column() {
    let path = entry_path(2, "columns");
    let l = Ledger::minimal().file(
        &path,
        entry(2, "has_sql: true\nsql_scripts: [\"\", sql/missing.sql]\n"),
    );
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(located(&out), [("E0205".into(), path, 11, 19)], "{out}");
    assert!(out.contains("`sql/missing.sql` does not exist"), "{out}");
}

/// The minimal ledger with `theme = "<name>"` on line 4 (the value at column 9).
fn themed(name: &str) -> Ledger {
    let config = MINIMAL_CONFIG.replacen(
        "language = \"zh-CN\"\n",
        &format!("language = \"zh-CN\"\ntheme = \"{name}\"\n"),
        1,
    );
    Ledger::minimal().file("opsledger.toml", config)
}

/// Writes a theme under `dir` whose template and stylesheet carry `marker`.
fn outside_theme(dir: &std::path::Path, marker: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(
        dir.join("templates/entry.html"),
        format!("{marker} {{{{ e.title }}}}"),
    )
    .unwrap();
    std::fs::write(dir.join("static/style.css"), format!("/* {marker} */")).unwrap();
}

/// The E0005s of `check`, with their location and message.
fn links_reported(l: &Ledger) -> Vec<(String, u64, u64, String)> {
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    json(&out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0005")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_theme_folder_that_is_a_link_out_of_the_repository_is_refused() {
    let l = themed("evil");
    let outside = l.root().join("outside");
    outside_theme(&outside.join("evil"), "OUTSIDE_THEME");
    let l = l
        .symlink("themes", &outside)
        .commit("themes linked outside");
    let found = links_reported(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "opsledger.toml");
    assert_eq!((found[0].1, found[0].2), (4, 9));
    assert!(found[0].3.contains("`themes`"), "{found:?}");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!l.path("public").exists());
    // `themes/evil` itself a link, `themes` a real folder: the same.
    let l = l
        .remove("themes")
        .symlink("themes/evil", outside.join("evil"));
    let found = links_reported(&l);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].3.contains("`themes/evil`"), "{found:?}");
}

#[cfg(unix)]
#[test]
fn every_link_inside_the_theme_is_reported_at_the_theme_key() {
    let l = themed("mine");
    let outside = l.root().join("outside");
    outside_theme(&outside, "OUTSIDE_THEME");
    let l = l
        .file("themes/mine/templates/base.html.keep", "kept\n")
        .symlink(
            "themes/mine/templates/entry.html",
            outside.join("templates/entry.html"),
        )
        .symlink(
            "themes/mine/static/style.css",
            "../../../../outside/static/style.css",
        )
        .symlink("themes/mine/static/img", outside.join("static"));
    let found = links_reported(&l);
    let shown: Vec<(&str, u64, u64)> = found
        .iter()
        .map(|(f, line, col, _)| (f.as_str(), *line, *col))
        .collect();
    assert_eq!(shown, [("opsledger.toml", 4, 9); 3], "{found:?}");
    for link in [
        "themes/mine/static/img",
        "themes/mine/static/style.css",
        "themes/mine/templates/entry.html",
    ] {
        assert!(
            found.iter().any(|(.., m)| m.contains(&format!("`{link}`"))),
            "{link}: {found:?}"
        );
    }
    let (code, ..) = l.run(&["build"]);
    assert_eq!(code, 1);
    assert!(!l.path("public").exists());
}

#[test]
fn every_file_under_content_is_read_warned_about_or_refused() {
    let mut l = Ledger::minimal()
        .file("content/entries/0044-upper.MD", entry(44, ""))
        .file("content/entries/0045-long.markdown", entry(45, ""))
        .file("content/notes.txt", "notes\n")
        .file("content/entries/old/0046-moved.md", entry(46, ""))
        .file("content/.gitkeep", "")
        .file("content/entries/.0001-repayment-file.md.swp", "swap\n");
    let hidden = [
        ("0047-a\nb.md", "0047-a\\nb.md"),
        ("0048-a\tb.md", "0048-a\\tb.md"),
        ("0049-\u{202E}dm.md", "0049-\\u{202e}dm.md"),
        ("0050-\u{1}.md", "0050-\\u{1}.md"),
    ];
    for (i, (name, _)) in hidden.iter().enumerate() {
        l = l.file(&format!("content/entries/{name}"), entry(47 + i as u32, ""));
    }
    let l = l.file("content/run\u{202E}books/0051-x.md", entry(51, ""));
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    let mut got: Vec<(String, String)> =
        located(&out).into_iter().map(|(c, f, ..)| (c, f)).collect();
    got.sort();
    let mut want: Vec<(String, String)> = hidden
        .iter()
        .map(|(_, shown)| ("E0006".into(), format!("content/entries/{shown}")))
        .chain([
            ("E0006".into(), "content/run\\u{202e}books".into()),
            ("W0007".into(), "content/entries/0044-upper.MD".into()),
            ("W0007".into(), "content/entries/0045-long.markdown".into()),
            ("W0007".into(), "content/entries/old/0046-moved.md".into()),
            ("W0007".into(), "content/notes.txt".into()),
        ])
        .collect();
    want.sort();
    assert_eq!(got, want, "{out}");
    assert!(out.contains("rename it"), "{out}");
    // No diagnostic carries a raw control or bidi character into a report.
    for format in ["human", "github"] {
        let (_, text, _) = l.run(&["check", "--format", format]);
        assert!(
            !text.contains('\u{202E}') && !text.contains('\u{1}'),
            "{text}"
        );
        assert!(!text.contains("a\tb"), "{text}");
    }
    // Without the refused names the ledger builds, and the ignored files are only warned about.
    let l = hidden
        .iter()
        .fold(l, |l, (name, _)| {
            l.remove(&format!("content/entries/{name}"))
        })
        .remove("content/run\u{202E}books");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("W0007") || out.contains("W0007"), "{out}{err}");
    assert!(!l.path("public/entries/44").exists());
}
