//! The plan of the site: every page, its output path, its template and its context. Pure: the
//! caller renders the plan (in parallel) and writes the files.

use super::charts;
use super::train;
use super::views::{self, Link, entry_view, release_view, timeline_view};
use super::{Markdown, SiteInput};
use crate::model::{Keyword, Status};
use crate::theme::segment;
use minijinja::Value;
use minijinja::value::Serde;
use rayon::prelude::*;
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
}

impl Page {
    fn new(path: String, template: &'static str, nav: &'static str, data: impl Serialize) -> Page {
        Page {
            path,
            template,
            nav,
            data: Value::from(Serde(data)),
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

/// Every page of the site, in a fixed order.
pub fn plan(input: &SiteInput, md: &Markdown) -> Vec<Page> {
    let mut pages = vec![
        dashboard(input),
        ledger(input),
        board(input),
        history(input),
        metrics(input),
    ];
    pages.extend(trains(input));
    pages.extend(entries(input, md));
    pages.extend(requirements(input, md));
    pages.extend(releases(input, md));
    pages.extend(systems(input));
    pages.extend(people(input));
    pages.extend(runbooks(input, md));
    pages.push(Page::new(
        "404.html".into(),
        "404.html",
        "",
        minijinja::context! {},
    ));
    pages
}

fn dashboard(input: &SiteInput) -> Page {
    let (l, cfg, today) = (input.ledger, input.config, input.today);
    let lang = cfg.language;
    let open: Vec<_> = l.entries.iter().filter(|e| e.status.is_open()).collect();
    let train_states = [
        Status::Submitted,
        Status::Sit,
        Status::Uat,
        Status::Preprod,
        Status::Approved,
    ];
    let train: Vec<_> = train_states
        .iter()
        .map(|s| {
            let items: Vec<_> = open
                .iter()
                .filter(|e| e.status == *s)
                .map(|e| entry_view(e, l, today))
                .collect();
            minijinja::context! { status => s.as_str(), entries => Value::from(Serde(items)) }
        })
        .collect();
    let late: Vec<_> = open
        .iter()
        .filter(|e| views::is_late(e, today))
        .map(|e| entry_view(e, l, today))
        .collect();
    let upcoming = l
        .releases
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                crate::model::ReleaseStatus::Planning
                    | crate::model::ReleaseStatus::Testing
                    | crate::model::ReleaseStatus::Approved
            )
        })
        .filter(|r| today.is_none_or(|t| r.date >= t))
        .min_by_key(|r| (r.date, r.id.clone()))
        .or_else(|| {
            l.releases
                .iter()
                .filter(|r| r.status != crate::model::ReleaseStatus::Cancelled)
                .max_by_key(|r| (r.date, r.id.clone()))
        });
    let next = upcoming.map(|r| release_view(r, l, input.history, today));
    let count = |key: &dyn Fn(&&&crate::model::Entry) -> String| {
        let mut m: BTreeMap<String, f64> = BTreeMap::new();
        for e in &open {
            *m.entry(key(&e)).or_default() += 1.0;
        }
        m
    };
    let by_status: Vec<(String, f64)> = Status::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| {
            (
                super::i18n::value(lang, "status", s.as_str()).to_owned(),
                open.iter().filter(|e| e.status == *s).count() as f64,
            )
        })
        .collect();
    let by_system: Vec<(String, f64)> = count(&|e| e.system.clone()).into_iter().collect();
    let by_priority: Vec<(String, f64)> = crate::model::Priority::ALL
        .iter()
        .map(|p| {
            (
                super::i18n::value(lang, "priority", p.as_str()).to_owned(),
                open.iter().filter(|e| e.priority == *p).count() as f64,
            )
        })
        .collect();
    let t = super::i18n::ui(lang);
    let mut weeks: BTreeMap<String, f64> = BTreeMap::new();
    for r in l.releases.iter().filter(|r| {
        r.status == crate::model::ReleaseStatus::Released
            || r.status == crate::model::ReleaseStatus::RolledBack
    }) {
        *weeks.entry(views::week_label(r.date)).or_default() += 1.0;
    }
    let weeks: Vec<(String, f64)> = weeks
        .into_iter()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut lead: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for e in l.entries.iter().filter(|e| e.status == Status::Released) {
        if let Some(r) = e.release.as_deref().and_then(|r| l.release(r)) {
            let days = (r.date - e.proposed_on).get_days() as f64;
            let slot = lead.entry(views::week_label(r.date)).or_default();
            *slot = (slot.0 + days, slot.1 + 1.0);
        }
    }
    let lead: Vec<(String, f64)> = lead
        .into_iter()
        .map(|(w, (sum, n))| (w, (sum / n * 10.0).round() / 10.0))
        .collect();
    let lead: Vec<(String, f64)> = lead
        .into_iter()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let safe = Value::from_safe_string;
    let data = minijinja::context! {
        today => today.map(|d| d.to_string()),
        train => train,
        late => Value::from(Serde(late)),
        next => next.map(|n| Value::from(Serde(n))),
        open_count => open.len(),
        chart_status => safe(charts::bars(t["by_status"], &by_status)),
        chart_system => safe(charts::bars(t["by_system"], &by_system)),
        chart_priority => safe(charts::bars(t["by_priority"], &by_priority)),
        chart_weeks => safe(charts::columns(t["releases_per_week"], &weeks)),
        chart_lead => safe(charts::columns(t["lead_time"], &lead)),
        activity => Value::from(Serde(activity(input, 15))),
        train_url => this_train(input).map(|w| train::train_url(&w)),
    };
    Page::new("index.html".into(), "index.html", "dashboard", data)
}

