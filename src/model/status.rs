//! The status workflow of SPEC 2.5 as pure functions: the order of the train, which test stages
//! a status has passed, and which moves between two statuses are allowed.

use super::keyword::{Env, Status};

impl Status {
    /// Position on the forward line registered → released; `None` for the side states.
    pub fn rank(self) -> Option<u8> {
        use Status::*;
        Some(match self {
            Registered => 0,
            Developing => 1,
            Submitted => 2,
            Sit => 3,
            Uat => 4,
            Preprod => 5,
            Approved => 6,
            Released => 7,
            RolledBack | OnHold | Closed => return None,
        })
    }

    /// True from `submitted` to `approved`: the entry is on a release train (submitted to
    /// test, in a test stage, or approved for release).
    pub fn is_on_train(self) -> bool {
        self.rank().is_some_and(|r| {
            (Status::Submitted.rank().unwrap_or(0)..=Status::Approved.rank().unwrap_or(0))
                .contains(&r)
        })
    }

    /// True while the entry still needs work or testing (not released, rolled back or closed).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Released | Status::RolledBack | Status::Closed)
    }

    /// True for states a `released` release may hold.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Released | Status::RolledBack | Status::Closed)
    }

    /// The test stages an entry in this status has already moved past, so each must have passed.
    pub fn passed_stages(self) -> &'static [Env] {
        use Status::*;
        match self {
            Uat => &[Env::Sit],
            Preprod => &[Env::Sit, Env::Uat],
            Approved | Released | RolledBack => &[Env::Sit, Env::Uat, Env::Preprod],
            _ => &[],
        }
    }

    /// The status of an entry sitting in this test environment.
    pub fn of_env(env: Env) -> Status {
        match env {
            Env::Sit => Status::Sit,
            Env::Uat => Status::Uat,
            Env::Preprod => Status::Preprod,
        }
    }
}

/// Whether moving from `from` to `to` follows the workflow: one step forward, back to developing
/// after a failed test or a rollback, in and out of on-hold, or to closed from anywhere.
pub fn is_allowed_move(from: Status, to: Status) -> bool {
    use Status::*;
    if from == to || to == Closed {
        return true;
    }
    match (from, to) {
        (f, OnHold) => f.is_open(),
        (OnHold, t) => t.is_open(),
        (Released, RolledBack) | (RolledBack, Developing) => true,
        (Sit | Uat | Preprod | Approved, Developing) => true,
        (f, t) => match (f.rank(), t.rank()) {
            (Some(a), Some(b)) => b == a + 1,
            _ => false,
        },
    }
}

/// Whether an entry on hold may leave it for `to`: back to the stage it was put on hold from
/// (`held_from`) or an earlier one, to `closed`, or staying on hold. `None` stands for an entry
/// added on hold, which resumes where a new entry starts.
pub fn is_allowed_resume(held_from: Option<Status>, to: Status) -> bool {
    use Status::*;
    if matches!(to, OnHold | Closed) {
        return true;
    }
    match held_from.and_then(Status::rank) {
        Some(held) => to.is_open() && to.rank().is_some_and(|r| r <= held),
        None => is_allowed_move(Registered, to),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_train_runs_from_submitted_to_approved() {
        use crate::model::Keyword;
        let on: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| s.is_on_train())
            .collect();
        assert_eq!(on, [Submitted, Sit, Uat, Preprod, Approved]);
    }
    use super::*;
    use Status::*;

    #[test]
    fn forward_one_step_only() {
        assert!(is_allowed_move(Sit, Uat));
        assert!(!is_allowed_move(Sit, Preprod), "skips UAT");
        assert!(!is_allowed_move(Registered, Sit));
        assert!(
            !is_allowed_move(Uat, Sit),
            "backwards is through developing"
        );
    }

    #[test]
    fn side_moves() {
        assert!(is_allowed_move(Uat, Developing));
        assert!(is_allowed_move(Released, RolledBack));
        assert!(is_allowed_move(RolledBack, Developing));
        assert!(is_allowed_move(Developing, OnHold) && is_allowed_move(OnHold, Developing));
        assert!(!is_allowed_move(Released, OnHold));
        assert!(is_allowed_move(Released, Closed));
    }

    #[test]
    fn leaving_on_hold_goes_back_to_where_it_was_held_or_earlier() {
        assert!(is_allowed_resume(Some(Sit), Sit));
        assert!(is_allowed_resume(Some(Sit), Developing));
        assert!(
            !is_allowed_resume(Some(Sit), Uat),
            "on from where it was held"
        );
        assert!(!is_allowed_resume(Some(Sit), Preprod));
        assert!(is_allowed_resume(Some(Approved), Preprod));
        assert!(!is_allowed_resume(Some(Approved), Released));
        assert!(is_allowed_resume(Some(Uat), Closed));
        assert!(
            is_allowed_resume(None, Developing),
            "added on hold: where a new entry starts"
        );
        assert!(!is_allowed_resume(None, Sit));
    }

    #[test]
    fn stages_passed() {
        assert_eq!(Preprod.passed_stages(), &[Env::Sit, Env::Uat]);
        assert!(Sit.passed_stages().is_empty());
    }
}
