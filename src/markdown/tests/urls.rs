//! Tests of [`unsafe_urls`] and the URL helpers: classification, entity decoding, positions.

use crate::markdown::unsafe_urls;
use crate::markdown::urls::{LineIndex, decode_entities, is_unsafe_url};

// ---- unsafe_urls ----

fn found(text: &str) -> Vec<(u32, u32, String)> {
    unsafe_urls(text)
        .into_iter()
        .map(|u| (u.line, u.column, u.url))
        .collect()
}

#[test]
fn unsafe_urls_in_links_with_positions() {
    let text = "# Title\n\
                [a](javascript:alert(1))\n\
                x [b](JaVaScRiPt:alert(1))\n\
                [c](jav&#x61;script:alert(1))\n\
                <javascript:alert(1)>\n\
                背景 [**bold** text](vbscript:msgbox(1)) ![i](data:text/html,x)\n\
                [d](<java\tscript:x>)\n\
                > [e](file:///etc/passwd)\n";
    assert_eq!(
        found(text),
        [
            (2, 5, "javascript:alert(1)".to_string()),
            (3, 7, "JaVaScRiPt:alert(1)".to_string()),
            (4, 5, "javascript:alert(1)".to_string()),
            (5, 2, "javascript:alert(1)".to_string()),
            (6, 20, "vbscript:msgbox(1)".to_string()),
            (6, 45, "data:text/html,x".to_string()),
            (7, 6, "java\tscript:x".to_string()),
            (8, 7, "file:///etc/passwd".to_string()),
        ]
    );
}

#[test]
fn unsafe_urls_in_reference_definitions() {
    let text = "[a][x] and [y] and [z][]\n\n[x]: javascript:alert(1)\n  [y]:\n  <JAVASCRIPT:y> \"t\"\n[z]: https://fine.example\n[unused]: vbscript:u\n";
    assert_eq!(
        found(text),
        [
            (3, 6, "javascript:alert(1)".to_string()),
            (5, 4, "JAVASCRIPT:y".to_string()),
            (7, 11, "vbscript:u".to_string()),
        ]
    );
}

#[test]
fn unsafe_urls_in_raw_html() {
    let text = "Go <a href=\"javascript:alert(1)\">there</a>.\n\
                \n\
                <div>\n\
                <a title=\"x\" HREF='jav&#x61;script:x'>y</a><img src=data:text/html,z>\n\
                </div>\n\
                \n\
                <svg><a xlink:href=\"&#106;avascript&colon;q\">s</a></svg>\n\
                \n\
                <!-- <a href=\"javascript:commented\"> -->\n\
                <img title=\"javascript:not-a-url\" src=\"ok.png\">\n";
    assert_eq!(
        found(text),
        [
            (1, 13, "javascript:alert(1)".to_string()),
            (4, 20, "javascript:x".to_string()),
            (4, 53, "data:text/html,z".to_string()),
            (7, 21, "javascript:q".to_string()),
        ]
    );
}

#[test]
fn safe_urls_and_code_are_not_reported() {
    let text = "[a](https://example.com) [b](../entries/0001-x.md) [c](mailto:a@b.c) [d](#x)\n\
                ![png](data:image/png;base64,AAAA) ![gif](DATA:image/gif,x) ![w](data:image/webp;base64,A)\n\
                `[e](javascript:alert(1))` and plain javascript:alert(1) text\n\
                \n\
                ```\n\
                <a href=\"javascript:alert(1)\">in code</a>\n\
                ```\n\
                \n    [f](javascript:indented-code)\n";
    assert_eq!(found(text), []);
    assert_eq!(found("![svg](data:image/svg+xml;base64,PHN2Zz4=)").len(), 1);
}

#[test]
fn url_classification() {
    for bad in [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        " \u{1}javascript:x",
        "java\tscr\nipt:x",
        "vbscript:x",
        "file:///etc/passwd",
        "data:text/html,x",
        "data:image/svg+xml,x",
        "data:,x",
        "data:image/pngx,x",
    ] {
        assert!(is_unsafe_url(bad), "{bad:?}");
    }
    for good in [
        "https://x",
        "http://x",
        "mailto:a@b",
        "../a.md",
        "/content/a.md",
        "#javascript:x",
        "a/javascript:x",
        "?javascript:x",
        "javascript",
        "data:image/png;base64,AA",
        "data:image/jpeg,AA",
        "",
    ] {
        assert!(!is_unsafe_url(good), "{good:?}");
    }
}

#[test]
fn entity_decoding() {
    assert_eq!(decode_entities("jav&#x61;script&colon;x"), "javascript:x");
    assert_eq!(decode_entities("&#106&#97;v&#X61;"), "java");
    assert_eq!(decode_entities("a&amp;b&lt;&unknown;&"), "a&b<&unknown;&");
    assert_eq!(decode_entities("&#0;&#xFFFFFFFFF;"), "\u{fffd}\u{fffd}");
    assert_eq!(decode_entities("java&Tab;script"), "java\tscript");
}

#[test]
fn line_index_counts_characters() {
    let index = LineIndex::new("ab\n背景x\n\nz");
    assert_eq!(index.position(0), (1, 1));
    assert_eq!(index.position(2), (1, 3));
    assert_eq!(index.position(3), (2, 1));
    assert_eq!(index.position(9), (2, 3));
    assert_eq!(index.position(11), (3, 1));
    assert_eq!(index.position(12), (4, 1));
}

#[test]
fn remote_images_are_found_and_dropped() {
    use crate::markdown::remote_images;
    let text = "![t](https://evil.example/track.png)\n\
                <img src=//evil.example/a.png> <img src=\"HTTP://x/b.png\">\n\
                <img srcset=\"a.png 1x, https://evil.example/c.png 2x\">\n\
                ![r][ref]\n\n[ref]: http://evil.example/d.png\n\
                ![ok](images/a.png) ![ok](/a.png) [link](https://example.com/)\n";
    let found: Vec<_> = remote_images(text)
        .into_iter()
        .map(|u| (u.line, u.column, u.url))
        .collect();
    assert_eq!(
        found,
        [
            (1, 6, "https://evil.example/track.png".to_owned()),
            (2, 10, "//evil.example/a.png".to_owned()),
            (2, 42, "HTTP://x/b.png".to_owned()),
            (3, 14, "a.png 1x, https://evil.example/c.png 2x".to_owned()),
            (4, 1, "http://evil.example/d.png".to_owned()),
        ]
    );
    let out = super::html(text);
    super::assert_safe(&out);
    for (tag, attrs) in super::tags(&out) {
        for (name, value) in attrs {
            if name == "src" || name == "srcset" {
                assert!(
                    !super::super::urls::is_remote(&value),
                    "<{tag} {name}={value}> in {out}"
                );
            }
        }
    }
    assert!(
        !out.contains("evil.example/track") && !out.contains("srcset"),
        "{out}"
    );
    assert!(out.contains("src=\"images/a.png\"") && out.contains("href=\"https://example.com/\""));
}
