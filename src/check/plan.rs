//! The launch plan of each release: the phase ramp and the step dependency graph (of a release
//! read in part too, unless those keys failed).

use crate::diag::{Code, Diagnostic};
use crate::model::{Ledger, Release, Strategy};
use std::collections::BTreeMap;

pub(super) fn check(ledger: &Ledger, out: &mut Vec<Diagnostic>) {
    for r in ledger.releases.iter().chain(&ledger.partial.releases) {
        let doc = &r.doc;
        if !doc.has_failed("phases") && !doc.has_failed("strategy") {
            phases(r, out);
        }
        if !doc.has_failed("steps") {
            steps(r, out);
        }
    }
}

fn phases(r: &Release, out: &mut Vec<Diagnostic>) {
    let doc = &r.doc;
    match (r.strategy, r.phases.is_empty()) {
        (Some(Strategy::Phased), true) => out.push(
            Diagnostic::new(
                Code::StrategyPhases,
                &doc.path,
                doc.locs.of("strategy"),
                "a phased release has no `phases`",
            )
            .with_help("add the ramp, e.g. phases: [{percent: 10}, {percent: 50}, {percent: 100}]"),
        ),
        (Some(Strategy::Full), false) if r.phases.iter().any(|p| p.percent != 100) => out.push(
            Diagnostic::new(
                Code::StrategyPhases,
                &doc.path,
                doc.locs.of("strategy"),
                "a full release lists `phases`",
            )
            .with_help("set `strategy: phased`, or remove the phases"),
        ),
        _ => {}
    }
    let mut last = 0u8;
    for (i, p) in r.phases.iter().enumerate() {
        if p.percent <= last {
            let at = doc.locs.of(&format!("phases.{i}.percent"));
            out.push(
                Diagnostic::new(
                    Code::BadPhases,
                    &doc.path,
                    at,
                    format!("phase {} goes to {}% after {}%", i + 1, p.percent, last),
                )
                .with_help("each phase must reach more traffic than the one before"),
            );
        }
        last = last.max(p.percent);
    }
    if let Some(p) = r.phases.last()
        && p.percent != 100
    {
        let at = doc
            .locs
            .of(&format!("phases.{}.percent", r.phases.len() - 1));
        out.push(
            Diagnostic::new(
                Code::BadPhases,
                &doc.path,
                at,
                format!("the last phase reaches {}%, not 100%", p.percent),
            )
            .with_help("end the ramp with `{percent: 100}`"),
        );
    }
}

fn steps(r: &Release, out: &mut Vec<Diagnostic>) {
    let doc = &r.doc;
    let index: BTreeMap<&str, usize> = r
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    for (i, s) in r.steps.iter().enumerate() {
        for (j, a) in s.after.iter().enumerate() {
            if !index.contains_key(a.as_str()) {
                let names: Vec<&str> = index.keys().copied().collect();
                let help = match crate::diag::did_you_mean(a, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("steps of this release: {}", names.join(", ")),
                };
                out.push(
                    Diagnostic::new(
                        Code::UnknownStep,
                        &doc.path,
                        doc.locs.of(&format!("steps.{i}.after.{j}")),
                        format!("step `{}` runs after `{a}`, which is not a step", s.name),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if let Some(cycle) = find_cycle(r, &index) {
        let first = cycle[0];
        let names: Vec<&str> = cycle
            .iter()
            .chain(std::iter::once(&first))
            .map(|&i| r.steps[i].name.as_str())
            .collect();
        out.push(
            Diagnostic::new(
                Code::StepCycle,
                &doc.path,
                doc.locs.of(&format!("steps.{first}.after")),
                format!("steps wait on each other: {}", names.join(" → ")),
            )
            .with_help("remove one of the `after` links so the steps can run in order"),
        );
    }
}

/// One cycle of the `after` graph (step indices), if there is any.
fn find_cycle(r: &Release, index: &BTreeMap<&str, usize>) -> Option<Vec<usize>> {
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; r.steps.len()];
    let mut stack = Vec::new();
    fn visit(
        n: usize,
        r: &Release,
        index: &BTreeMap<&str, usize>,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[n] = 1;
        stack.push(n);
        for a in &r.steps[n].after {
            let Some(&m) = index.get(a.as_str()) else {
                continue;
            };
            if state[m] == 1 {
                let start = stack.iter().position(|&x| x == m).unwrap_or(0);
                return Some(stack[start..].to_vec());
            }
            if state[m] == 0
                && let Some(c) = visit(m, r, index, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state[n] = 2;
        None
    }
    (0..r.steps.len()).find_map(|n| {
        if state[n] == 0 {
            visit(n, r, index, &mut state, &mut stack)
        } else {
            None
        }
    })
}
