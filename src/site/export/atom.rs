//! `feed.xml`: an Atom 1.0 feed of the releases and the entries' recent status changes, newest
//! first, and the XML escaping it needs. Must not read the clock (times come from the history
//! and `generated_at`) nor touch the other exports.

use super::labels::label;
use super::{ExportInput, FEED_STATUS_CHANGES, OutputFile};
use crate::config::{Config, Language};
use crate::history::Step;
use crate::model::{Entry, Keyword};
use crate::site::views;
use jiff::civil::Date;
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt::Write as _;

/// Escapes text for XML content and attribute values, dropping the characters XML 1.0 cannot
/// carry at all (control characters other than tab, line feed and carriage return).
pub fn xml_escape(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_xml_illegal(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_illegal(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}')
}

/// One `<entry>` of the feed before it is written.
struct FeedItem {
    /// Sort key: seconds since the epoch of `updated`.
    secs: i64,
    /// Tie-breaker: releases (0) before status changes (1), then by this key.
    rank: (u8, String),
    title: String,
    id: String,
    link: String,
    updated: String,
    author: Option<String>,
    summary: String,
}

/// `feed.xml`: an Atom 1.0 feed with one entry per release and one per status change of an
/// entry (the most recent [`FEED_STATUS_CHANGES`], uncommitted edits left out), newest first.
pub fn feed_atom(input: &ExportInput) -> OutputFile {
    let lang = input.config.language;
    let base = crate::config::with_slash(input.base_url);
    let mut items = Vec::new();

    for r in &input.ledger.releases {
        let landed = input.history.of(&r.doc.path).and_then(|t| {
            t.steps
                .iter()
                .rev()
                .filter(|s| !s.working_tree)
                .find_map(step_time)
                .map(str::to_owned)
        });
        let updated = landed.unwrap_or_else(|| day_start(r.date, input.config));
        let link = format!("{base}{}", views::release_url(&r.id));
        let n = input.ledger.entries_of_release(&r.id).count();
        let status = label("release_status", r.status.as_str(), lang);
        let summary = match lang {
            Language::ZhCn => format!("期次 {} · {} · {} · 条目 {n} 个", r.id, r.date, status),
            Language::En => format!("Release {} · {} · {} · {n} entries", r.id, r.date, status),
        };
        items.push(FeedItem {
            secs: secs_of(&updated),
            rank: (0, r.id.clone()),
            title: r.title.clone(),
            id: link.clone(),
            link,
            updated,
            author: None,
            summary,
        });
    }

    // Every status change as a light key (newest first, then by entry, later step first), of
    // which only the newest are made into items.
    let mut keys: Vec<ChangeKey> = Vec::new();
    for e in &input.ledger.entries {
        let Some(t) = input.history.of(&e.doc.path) else {
            continue;
        };
        for (i, s) in t.steps.iter().enumerate() {
            if s.working_tree || !s.changes.iter().any(|c| c.field == "status") {
                continue;
            }
            let Some(updated) = step_time(s) else {
                continue;
            };
            let secs = secs_of(updated);
            keys.push((Reverse(secs), e.id, Reverse(i), e, s));
        }
    }
    let order = |a: &ChangeKey, b: &ChangeKey| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2));
    if keys.len() > FEED_STATUS_CHANGES {
        keys.select_nth_unstable_by(FEED_STATUS_CHANGES, order);
        keys.truncate(FEED_STATUS_CHANGES);
    }
    keys.sort_by(order);
    let mut changes = Vec::with_capacity(keys.len());
    for (Reverse(secs), _, Reverse(i), e, s) in keys {
        let Some(c) = s.changes.iter().find(|c| c.field == "status") else {
            continue;
        };
        let updated = step_time(s).unwrap_or_default().to_owned();
        let to = json_text(&c.to);
        let title = match c.from.as_str() {
            Some(from) => format!("#{} {}: {from} → {to}", e.id, e.title),
            None => format!("#{} {}: {to}", e.id, e.title),
        };
        let link = format!("{base}{}", views::entry_url(e.id));
        let message = s.message.lines().next().unwrap_or("").trim();
        let summary = [s.author.as_str(), &updated, message]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        changes.push(FeedItem {
            secs,
            rank: (1, format!("{:010}/{:06}", e.id, usize::MAX - i)),
            title,
            id: format!(
                "{link}#{}",
                if s.commit.is_empty() {
                    &s.landed_commit
                } else {
                    &s.commit
                }
            ),
            link,
            updated,
            author: Some(s.author.clone()).filter(|a| !a.is_empty()),
            summary,
        });
    }
    let newest_first =
        |a: &FeedItem, b: &FeedItem| b.secs.cmp(&a.secs).then_with(|| a.rank.cmp(&b.rank));
    items.extend(changes);
    items.sort_by(newest_first);

    let updated = input
        .generated_at
        .filter(|s| s.parse::<jiff::Timestamp>().is_ok())
        .unwrap_or("1970-01-01T00:00:00Z");
    let title = xml_escape(&input.config.title);
    let lang_tag = match lang {
        Language::ZhCn => "zh-CN",
        Language::En => "en",
    };
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang_tag}\">"
    );
    let _ = writeln!(x, "  <title>{title}</title>");
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&base));
    let _ = writeln!(x, "  <link href=\"{}\"/>", xml_escape(&base));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.xml\"/>",
        xml_escape(&base)
    );
    let _ = writeln!(x, "  <updated>{}</updated>", xml_escape(updated));
    let _ = writeln!(x, "  <author><name>{title}</name></author>");
    x.push_str("  <generator>opsledger</generator>\n");
    for it in &items {
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", xml_escape(&it.title));
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&it.id));
        let _ = writeln!(x, "    <link href=\"{}\"/>", xml_escape(&it.link));
        let _ = writeln!(x, "    <updated>{}</updated>", xml_escape(&it.updated));
        if let Some(a) = &it.author {
            let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(a));
        }
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&it.summary));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile {
        path: "feed.xml".into(),
        bytes: x.into_bytes(),
    }
}

