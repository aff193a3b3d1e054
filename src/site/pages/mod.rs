//! The plan of the site: every page, its output path, its template and its context. Pure: the
//! caller renders the plan (in parallel) and writes the files.

mod activity;
mod dashboard;
mod documents;
mod people;

use super::charts;
use super::train;
use super::views::{self, Link, release_view, timeline_view};
use super::{Markdown, SiteInput};
use crate::model::{Keyword, Status};
use crate::theme::segment;
use activity::history;
use dashboard::{dashboard, metrics, trains};
use documents::{entries, releases, requirements, runbooks};
use minijinja::Value;
use minijinja::value::Serde;
use people::{people, systems};
use serde::Serialize;
use std::collections::BTreeMap;

/// One page to render.
pub struct Page {
    /// Output path under the site root, e.g. `entries/20/index.html`.
    pub path: String,
    pub template: &'static str,
    /// The page's own values; `root` and `nav` are added by [`Page::context`].
    pub data: Value,
    pub nav: &'static str,
    /// Whether a page made from the same context last time may be kept without rendering it:
    /// true for the page of one document, whose context is small next to its HTML. A page
    /// that lists many entries is rendered every time: hashing its large context costs about
    /// as much as rendering it, and one commit usually changes it anyway.
    pub reusable: bool,
}

impl Page {
    fn new(path: String, template: &'static str, nav: &'static str, data: impl Serialize) -> Page {
        Page {
            path,
            template,
            nav,
            data: Value::from(Serde(data)),
            reusable: false,
        }
    }

    /// The page of one document: see [`Page::reusable`].
    fn reusable(self) -> Page {
        Page {
            reusable: true,
            ..self
        }
    }

    /// The relative path from this page back to the site root (`../../` for `entries/20/`).
    pub fn root(&self) -> String {
        "../".repeat(self.path.matches('/').count())
    }

    /// The template context: the page's data plus `root` and `nav`.
    pub fn context(&self) -> Value {
        minijinja::context! { root => self.root(), nav => self.nav, page => self.data.clone(), path => self.path.clone() }
    }
}

/// A page to build: the job builds the page's context when it runs (in parallel, right before
/// the page is rendered and written), so the contexts of all pages are never in memory at once.
pub type Job<'a> = Box<dyn FnOnce() -> Page + Send + 'a>;

/// A [`Job`] from a closure.
fn job<'a>(f: impl FnOnce() -> Page + Send + 'a) -> Job<'a> {
    Box::new(f)
}

/// What the page jobs share: the input, the Markdown renderer and the entries' rows.
pub struct Site<'a> {
    pub input: &'a SiteInput<'a>,
    pub md: &'a Markdown<'a>,
    pub rows: views::Rows<'a>,
    /// The most recent status moves (200 of them), made on first use.
    pub activity: std::sync::OnceLock<Vec<activity::Activity>>,
}

/// Every page of the site, in a fixed order, as jobs that build it.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let (input, md) = (site.input, site.md);
    let mut pages: Vec<Job<'a>> = vec![
        job(move || dashboard(site)),
        job(move || ledger(site)),
        job(move || board(site)),
        job(move || history(site)),
        job(move || metrics(input)),
    ];
    pages.extend(trains(site));
    pages.extend(entries(site));
    pages.extend(requirements(site));
    pages.extend(releases(site));
    pages.extend(systems(site));
    pages.extend(people(site));
    pages.extend(runbooks(input, md));
    pages.push(job(|| {
        Page::new("404.html".into(), "404.html", "", minijinja::context! {})
    }));
    pages
}

fn ledger(site: &Site) -> Page {
    Page::new(
        "ledger/index.html".into(),
        "ledger.html",
        "ledger",
        minijinja::context! { entries => site.rows.list(&site.input.ledger.entries) },
    )
}

fn board(site: &Site) -> Page {
    let entries = &site.input.ledger.entries;
    let columns: Vec<_> = Status::ALL
        .iter()
        .map(|s| {
            let items = site.rows.list(entries.iter().filter(|e| e.status == *s));
            minijinja::context! { status => s.as_str(), entries => items }
        })
        .collect();
    Page::new(
        "board/index.html".into(),
        "board.html",
        "board",
        minijinja::context! { columns => columns },
    )
}