/// The week of the train the dashboard links to: today's week when it has a train, else the
/// next one, else the latest.
fn this_train(input: &SiteInput) -> Option<String> {
    let weeks = train::weeks(input, input.seats());
    let now = input.today.map(crate::metrics::week_of_date);
    match now {
        Some(now) => weeks
            .iter()
            .find(|(w, _)| *w >= now)
            .or(weeks.last())
            .map(|(w, _)| w.clone()),
        None => weeks.last().map(|(w, _)| w.clone()),
    }
}

/// A percentage for a chart, from a 0–1 rate.
fn pct(x: Option<f64>) -> f64 {
    x.map_or(0.0, |r| (r * 1000.0).round() / 10.0)
}

fn metrics(input: &SiteInput) -> Page {
    let lang = input.config.language;
    let t = super::i18n::ui(lang);
    let m = crate::metrics::compute(input.ledger, input.history, input.config, input.today);
    let last16 = |f: &dyn Fn(&crate::metrics::Row) -> f64| -> Vec<(String, f64)> {
        let skip = m.weeks.len().saturating_sub(16);
        m.weeks[skip..]
            .iter()
            .map(|r| (r.key.clone(), f(r)))
            .collect()
    };
    let by_system = |f: &dyn Fn(&crate::metrics::Row) -> f64| -> Vec<(String, f64)> {
        m.systems.iter().map(|r| (r.key.clone(), f(r))).collect()
    };
    let stages: Vec<(String, f64)> = m
        .stages
        .iter()
        .map(|s| {
            (
                super::i18n::value(lang, "status", &s.status).to_owned(),
                s.median_days,
            )
        })
        .collect();
    let stuck: Vec<_> = m
        .stuck
        .iter()
        .map(|s| {
            minijinja::context! {
                s => Value::from(Serde(s)),
                url => views::entry_url(s.id),
                tech_url => (!s.tech_lead.is_empty()).then(|| views::person_url(&s.tech_lead)),
                test_url => (!s.test_lead.is_empty()).then(|| views::person_url(&s.test_lead)),
            }
        })
        .collect();
    let safe = Value::from_safe_string;
    let data = minijinja::context! {
        chart_releases => safe(charts::columns(t["releases_per_week"], &last16(&|r| r.releases as f64))),
        chart_released => safe(charts::columns(t["released_changes"], &last16(&|r| r.released as f64))),
        chart_lead => safe(charts::columns(t["lead_median"], &last16(&|r| r.lead_median_days.unwrap_or(0.0)))),
        chart_failure => safe(charts::columns(t["change_failure_rate"], &last16(&|r| pct(r.change_failure_rate)))),
        chart_carry => safe(charts::columns(t["carry_over_rate"], &last16(&|r| pct(r.carry_over_rate)))),
        chart_stages => safe(charts::bars(t["time_per_stage"], &stages)),
        chart_system_released => safe(charts::bars(t["released_changes"], &by_system(&|r| r.released as f64))),
        chart_system_lead => safe(charts::bars(t["lead_median"], &by_system(&|r| r.lead_median_days.unwrap_or(0.0)))),
        weeks => Value::from(Serde(m.weeks.iter().rev().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => train::train_url(&r.key) }).collect::<Vec<_>>())),
        systems => Value::from(Serde(m.systems.iter().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => views::system_url(&r.key) }).collect::<Vec<_>>())),
        stages => Value::from(Serde(&m.stages)),
        stuck => stuck,
        stuck_after_days => m.stuck_after_days,
        today => m.today.clone(),
        train_weeks => train::weeks(input, input.seats()).into_iter().map(|(w, _)| w).collect::<Vec<_>>(),
    };
    Page::new("metrics/index.html".into(), "metrics.html", "metrics", data)
}

