//! Pages per system and per person, and their lists. Builds contexts only.

use super::*;

pub(super) fn systems(input: &SiteInput) -> Vec<Page> {
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

pub(super) fn people(input: &SiteInput) -> Vec<Page> {
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
