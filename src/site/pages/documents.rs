//! One page per document: entries, requirements, releases, runbooks (and their lists).
//! Builds contexts only; Markdown goes through [`super::Markdown`].

use super::*;

pub(super) fn entries<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let (input, md) = (site.input, site.md);
    // Each page renders its Markdown while its values are built: in parallel, and only when
    // the page is not kept from the last build.
    input.ledger.entries.iter().map(|e| job(move || {
        let sql: Vec<(&String, Option<String>)> =
            e.sql_scripts.iter().map(|p| (p, (input.read)(p))).collect();
        let timeline = input.history.of(&e.doc.path);
        // Everything the values below are made of (the configuration is in every page's hash).
        let inputs = hash_of(&(site.rows.hash(e), &e.doc.path, &e.body, md.links(), &sql, &e.related_systems, timeline));
        let path = views::entry_url(e.id);
        Page::later(path, "entry.html", "ledger", inputs, move || {
            let sql: Vec<_> = sql
                .into_iter()
                .map(|(path, text)| minijinja::context! { path => path, html => text.map(|s| Value::from_safe_string(crate::site::sql::highlight(&s))) })
                .collect();
            let related: Vec<Link> = e
                .related_systems
                .iter()
                .map(|s| Link {
                    text: s.clone(),
                    url: views::system_url(s),
                })
                .collect();
            minijinja::context! {
                e => site.rows.of(e),
                body => Value::from_safe_string(md.render(&e.doc.path, &e.body)),
                sql => sql,
                related => Value::from(Serde(related)),
                timeline => Value::from(Serde(timeline_view(input.config, timeline))),
            }
        })
    })).collect()
}

pub(super) fn requirements<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let (input, md) = (site.input, site.md);
    let l = input.ledger;
    let mut pages = vec![job(move || {
        Page::new(
            "requirements/index.html".into(),
            "requirements.html",
            "requirements",
            minijinja::context! {
                requirements => Value::from(Serde(l.requirements.iter().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => views::requirement_url(&r.id), count => site.rows.entries_of_requirement(&r.id).len() }).collect::<Vec<_>>())),
            },
        )
    })];
    for r in &l.requirements {
        pages.push(job(move || {
            let value = Value::from(Serde(r));
            let entries = site.rows.entries_of_requirement(&r.id);
            let timeline = input.history.of(&r.doc.path);
            // Everything the values below are made of (the configuration is in every page's hash).
            let inputs = hash_of(&(
                &value,
                site.rows.hash_list(entries.iter().copied()),
                &r.doc.path,
                &r.body,
                md.links(),
                timeline,
            ));
            let path = views::requirement_url(&r.id);
            Page::later(
                path,
                "requirement.html",
                "requirements",
                inputs,
                move || {
                    minijinja::context! {
                        r => value,
                        body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
                        entries => site.rows.list(entries),
                        system_url => (!r.system.is_empty()).then(|| views::system_url(&r.system)),
                        timeline => Value::from(Serde(timeline_view(input.config, timeline))),
                    }
                },
            )
        }));
    }
    pages
}

pub(super) fn releases<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let (input, md) = (site.input, site.md);
    let l = input.ledger;
    let mut pages = vec![job(move || {
        let all: Vec<_> = l
            .releases
            .iter()
            .rev()
            .map(|r| release_view(r, l, input.history, &site.rows))
            .collect();
        Page::new(
            "releases/index.html".into(),
            "releases.html",
            "releases",
            minijinja::context! { releases => Value::from(Serde(all)) },
        )
    })];
    for r in &l.releases {
        pages.push(job(move || {
            let view = release_view(r, l, input.history, &site.rows);
            let scripts: Vec<(&String, Option<String>)> =
                r.data_migration.scripts.iter().map(|p| (p, (input.read)(p))).collect();
            let timeline = input.history.of(&r.doc.path);
            // Everything the values below are made of (the configuration is in every page's
            // hash): the release, its entries' rows, what the view takes from elsewhere (its
            // release time from history, its runbook), its SQL scripts and its body.
            let entries = site.rows.hash_list(site.rows.entries_of_release(&r.id));
            let inputs = hash_of(&(Value::from(Serde(r)), entries, (&view.released_at, &view.released_by, &view.runbook_url), &scripts, &r.doc.path, &r.body, md.links(), timeline));
            let path = views::release_url(&r.id);
            Page::later(path, "release.html", "releases", inputs, move || {
                let scripts: Vec<_> = scripts
                    .into_iter()
                    .map(|(path, text)| minijinja::context! { path => path, html => text.map(|s| Value::from_safe_string(crate::site::sql::highlight(&s))) })
                    .collect();
                minijinja::context! {
                    r => Value::from(Serde(view)),
                    body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
                    scripts => scripts,
                    timeline => Value::from(Serde(timeline_view(input.config, timeline))),
                }
            })
        }));
    }
    pages
}

pub(super) fn runbooks<'a>(input: &'a SiteInput<'a>, md: &'a Markdown<'a>) -> Vec<Job<'a>> {
    let l = input.ledger;
    let mut pages = vec![job(move || {
        let list: Vec<_> = l.runbooks.iter().map(|r| minijinja::context! { r => Value::from(Serde(r)), url => views::runbook_url(&r.slug) }).collect();
        Page::new(
            "runbooks/index.html".into(),
            "runbooks.html",
            "runbooks",
            minijinja::context! { runbooks => list },
        )
    })];
    for r in &l.runbooks {
        pages.push(job(move || {
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
            let value = Value::from(Serde(r));
            let links: Vec<(&str, &str)> = used_by
                .iter()
                .map(|u| (u.text.as_str(), u.url.as_str()))
                .collect();
            let timeline = input.history.of(&r.doc.path);
            // Everything the values below are made of (the configuration is in every page's hash).
            let inputs = hash_of(&(&value, links, &r.doc.path, &r.body, md.links(), timeline));
            let page = views::runbook_url(&r.slug);
            Page::later(page, "runbook.html", "runbooks", inputs, move || {
                minijinja::context! {
                    r => value,
                    body => Value::from_safe_string(md.render(&r.doc.path, &r.body)),
                    used_by => Value::from(Serde(used_by)),
                    timeline => Value::from(Serde(timeline_view(input.config, timeline))),
                }
            })
        }));
    }
    pages
}