fn trains(input: &SiteInput) -> Vec<Page> {
    let seats = input.seats();
    let all = train::weeks(input, seats);
    let mut pages = vec![Page::new(
        "train/index.html".into(),
        "trains.html",
        "train",
        minijinja::context! { trains => Value::from(Serde(train::summaries(input, seats, &all))) },
    )];
    for (week, date) in &all {
        let view = train::train_view(input, week, *date, &all, seats);
        pages.push(Page::new(
            format!("{}index.html", train::train_url(week)),
            "train.html",
            "train",
            minijinja::context! { tr => Value::from(Serde(view)) },
        ));
    }
    pages
}

/// Recent status moves across the ledger, newest first.
#[derive(Debug, Clone, Serialize)]
struct Activity {
    time: String,
    /// `time` in the configured time zone.
    local: String,
    author: String,
    what: Link,
    from: String,
    to: String,
    commit: String,
}

fn activity(input: &SiteInput, max: usize) -> Vec<Activity> {
    let lang = input.config.language;
    let mut out = Vec::new();
    let docs = input
        .ledger
        .entries
        .iter()
        .map(|e| {
            (
                &e.doc.path,
                Link {
                    text: format!("#{} {}", e.id, e.title),
                    url: views::entry_url(e.id),
                },
            )
        })
        .chain(input.ledger.releases.iter().map(|r| {
            (
                &r.doc.path,
                Link {
                    text: r.title.clone(),
                    url: views::release_url(&r.id),
                },
            )
        }));
    for (path, link) in docs {
        let Some(t) = input.history.of(path) else {
            continue;
        };
        let is_release = path.starts_with("content/releases/");
        for tr in crate::history::facts::transitions(t)
            .into_iter()
            .filter(|tr| !tr.working_tree)
        {
            let kind = if is_release {
                "release_status"
            } else {
                "status"
            };
            out.push(Activity {
                local: views::local_time(input.config, &tr.landed_time),
                time: tr.landed_time.clone(),
                author: tr.author.clone(),
                what: link.clone(),
                from: tr
                    .from
                    .as_deref()
                    .map(|f| super::i18n::value(lang, kind, f).to_owned())
                    .unwrap_or_default(),
                to: super::i18n::value(lang, kind, &tr.to).to_owned(),
                commit: tr.commit.clone(),
            });
        }
    }
    out.sort_by(|a, b| (&b.time, &b.commit, &b.what.url).cmp(&(&a.time, &a.commit, &a.what.url)));
    out.truncate(max);
    out
}

fn ledger(input: &SiteInput) -> Page {
    let rows: Vec<_> = input
        .ledger
        .entries
        .iter()
        .map(|e| entry_view(e, input.ledger, input.today))
        .collect();
    Page::new(
        "ledger/index.html".into(),
        "ledger.html",
        "ledger",
        minijinja::context! { entries => Value::from(Serde(rows)) },
    )
}

fn board(input: &SiteInput) -> Page {
    let columns: Vec<_> = Status::ALL
        .iter()
        .map(|s| {
            let items: Vec<_> = input
                .ledger
                .entries
                .iter()
                .filter(|e| e.status == *s)
                .map(|e| entry_view(e, input.ledger, input.today))
                .collect();
            minijinja::context! { status => s.as_str(), entries => Value::from(Serde(items)) }
        })
        .collect();
    Page::new(
        "board/index.html".into(),
        "board.html",
        "board",
        minijinja::context! { columns => columns },
    )
}