/// When a step reached HEAD's line: its landing time, else its own time; `None` when neither
/// is a valid RFC 3339 time.
/// A status change to put in the feed: newest first, then by entry id, the later step first.
type ChangeKey<'a> = (Reverse<i64>, u32, Reverse<usize>, &'a Entry, &'a Step);

fn step_time(s: &Step) -> Option<&str> {
    [&s.landed_time, &s.time]
        .into_iter()
        .find(|t| t.parse::<jiff::Timestamp>().is_ok())
        .map(String::as_str)
}

/// Midnight of `date` in the train's time zone, RFC 3339.
fn day_start(date: Date, config: &Config) -> String {
    date.to_zoned(jiff::tz::TimeZone::fixed(config.train.timezone))
        .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_else(|_| format!("{date}T00:00:00Z"))
}

fn secs_of(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map_or(0, |t| t.as_second())
}

/// A JSON value as text: strings bare, `null` empty, anything else as JSON.
fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::site::export::fixtures::*;

    #[test]
    fn atom_feed() {
        let out = with(Language::ZhCn, feed_atom);
        assert_eq!(out.path, "feed.xml");
        let text = String::from_utf8(out.bytes).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let ns = "http://www.w3.org/2005/Atom";
        let feed = doc.root_element();
        assert!(feed.has_tag_name((ns, "feed")));
        let child = |n: roxmltree::Node, name: &str| {
            n.children()
                .find(|c| c.has_tag_name((ns, name)))
                .and_then(|c| c.text())
                .map(str::to_owned)
        };
        assert_eq!(child(feed, "title").as_deref(), Some("小贷 运维台帐"));
        assert_eq!(child(feed, "updated").as_deref(), Some(GENERATED));
        assert_eq!(
            child(feed, "id").as_deref(),
            Some("https://ops.example.com/ledger/")
        );
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.has_tag_name((ns, "entry")))
            .collect();
        // 2 committed status changes of #20 (the working-tree one is left out) + 1 release.
        assert_eq!(entries.len(), 3);
        let titles: Vec<String> = entries
            .iter()
            .map(|e| child(*e, "title").unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "#20 还款文件生成: sit → uat",
                "3月7日发版",
                "#20 还款文件生成: registered"
            ]
        );
        let link = |e: roxmltree::Node| {
            e.children()
                .find(|c| c.has_tag_name((ns, "link")))
                .and_then(|c| c.attribute("href"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            link(entries[0]),
            "https://ops.example.com/ledger/entries/20/index.html"
        );
        assert_eq!(
            link(entries[1]),
            "https://ops.example.com/ledger/releases/2019-03-07/index.html"
        );
        assert_eq!(
            child(entries[0], "updated").as_deref(),
            Some("2019-03-11T10:00:00+08:00")
        );
        assert_eq!(
            child(entries[1], "updated").as_deref(),
            Some("2019-03-07T22:00:00+08:00")
        );
        let author = entries[0]
            .descendants()
            .find(|c| c.has_tag_name((ns, "name")))
            .and_then(|c| c.text());
        assert_eq!(author, Some("琳琳 <&>"));
        let ids: std::collections::BTreeSet<String> =
            entries.iter().map(|e| child(*e, "id").unwrap()).collect();
        assert_eq!(ids.len(), 3, "entry ids are unique");
    }

    #[test]
    fn only_the_newest_status_changes_are_fed_newest_first() {
        use crate::history::facts::status_step;
        let config = config(Language::En);
        let mut ledger = crate::model::Ledger::default();
        let mut history = History::default();
        // 150 entries, two moves each; entries 1-10 move at the same times as 11-20.
        for id in 1..=150u32 {
            let e = entry(id, "t", crate::model::Status::Sit, "");
            let t = |h: u32| format!("2019-03-{:02}T{:02}:00:00+08:00", 1 + (id % 10), h);
            let steps = vec![
                status_step(&t(9), Some("developing"), "submitted"),
                status_step(&t(10), Some("submitted"), "sit"),
            ];
            let path = e.doc.path.clone();
            history.files.insert(
                path.clone(),
                crate::history::Timeline {
                    path,
                    deleted: false,
                    steps,
                },
            );
            ledger.entries.push(e);
        }
        let text = String::from_utf8(feed_atom(&bare(&config, &ledger, &history)).bytes).unwrap();
        let titles: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<title>#"))
            .collect();
        assert_eq!(titles.len(), FEED_STATUS_CHANGES);
        // Newest first (the day is 1 + id % 10), then by id.
        assert_eq!(titles[0], "9 t: submitted → sit</title>");
        assert_eq!(titles[1], "19 t: submitted → sit</title>");
        assert_eq!(titles[14], "149 t: submitted → sit</title>");
        assert_eq!(titles[15], "9 t: developing → submitted</title>");
        assert_eq!(titles[30], "8 t: submitted → sit</title>");
        assert_eq!(titles[99], "96 t: submitted → sit</title>");
    }

    #[test]
    fn atom_without_history() {
        let (config, ledger) = (config(Language::En), ledger());
        let history = History::default();
        let out = feed_atom(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "https://x.example/",
        });
        let text = String::from_utf8(out.bytes).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let updated: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("updated"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            updated,
            ["1970-01-01T00:00:00Z", "2019-03-07T00:00:00+08:00"]
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml_escape("ok\u{1}\tz"), "ok\tz");
        assert!(matches!(xml_escape("还款"), Cow::Borrowed(_)));
    }
}
