//! What `serve` answers (the threads that answer are [`super::server`]'s): files of the last
//! good build, a live-reload script injected into every HTML page, and the state the script
//! long-polls for. It never serves a file outside the site folder.

use super::State;
use std::path::{Path, PathBuf};

/// The long-poll answer: `{"version":N,"site_version":M,"error":null|"..."}`.
pub fn state_json(s: &State) -> String {
    serde_json::json!({
        "version": s.version,
        "site_version": s.site_version,
        "error": s.error,
    })
    .to_string()
}

/// The response for `path` from the state `s`: status, content type, body.
pub fn page(s: &State, path: &str) -> (u16, &'static str, Vec<u8>) {
    let Some(site) = &s.site else {
        let text = s
            .error
            .as_deref()
            .unwrap_or("the first build is still running");
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>opsledger serve</title>\
             </head><body><h1>opsledger serve: the ledger does not build</h1><pre>{}</pre>\
             </body></html>",
            crate::theme::escape(text)
        );
        return (
            503,
            "text/html; charset=utf-8",
            inject(body, s.site_version),
        );
    };
    let found = resolve(site, path).and_then(|p| Some((std::fs::read(&p).ok()?, p)));
    let (status, bytes, file) = match found {
        Some((bytes, p)) => (200, bytes, p),
        None => {
            let p = site.join("404.html");
            let bytes = std::fs::read(&p).unwrap_or_else(|_| b"not found".to_vec());
            (404, bytes, p)
        }
    };
    let ctype = content_type(&file);
    if ctype.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes).into_owned();
        (status, ctype, inject(html, s.site_version))
    } else {
        (status, ctype, bytes)
    }
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject(mut html: String, version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__opsledger/live.js?v={version}\"></script>");
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, &tag),
        None => html.push_str(&tag),
    }
    html.into_bytes()
}

/// The file of the site that a URL path names: percent-decoded, no `.`/`..` segments, a folder
/// gives its index.html. `None` when there is no such file.
pub fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut p = site.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || seg.contains(['\\', '\0']) {
            return None;
        }
        p.push(seg);
    }
    let meta = std::fs::symlink_metadata(&p).ok()?;
    if meta.is_dir() {
        p.push("index.html");
        std::fs::symlink_metadata(&p).ok()?.is_file().then_some(p)
    } else {
        meta.is_file().then_some(p)
    }
}

/// `%E8%BF%98` → `还`; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "xml" => "application/atom+xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "sql" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("entries/20")).unwrap();
        std::fs::create_dir_all(t.path().join("还款")).unwrap();
        std::fs::write(
            t.path().join("index.html"),
            "<html><body>home</body></html>",
        )
        .unwrap();
        std::fs::write(t.path().join("entries/20/index.html"), "<body>e20</body>").unwrap();
        std::fs::write(t.path().join("还款/index.html"), "<body>cn</body>").unwrap();
        std::fs::write(t.path().join("404.html"), "<body>gone</body>").unwrap();
        std::fs::write(t.path().join("ledger.json"), "{}").unwrap();
        t
    }

    fn state(site: &Path) -> State {
        State {
            version: 3,
            site_version: 2,
            site: Some(site.to_path_buf()),
            error: None,
        }
    }

    #[test]
    fn folders_give_their_index_and_names_are_percent_decoded() {
        let t = site();
        let r =
            |p: &str| resolve(t.path(), p).map(|f| f.strip_prefix(t.path()).unwrap().to_owned());
        assert_eq!(r("/"), Some(PathBuf::from("index.html")));
        assert_eq!(
            r("/entries/20/"),
            Some(PathBuf::from("entries/20/index.html"))
        );
        assert_eq!(
            r("/entries/20"),
            Some(PathBuf::from("entries/20/index.html"))
        );
        assert_eq!(
            r("/%E8%BF%98%E6%AC%BE/"),
            Some(PathBuf::from("还款/index.html"))
        );
        assert_eq!(r("/entries/21/"), None);
    }

    #[test]
    fn nothing_outside_the_site_is_served() {
        let t = site();
        std::fs::write(t.path().parent().unwrap().join("secret"), "x").ok();
        for p in [
            "/../secret",
            "/%2e%2e/secret",
            "/entries/../../secret",
            "/a%5c..%5csecret",
            "/%zz",
        ] {
            assert_eq!(resolve(t.path(), p), None, "{p}");
        }
    }

    #[test]
    fn html_gets_the_live_script_of_the_site_version_and_other_files_do_not() {
        let t = site();
        let s = state(t.path());
        let (status, ctype, body) = page(&s, "/entries/20/");
        assert_eq!((status, ctype), (200, "text/html; charset=utf-8"));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "<body>e20<script src=\"/__opsledger/live.js?v=2\"></script></body>"
        );
        let (status, ctype, body) = page(&s, "/ledger.json");
        assert_eq!(
            (status, ctype, body),
            (200, "application/json", b"{}".to_vec())
        );
    }

    #[test]
    fn a_missing_page_is_the_sites_404_with_status_404() {
        let t = site();
        let (status, _, body) = page(&state(t.path()), "/nope/");
        assert_eq!(status, 404);
        assert!(String::from_utf8(body).unwrap().starts_with("<body>gone"));
    }

    #[test]
    fn without_a_good_build_the_error_is_the_page_escaped() {
        let s = State {
            version: 1,
            site_version: 0,
            site: None,
            error: Some("E0101 <script>".into()),
        };
        let (status, _, body) = page(&s, "/");
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, 503);
        assert!(body.contains("E0101 &lt;script&gt;"), "{body}");
        assert!(body.contains("live.js?v=0"));
    }

    #[test]
    fn the_poll_answer_is_json() {
        let mut s = state(Path::new("/x"));
        s.error = Some("bad \"quote\"".into());
        let v: serde_json::Value = serde_json::from_str(&state_json(&s)).unwrap();
        assert_eq!(v["version"], 3);
        assert_eq!(v["site_version"], 2);
        assert_eq!(v["error"], "bad \"quote\"");
    }
}