fn history(input: &SiteInput) -> Page {
    let releases: Vec<_> = input
        .ledger
        .releases
        .iter()
        .rev()
        .map(|r| release_view(r, input.ledger, input.history, input.today))
        .collect();
    let data = minijinja::context! {
        releases => Value::from(Serde(releases)),
        activity => Value::from(Serde(activity(input, 200))),
        has_history => input.history.head.is_some(),
        partial => input.history.partial,
    };
    Page::new("history/index.html".into(), "history.html", "history", data)
}

fn entries(input: &SiteInput, md: &Markdown) -> Vec<Page> {
    // Each page renders its Markdown while its context is built: in parallel.
    input.ledger.entries.par_iter().map(|e| {
        let view = entry_view(e, input.ledger, input.today);
        let sql: Vec<_> = e
            .sql_scripts
            .iter()
            .map(|p| minijinja::context! { path => p, html => (input.read)(p).map(|s| Value::from_safe_string(super::sql::highlight(&s))) })
            .collect();
        let related: Vec<Link> = e
            .related_systems
            .iter()
            .map(|s| Link {
                text: s.clone(),
                url: views::system_url(s),
            })
            .collect();
        let data = minijinja::context! {
            e => Value::from(Serde(view)),
            body => Value::from_safe_string(md.render(&e.doc.path, &e.body)),
            sql => sql,
            related => Value::from(Serde(related)),
            timeline => Value::from(Serde(timeline_view(input.config, input.history.of(&e.doc.path)))),
        };
        Page::new(format!("{}index.html", views::entry_url(e.id)), "entry.html", "ledger", data)
    }).collect()
}

fn requirements(input: &SiteInput, md: &Markdown) -> Vec<Page> {
    let l = input.ledger;
    let mut pages = vec![Page::new(
        "requirements/index.html".into(),
        "requirements.html",
        "requirements",
        minijinja::context! {
            requirements => Value::from(Serde(l.requirements.iter().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => views::requirement_url(&r.id), count => l.entries_of_requirement(&r.id).count() }).collect::<Vec<_>>())),
        },
    )];
    for r in &l.requirements {
        let entries: Vec<_> = l
            .entries_of_requirement(&r.id)
            .map(|e| entry_view(e, l, input.today))
            .collect();
        let data = minijinja::context! {
            r => Value::from(Serde(r)),
            body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
            entries => Value::from(Serde(entries)),
            system_url => (!r.system.is_empty()).then(|| views::system_url(&r.system)),
            timeline => Value::from(Serde(timeline_view(input.config, input.history.of(&r.doc.path)))),
        };
        pages.push(Page::new(
            format!("{}index.html", views::requirement_url(&r.id)),
            "requirement.html",
            "requirements",
            data,
        ));
    }
    pages
}

fn releases(input: &SiteInput, md: &Markdown) -> Vec<Page> {
    let l = input.ledger;
    let all: Vec<_> = l
        .releases
        .iter()
        .rev()
        .map(|r| release_view(r, l, input.history, input.today))
        .collect();
    let mut pages = vec![Page::new(
        "releases/index.html".into(),
        "releases.html",
        "releases",
        minijinja::context! { releases => Value::from(Serde(all)) },
    )];
    for r in &l.releases {
        let view = release_view(r, l, input.history, input.today);
        let scripts: Vec<_> = r
            .data_migration
            .scripts
            .iter()
            .map(|p| minijinja::context! { path => p, html => (input.read)(p).map(|s| Value::from_safe_string(super::sql::highlight(&s))) })
            .collect();
        let data = minijinja::context! {
            r => Value::from(Serde(view)),
            body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
            scripts => scripts,
            timeline => Value::from(Serde(timeline_view(input.config, input.history.of(&r.doc.path)))),
        };
        pages.push(Page::new(
            format!("{}index.html", views::release_url(&r.id)),
            "release.html",
            "releases",
            data,
        ));
    }
    pages
}

