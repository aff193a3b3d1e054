//! Pages per system and per person, and their lists. Builds contexts only.

use super::*;

/// The entries of a system: its own and those that name it as related.
fn of_system<'a>(l: &'a crate::model::Ledger, name: &str) -> Vec<&'a crate::model::Entry> {
    l.entries
        .iter()
        .filter(|e| e.system == name || e.related_systems.iter().any(|s| s == name))
        .collect()
}

pub(super) fn systems<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let input = site.input;
    let l = input.ledger;
    let mut names: Vec<String> = input
        .config
        .systems
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let mut known: std::collections::HashSet<String> = names.iter().cloned().collect();
    for e in &l.entries {
        if known.insert(e.system.clone()) {
            names.push(e.system.clone());
        }
    }
    let mut pages = Vec::with_capacity(names.len() + 1);
    let listed = names.clone();
    pages.push(job(move || {
        let list: Vec<_> = listed
            .iter()
            .map(|name| {
                let def = input.config.system(name);
                let (mut count, mut open) = (0, 0);
                for e in of_system(l, name) {
                    count += 1;
                    open += usize::from(e.status.is_open());
                }
                minijinja::context! { name => name.clone(), url => views::system_url(name), owner => def.map(|d| d.owner.clone()), count => count, open => open }
            })
            .collect();
        Page::new(
            "systems/index.html".into(),
            "systems.html",
            "systems",
            minijinja::context! { systems => list },
        )
    }));
    for name in names {
        pages.push(job(move || {
            let entries = of_system(l, &name);
            // What the page is made of: its name, its entries' rows and the configuration
            // (which is in every page's hash).
            let inputs = hash_of(&(&name, site.rows.hash_list(entries.iter().copied())));
            let path = views::system_url(&name);
            Page::later(path, "system.html", "systems", inputs, move || {
                let def = input.config.system(&name);
                minijinja::context! {
                    name => name.clone(),
                    owner => def.map(|d| d.owner.clone()),
                    owner_url => def.filter(|d| !d.owner.is_empty()).map(|d| views::person_url(&d.owner)),
                    subsystems => def.map(|d| d.subsystems.clone()).unwrap_or_default(),
                    entries => site.rows.list(entries),
                }
            })
        }));
    }
    pages
}

pub(super) fn people<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let input = site.input;
    let l = input.ledger;
    // By page: each name has its own (see `crate::slug`).
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for e in &l.entries {
        for n in [&e.tech_lead, &e.test_lead, &e.proposer] {
            if !n.is_empty() && seen.insert(n) {
                names
                    .entry(views::person_url(n))
                    .or_insert_with(|| n.clone());
            }
        }
    }
    for s in &input.config.systems {
        if !s.owner.is_empty() {
            names
                .entry(views::person_url(&s.owner))
                .or_insert_with(|| s.owner.clone());
        }
    }
    for r in &l.requirements {
        if !r.owner.is_empty() {
            names
                .entry(views::person_url(&r.owner))
                .or_insert_with(|| r.owner.clone());
        }
    }
    for r in &l.releases {
        for s in &r.steps {
            if !s.owner.is_empty() {
                names
                    .entry(views::person_url(&s.owner))
                    .or_insert_with(|| s.owner.clone());
            }
        }
    }
    let names: Vec<(String, String)> = names.into_iter().collect();
    let mut pages = Vec::with_capacity(names.len() + 1);
    let listed = names.clone();
    pages.push(job(move || {
        let list: Vec<_> = listed
            .iter()
            .map(|(url, name)| {
                // Counted over the tech-lead entries, then the test-lead ones (an entry led by
                // the same person on both counts twice), as on the person's page.
                let (mut late, mut open) = (0, 0);
                for e in &l.entries {
                    let n = usize::from(&e.tech_lead == name) + usize::from(&e.test_lead == name);
                    late += n * usize::from(views::is_late(e, input.today, &input.config.train));
                    open += n * usize::from(e.status.is_open());
                }
                minijinja::context! { name => name, url => url, open => open, late => late }
            })
            .collect();
        Page::new(
            "people/index.html".into(),
            "people.html",
            "people",
            minijinja::context! { people => list },
        )
    }));
    for (path, name) in names {
        pages.push(job(move || {
            let of = |f: &dyn Fn(&crate::model::Entry) -> bool| -> Vec<&crate::model::Entry> {
                l.entries.iter().filter(|e| f(e)).collect()
            };
            let tech = of(&|e| e.tech_lead == name);
            let test = of(&|e| e.test_lead == name);
            let proposed = of(&|e| e.proposer == name);
            let late = tech
                .iter()
                .chain(&test)
                .filter(|e| views::is_late(e, input.today, &input.config.train))
                .count();
            // What the page is made of: the name, the rows of the three lists and the count.
            let rows = &site.rows;
            let lists = [&tech, &test, &proposed].map(|x| rows.hash_list(x.iter().copied()));
            let inputs = hash_of(&(&name, lists, late));
            Page::later(path, "person.html", "people", inputs, move || {
                minijinja::context! {
                    name => name,
                    tech => rows.list(tech),
                    test => rows.list(test),
                    proposed => rows.list(proposed),
                    late => late,
                }
            })
        }));
    }
    pages
}
