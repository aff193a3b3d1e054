use super::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary bytes through the whole reader (decode → split → YAML → model) never panic.
    /// Half of them are framed as front matter, and bytes that are not UTF-8 go on to the
    /// parser decoded lossily, so the YAML reader sees every case, not only the decoder.
    #[test]
    fn reader_never_panics_on_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        framed in any::<bool>(),
    ) {
        let mut all = Vec::new();
        if framed {
            all.extend_from_slice(b"---\n");
        }
        all.extend_from_slice(&bytes);
        if framed {
            all.extend_from_slice(b"\n---\nbody\n");
        }
        let path = "content/entries/0001-x.md";
        let text = match crate::source::decode(path, &all) {
            Ok(src) => src.text,
            Err(_) => String::from_utf8_lossy(&all).replace('\0', ""),
        };
        for kind in Kind::ALL {
            let _ = parse(kind, path, &text);
        }
    }

    /// Front matter made of YAML-ish fragments never panics and every diagnostic has a
    /// position inside the file.
    #[test]
    fn reader_never_panics_on_yamlish(lines in proptest::collection::vec(
        prop_oneof![
            Just("id: 1".to_owned()), Just("tests: {sit: {result: pass}}".to_owned()),
            Just("steps: [{name: a, after: [b]}]".to_owned()), Just("- x".to_owned()),
            Just("&a [*a]".to_owned()), Just("key: 'unclosed".to_owned()), Just("  nested: [".to_owned()),
            "[a-z_]{1,8}: [ -~]{0,12}", "[ -~]{0,20}",
        ], 0..12)) {
        let text = format!("---\n{}\n---\nbody\n", lines.join("\n"));
        let total = text.lines().count() as u32 + 1;
        for kind in Kind::ALL {
            let (_, diags) = parse(kind, "content/entries/0001-x.md", &text);
            for d in diags {
                prop_assert!(d.line >= 1 && d.line <= total, "{d:?}");
            }
        }
    }

    /// Hostile front matter (tags, escapes of control characters, bidi overrides, anchors,
    /// directives, block scalars) through the whole reader, bytes first: never a panic; a
    /// document that cannot be used always says why; every diagnostic inside the file, its
    /// column inside its line (or just past its end).
    #[test]
    fn hostile_front_matter_is_a_document_or_located_diagnostics(
        parts in proptest::collection::vec(prop::sample::select(HOSTILE_YAML), 0..16),
        noise in proptest::collection::vec(any::<u8>(), 0..8),
        kind in prop::sample::select(Kind::ALL.to_vec()),
    ) {
        let mut bytes = b"---\n".to_vec();
        bytes.extend(parts.concat().into_bytes());
        bytes.extend(&noise);
        bytes.extend(b"\n---\nbody\n");
        let path = match kind {
            Kind::Entry => "content/entries/0001-x.md",
            Kind::Requirement => "content/requirements/REQ-0001-x.md",
            Kind::Release => "content/releases/2019-03-07.md",
            Kind::Runbook => "content/runbooks/x.md",
        };
        let Ok(src) = crate::source::decode(path, &bytes) else { return Ok(()) };
        let lines: Vec<&str> = src.text.split('\n').collect();
        let (parsed, diags) = parse(kind, path, &src.text);
        if matches!(parsed, Parsed::Broken(..)) {
            prop_assert!(diags.iter().any(|d| d.is_error()), "{:?}", src.text);
        }
        for d in &diags {
            prop_assert!(d.line >= 1 && (d.line as usize) <= lines.len(), "{d:?} in {:?}", src.text);
            let width = lines[d.line as usize - 1].chars().count() as u32;
            prop_assert!(d.column >= 1 && d.column <= width + 1, "{d:?} in {:?}", src.text);
        }
    }
}

/// Pieces of hostile front matter for the property above.
const HOSTILE_YAML: &[&str] = &[
    "id: 1\n",
    "title: t\n",
    "system: 小贷\n",
    "status: sit\n",
    "module: ",
    "!!binary aGk=",
    "!!python/object:os.system x",
    "!!str ",
    "!!timestamp 2019-03-01",
    "! ",
    "!<tag:x,2000:y> ",
    "%TAG !! tag:evil,2000:\n",
    "\"\\x00\\u0007\"",
    "\"\\u202E\"",
    "\"\\e\\r\"",
    "'quoted'",
    "&a ",
    "*a",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "\n",
    "\n  ",
    "- ",
    "|\n  ",
    ">-\n  ",
    "#",
    "\t",
    "\u{202e}",
    "\u{7}",
    "tests: {sit: {result: ",
    "pass}}",
    "steps: [{name: a, after: [",
    "---\n",
    "...\n",
    "背景",
];

#[test]
fn release_plan_fields_load() {
    let text = "---\nid: \"2019-03-07\"\ntitle: t\ndate: 2019-03-07\nstatus: planning\nstrategy: phased\nphases:\n  - {percent: 10, exit_criteria: ok}\n  - {percent: 100}\nsteps:\n  - {name: a, owner: x, after: []}\n  - {name: b, owner: y, after: [a]}\nrollback: {trigger: t, plan: p, owner: o}\ndata_migration: {backup: full, scripts: [sql/a.sql]}\n---\n";
    let (parsed, diags) = parse(Kind::Release, "content/releases/2019-03-07.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    let Parsed::Release(r) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        r.phases.iter().map(|p| p.percent).collect::<Vec<_>>(),
        [10, 100]
    );
    assert_eq!(r.steps[1].after, ["a"]);
    assert_eq!(r.data_migration.scripts, ["sql/a.sql"]);
    assert_eq!(
        r.doc.locs.of("steps.1.after.0"),
        crate::diag::Pos::new(12, 33)
    );
}

#[test]
fn each_list_item_is_located_at_itself_when_empty_items_are_dropped() {
    let text = "---\nid: 2\ntitle: t\nsystem: 小贷\ncategory: feature\npriority: low\nstatus: developing\nproposer: p\nproposed_on: 2019-03-02\nsql_scripts: [\"\", sql/missing.sql, '  ', sql/b.sql]\nrelated_systems:\n  - \"\"\n  - 信用卡\n---\n";
    let (parsed, diags) = parse(Kind::Entry, "content/entries/0002-t.md", text);
    assert!(diags.is_empty(), "{diags:?}");
    let Parsed::Entry(e) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(e.sql_scripts, ["sql/missing.sql", "sql/b.sql"]);
    let at = |f: &str| e.doc.locs.get(f);
    assert_eq!(at("sql_scripts.0"), Some(crate::diag::Pos::new(10, 19)));
    assert_eq!(at("sql_scripts.1"), Some(crate::diag::Pos::new(10, 42)));
    assert_eq!(at("sql_scripts.2"), None, "no third item in the list");
    assert_eq!(e.related_systems, ["信用卡"]);
    assert_eq!(at("related_systems.0"), Some(crate::diag::Pos::new(13, 5)));
}
