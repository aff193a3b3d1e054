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
use activity::history;
use dashboard::{dashboard, metrics, trains};
use documents::{entries, releases, requirements, runbooks};
use minijinja::Value;
use minijinja::value::Serde;
use people::{people, systems};
use serde::Serialize;
use std::collections::BTreeMap;

/// One page to render.
pub struct Page<'a> {
    /// Output path under the site root, e.g. `entries/20/index.html`.
    pub path: String,
    pub template: &'static str,
    pub nav: &'static str,
    /// The page's own values; `root` and `nav` are added by [`Page::context`].
    data: Data<'a>,
    /// For the page of one document, system or person: a hash of everything its values are
    /// made of, so a page made from the same inputs last time may be kept without building its
    /// values or rendering it. `None` for the other pages (the whole ledger, the trains, the
    /// dashboard): they are rendered every time, and one commit usually changes them anyway.
    pub inputs: Option<u128>,
    /// The way back to the site root when it is not the relative one: the 404 page, which a
    /// server shows at any missing path, links through the absolute `base_url`.
    root: Option<String>,
}

/// A page's values, or how to make them.
enum Data<'a> {
    Ready(Value),
    Later(Box<dyn FnOnce() -> Value + Send + 'a>),
}

impl<'a> Page<'a> {
    fn new(path: String, template: &'static str, nav: &'static str, data: impl Serialize) -> Self {
        Page {
            path,
            template,
            nav,
            data: Data::Ready(Value::from(Serde(data))),
            inputs: None,
            root: None,
        }
    }

    /// A page whose values `make` builds from inputs that hash to `inputs` (see
    /// [`Page::inputs`]), only when the page is rendered.
    fn later(
        path: String,
        template: &'static str,
        nav: &'static str,
        inputs: u128,
        make: impl FnOnce() -> Value + Send + 'a,
    ) -> Self {
        Page {
            path,
            template,
            nav,
            data: Data::Later(Box::new(make)),
            inputs: Some(inputs),
            root: None,
        }
    }

    /// The path from this page back to the site root: relative (`../../` for `entries/20/`),
    /// or the one the page was given.
    pub fn root(&self) -> String {
        match &self.root {
            Some(r) => r.clone(),
            None => "../".repeat(self.path.matches('/').count()),
        }
    }

    /// The template context: the page's values plus `root`, `nav` and `path`.
    pub fn context(self) -> Value {
        let root = self.root();
        let page = match self.data {
            Data::Ready(v) => v,
            Data::Later(make) => make(),
        };
        minijinja::context! { root => root, nav => self.nav, page => page, path => self.path }
    }
}

/// A 128-bit hash of `x`, the same in every run.
pub fn hash_of(x: &impl std::hash::Hash) -> u128 {
    use siphasher::sip128::Hasher128;
    let mut h = siphasher::sip128::SipHasher13::new();
    x.hash(&mut h);
    h.finish128().as_u128()
}

/// A page to build: the job builds the page's context when it runs (in parallel, right before
/// the page is rendered and written), so the contexts of all pages are never in memory at once.
pub type Job<'a> = Box<dyn FnOnce() -> Page<'a> + Send + 'a>;

/// A [`Job`] from a closure.
fn job<'a>(f: impl FnOnce() -> Page<'a> + Send + 'a) -> Job<'a> {
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
    pages.push(job(move || Page {
        root: Some(input.base_url.clone()),
        ..Page::new("404.html".into(), "404.html", "", minijinja::context! {})
    }));
    pages
}

fn ledger<'a>(site: &Site) -> Page<'a> {
    Page::new(
        "ledger/index.html".into(),
        "ledger.html",
        "ledger",
        minijinja::context! { entries => site.rows.list(&site.input.ledger.entries) },
    )
}

fn board<'a>(site: &Site) -> Page<'a> {
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
