//! The dashboard, the metrics page and the release-train pages. Builds contexts only.

use super::*;

pub(super) fn dashboard<'a>(site: &Site) -> Page<'a> {
    let input = site.input;
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
            let items = site
                .rows
                .list(open.iter().copied().filter(|e| e.status == *s));
            minijinja::context! { status => s.as_str(), entries => items }
        })
        .collect();
    let late = site.rows.list(
        open.iter()
            .copied()
            .filter(|e| views::is_late(e, today, &input.config.train)),
    );
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
    let next = upcoming.map(|r| release_view(r, l, input.history, &site.rows));
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
                crate::site::i18n::value(lang, "status", s.as_str()).to_owned(),
                open.iter().filter(|e| e.status == *s).count() as f64,
            )
        })
        .collect();
    let by_system: Vec<(String, f64)> = count(&|e| e.system.clone()).into_iter().collect();
    let by_priority: Vec<(String, f64)> = crate::model::Priority::ALL
        .iter()
        .map(|p| {
            (
                crate::site::i18n::value(lang, "priority", p.as_str()).to_owned(),
                open.iter().filter(|e| e.priority == *p).count() as f64,
            )
        })
        .collect();
    let t = crate::site::i18n::ui(lang);
    let mut weeks: BTreeMap<String, f64> = BTreeMap::new();
    for r in l.releases.iter().filter(|r| {
        r.status == crate::model::ReleaseStatus::Released
            || r.status == crate::model::ReleaseStatus::RolledBack
    }) {
        *weeks
            .entry(crate::calendar::week_label(r.date))
            .or_default() += 1.0;
    }
    let weeks = last_weeks(weeks.into_iter().collect());
    let mut lead: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for e in l.entries.iter().filter(|e| e.status == Status::Released) {
        if let Some(r) = e.release.as_deref().and_then(|r| l.release(r)) {
            let days = (r.date - e.proposed_on).get_days() as f64;
            let slot = lead.entry(crate::calendar::week_label(r.date)).or_default();
            *slot = (slot.0 + days, slot.1 + 1.0);
        }
    }
    let lead = last_weeks(
        lead.into_iter()
            .map(|(w, (sum, n))| (w, (sum / n * 10.0).round() / 10.0))
            .collect(),
    );
    let safe = Value::from_safe_string;
    let data = minijinja::context! {
        // Only the dashboard shows when the site was made: a page that did not change keeps
        // its bytes from one commit to the next.
        generated_at => input.generated_at.clone(),
        today => today.map(|d| d.to_string()),
        train => train,
        late => late,
        next => next.map(|n| Value::from(Serde(n))),
        open_count => open.len(),
        chart_status => safe(charts::bars(t["by_status"], &by_status)),
        chart_system => safe(charts::bars(t["by_system"], &by_system)),
        chart_priority => safe(charts::bars(t["by_priority"], &by_priority)),
        chart_weeks => safe(charts::columns(t["releases_per_week"], &weeks)),
        chart_lead => safe(charts::columns(t["lead_time"], &lead)),
        activity => Value::from(Serde(super::activity::recent(site, 15))),
        train_url => this_train(input).map(|w| train::train_url(&w)),
    };
    Page::new("index.html".into(), "index.html", "dashboard", data)
}

/// The week of the train the dashboard links to: today's week when it has a train, else the
/// next one, else the latest.
pub(super) fn this_train(input: &SiteInput) -> Option<String> {
    let weeks = train::weeks(input, input.seats());
    let now = input.today.map(crate::calendar::week_label);
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
pub(super) fn pct(x: Option<f64>) -> f64 {
    x.map_or(0.0, |r| (r * 1000.0).round() / 10.0)
}

pub(super) fn metrics<'a>(input: &SiteInput) -> Page<'a> {
    let lang = input.config.language;
    let t = crate::site::i18n::ui(lang);
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
                crate::site::i18n::value(lang, "status", &s.status).to_owned(),
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

pub(super) fn trains<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let input = site.input;
    let idx = std::sync::Arc::new(train::Index::new(input));
    let mut pages = Vec::with_capacity(idx.weeks.len() + 1);
    let list = idx.clone();
    pages.push(job(move || {
        Page::new(
            "train/index.html".into(),
            "trains.html",
            "train",
            minijinja::context! { trains => Value::from(Serde(train::summaries(input, &list))) },
        )
    }));
    for i in 0..idx.weeks.len() {
        let idx = idx.clone();
        pages.push(job(move || {
            let (week, date) = &idx.weeks[i];
            let view = train::train_view(input, &idx, &site.rows, week, *date);
            Page::new(
                train::train_url(week),
                "train.html",
                "train",
                minijinja::context! { tr => Value::from(Serde(view)) },
            )
        }));
    }
    pages
}

/// The last 16 weeks of a week-ordered series (what a dashboard chart has room for).
fn last_weeks(mut series: Vec<(String, f64)>) -> Vec<(String, f64)> {
    series.drain(..series.len().saturating_sub(16));
    series
}

#[cfg(test)]
mod tests {
    #[test]
    fn charts_keep_the_last_16_weeks_in_order() {
        let series: Vec<(String, f64)> = (1..=20).map(|w| (format!("W{w:02}"), w as f64)).collect();
        let last = super::last_weeks(series);
        assert_eq!(last.len(), 16);
        assert_eq!((last[0].0.as_str(), last[15].0.as_str()), ("W05", "W20"));
        assert_eq!(super::last_weeks(vec![("W01".into(), 1.0)]).len(), 1);
    }
}