fn systems(input: &SiteInput) -> Vec<Page> {
    let l = input.ledger;
    let mut names: Vec<String> = input
        .config
        .systems
        .iter()
        .map(|s| s.name.clone())
        .collect();
    for e in &l.entries {
        if !names.contains(&e.system) {
            names.push(e.system.clone());
        }
    }
    let mut list = Vec::new();
    let mut pages = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(segment(&name)) {
            continue;
        }
        let def = input.config.system(&name);
        let entries: Vec<_> = l
            .entries
            .iter()
            .filter(|e| e.system == name || e.related_systems.contains(&name))
            .map(|e| entry_view(e, l, input.today))
            .collect();
        let open = entries.iter().filter(|v| v.e.status.is_open()).count();
        list.push(minijinja::context! { name => name.clone(), url => views::system_url(&name), owner => def.map(|d| d.owner.clone()), count => entries.len(), open => open });
        let data = minijinja::context! {
            name => name.clone(),
            owner => def.map(|d| d.owner.clone()),
            owner_url => def.filter(|d| !d.owner.is_empty()).map(|d| views::person_url(&d.owner)),
            subsystems => def.map(|d| d.subsystems.clone()).unwrap_or_default(),
            entries => Value::from(Serde(entries)),
        };
        pages.push(Page::new(
            format!("{}index.html", views::system_url(&name)),
            "system.html",
            "systems",
            data,
        ));
    }
    pages.insert(
        0,
        Page::new(
            "systems/index.html".into(),
            "systems.html",
            "systems",
            minijinja::context! { systems => list },
        ),
    );
    pages
}

fn people(input: &SiteInput) -> Vec<Page> {
    let l = input.ledger;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for e in &l.entries {
        for n in [&e.tech_lead, &e.test_lead, &e.proposer] {
            if !n.is_empty() {
                names.entry(segment(n)).or_insert_with(|| n.clone());
            }
        }
    }
    for s in &input.config.systems {
        if !s.owner.is_empty() {
            names
                .entry(segment(&s.owner))
                .or_insert_with(|| s.owner.clone());
        }
    }
    for r in &l.releases {
        for s in &r.steps {
            if !s.owner.is_empty() {
                names
                    .entry(segment(&s.owner))
                    .or_insert_with(|| s.owner.clone());
            }
        }
    }
    let mut list = Vec::new();
    let mut pages = Vec::new();
    for (seg, name) in &names {
        let of = |f: &dyn Fn(&crate::model::Entry) -> bool| -> Vec<_> {
            l.entries
                .iter()
                .filter(|e| f(e))
                .map(|e| entry_view(e, l, input.today))
                .collect()
        };
        let tech = of(&|e| &e.tech_lead == name);
        let test = of(&|e| &e.test_lead == name);
        let proposed = of(&|e| &e.proposer == name);
        let late = tech.iter().chain(&test).filter(|v| v.late).count();
        let open = tech
            .iter()
            .chain(&test)
            .filter(|v| v.e.status.is_open())
            .count();
        list.push(minijinja::context! { name => name, url => format!("people/{seg}/"), open => open, late => late });
        let data = minijinja::context! {
            name => name,
            tech => Value::from(Serde(tech)),
            test => Value::from(Serde(test)),
            proposed => Value::from(Serde(proposed)),
            late => late,
        };
        pages.push(Page::new(
            format!("people/{seg}/index.html"),
            "person.html",
            "people",
            data,
        ));
    }
    pages.insert(
        0,
        Page::new(
            "people/index.html".into(),
            "people.html",
            "people",
            minijinja::context! { people => list },
        ),
    );
    pages
}

fn runbooks(input: &SiteInput, md: &Markdown) -> Vec<Page> {
    let l = input.ledger;
    let list: Vec<_> = l.runbooks.iter().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => views::runbook_url(&r.slug) }).collect();
    let mut pages = vec![Page::new(
        "runbooks/index.html".into(),
        "runbooks.html",
        "runbooks",
        minijinja::context! { runbooks => list },
    )];
    for r in &l.runbooks {
        let path = format!("content/runbooks/{}.md", r.slug);
        let used_by: Vec<Link> = l
            .releases
            .iter()
            .filter(|rel| rel.runbook.as_deref() == Some(path.as_str()))
            .map(|rel| Link {
                text: rel.title.clone(),
                url: views::release_url(&rel.id),
            })
            .collect();
        let data = minijinja::context! {
            r => Value::from(Serde(r)),
            body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
            used_by => Value::from(Serde(used_by)),
            timeline => Value::from(Serde(timeline_view(input.config, input.history.of(&r.doc.path)))),
        };
        pages.push(Page::new(
            format!("{}index.html", views::runbook_url(&r.slug)),
            "runbook.html",
            "runbooks",
            data,
        ));
    }
    pages
}
