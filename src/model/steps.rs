//! The order a release's launch-plan steps run in: each after the steps it waits on.

use super::Release;
use std::collections::BTreeMap;

impl Release {
    /// The steps in an order where each comes after the steps it waits on (stable: by position
    /// among equals). Steps caught in a cycle come last, in their written order.
    pub fn step_order(&self) -> Vec<usize> {
        let r = self;
        let index: BTreeMap<&str, usize> = r
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let mut done = vec![false; r.steps.len()];
        let mut order = Vec::with_capacity(r.steps.len());
        while order.len() < r.steps.len() {
            let ready = (0..r.steps.len()).find(|&i| {
                !done[i]
                    && r.steps[i]
                        .after
                        .iter()
                        .all(|a| index.get(a.as_str()).is_none_or(|&j| done[j]))
            });
            match ready {
                Some(i) => {
                    done[i] = true;
                    order.push(i);
                }
                None => {
                    order.extend((0..r.steps.len()).filter(|&i| !done[i]));
                    break;
                }
            }
        }
        order
    }
}
