//! Names that make pages, links that work from `file://`, and cells that a spreadsheet
//! would run: what issue #10's adversarial tests found about the site's paths and exports.

use crate::harness::{Ledger, entry, entry_path};

fn build(l: &Ledger) -> (i32, String, String) {
    l.run(&["build"])
}

/// `ledger.csv`, read back with the csv crate (not our writer's own reader).
fn csv_rows(l: &Ledger) -> Vec<csv::StringRecord> {
    let bytes = std::fs::read(l.path("public/ledger.csv")).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn no_cell_of_the_csv_starts_a_formula() {
    let l = Ledger::minimal()
        .file(
            &entry_path(2, "formula"),
            entry(
                2,
                "module: \"-1+1\"\nfeature: \"-cmd|' /C calc'!A0\"\ntech_lead: \"=1+1\"\n",
            ),
        )
        .commit("formulas");
    let (code, out, err) = build(&l);
    assert_eq!(code, 0, "{out}{err}");
    let rows = csv_rows(&l);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter().find(|r| &r[0] == "2").expect("entry 2");
    assert_eq!(&row[col("所属模块")], "'-1+1");
    assert_eq!(&row[col("涉及功能")], "'-cmd|' /C calc'!A0");
    assert_eq!(&row[col("技术负责人")], "'=1+1");
    for r in &rows {
        for cell in r {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reaches the spreadsheet: {cell:?}"
            );
        }
    }
}

/// `text` escaped as the templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The site-relative file a link of page `from` (site-relative) points to; a link must name a
/// file, not a folder.
fn target(from: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap();
    assert!(
        !href.is_empty() && !href.ends_with('/'),
        "{from}: `{href}` is a folder, which file:// shows as a listing"
    );
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for p in href.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The href of the first `<a>` of `html` whose text is `text`.
fn href_of(html: &str, text: &str) -> Option<String> {
    let needle = format!("\">{}</a>", escaped(text));
    let end = html.find(&needle)?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].to_owned())
}

const HOSTILE_CONFIG: &str = r#"title = "测试台帐"
base_url = "/"
language = "zh-CN"

[[systems]]
name = "Pay Hub"
owner = "a b"

[[systems]]
name = "Pay-Hub"
owner = "a-b"

[[systems]]
name = "小贷"
owner = "琳琳"

[[systems]]
name = "index.html"
owner = "琳琳"
"#;

/// People and systems whose names the old folder names collapsed (`..`, `.` and `/` all
/// became `_`, `a b`, `a-b` and `a/b` all `a-b`), or that meet a page file (`index.html`):
/// each gets its own page, and every link to a name leads to the page with that name and its
/// entries.
#[test]
fn every_name_has_its_own_page_and_every_link_finds_it() {
    // `index.html` is also the name of the listing page beside the name's folder.
    let people = [
        "..",
        ".",
        "/",
        "??",
        "a b",
        "a-b",
        "a/b",
        "Pay Hub",
        "index.html",
    ];
    let systems = ["Pay Hub", "Pay-Hub", "小贷", "index.html"];
    let mut l = Ledger::empty().file("opsledger.toml", HOSTILE_CONFIG);
    let mut id = 0;
    for p in people {
        for s in systems {
            id += 1;
            let extra = format!("tech_lead: {}\n", serde_json::to_string(p).unwrap());
            let text = entry(id, &extra).replace("system: 小贷", &format!("system: {s}"));
            l = l.file(&entry_path(id, "e"), text);
        }
    }
    let l = l.commit("hostile names");
    let (code, out, err) = build(&l);
    assert_eq!(code, 0, "{out}{err}");
    let read = |rel: &str| {
        std::fs::read_to_string(l.path(&format!("public/{rel}")))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let person_pages = walkdir::WalkDir::new(l.path("public/people"))
        .min_depth(2)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() == "index.html")
        .count();
    // The people above and 琳琳 (owner of 小贷 and every entry's proposer).
    assert_eq!(person_pages, people.len() + 1, "one page per person");
    let mut id = 0;
    for p in people {
        for s in systems {
            id += 1;
            let page = format!("entries/{id}/index.html");
            let html = read(&page);
            for (name, kind, field) in [(p, "people", "技术负责人"), (s, "systems", "系统")]
            {
                let dd = &html[html.find(&format!("<dt>{field}</dt>")).unwrap()..];
                let href = href_of(dd, name).unwrap_or_else(|| panic!("{page}: no link to {name}"));
                let to = target(&page, &href);
                assert!(to.starts_with(&format!("{kind}/")), "{page}: {name} → {to}");
                let there = read(&to);
                assert!(
                    there.contains(&format!("<h1>{}", escaped(name))),
                    "{page}: the link to {name} leads to {to}, another name's page"
                );
                assert!(
                    there.contains(&format!("entries/{id}/")),
                    "{to} ({name}) does not list entry {id}"
                );
            }
        }
    }
}

/// A name of 300 characters: `check` passes, so `build` must work, its folder name bounded.
#[test]
fn a_very_long_name_builds() {
    let long = "长".repeat(300);
    let l = Ledger::minimal()
        .file(
            &entry_path(2, "long"),
            entry(2, &format!("tech_lead: {long}\n")),
        )
        .commit("a long name");
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = build(&l);
    assert_eq!(code, 0, "{out}{err}");
    let html = std::fs::read_to_string(l.path("public/entries/2/index.html")).unwrap();
    let href = href_of(&html, &long).expect("a link to the person");
    let to = target("entries/2/index.html", &href);
    let there = std::fs::read_to_string(l.path(&format!("public/{to}"))).unwrap();
    assert!(there.contains(&format!("<h1>{long}")));
    for part in to.split('/') {
        assert!(part.len() <= 255, "{} bytes: {part}", part.len());
    }
}

/// Every link of every page, and every URL of `search-index.json`, names a file of the site:
/// a folder link opens a listing from `file://`.
#[test]
fn every_link_names_a_file() {
    let l = Ledger::example().commit("example");
    let (code, out, err) = build(&l);
    assert_eq!(code, 0, "{out}{err}");
    let site = l.path("public");
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let url = &piece[..piece.find('"').unwrap()];
                if url.starts_with("http") || url.starts_with('#') || url.starts_with("mailto:") {
                    continue;
                }
                let to = target(&rel, url);
                assert!(
                    site.join(&to).is_file(),
                    "{rel}: {url} → {to} is not a file"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("search-index.json")).unwrap())
            .unwrap();
    for item in index["docs"].as_array().expect("docs") {
        let url = item["url"].as_str().unwrap();
        assert!(
            site.join(target("index.html", url)).is_file(),
            "search index: {url}"
        );
    }
}

/// A server shows 404.html at any missing path, however deep: its links go through the
/// absolute `base_url`, never relative ones that would resolve below the missing path.
#[test]
fn the_404_page_links_through_the_base_url() {
    let l = Ledger::minimal().commit("one");
    let (code, out, err) = l.run(&["build", "--base-url", "/ledger/"]);
    assert_eq!(code, 0, "{out}{err}");
    let page = l.read("public/404.html");
    assert!(page.contains("href=\"/ledger/static/style.css\""), "{page}");
    assert!(page.contains("href=\"/ledger/index.html\""), "{page}");
    for attr in ["href=\"", "src=\""] {
        for at in page.match_indices(attr).map(|(i, _)| i + attr.len()) {
            let url = &page[at..];
            assert!(
                url.starts_with('/') || url.starts_with('#'),
                "a relative link: {}",
                &url[..40.min(url.len())]
            );
        }
    }
}
