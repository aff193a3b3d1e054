//! Each entry's row: its [`EntryView`] as a template value and a hash of it, made once per
//! build and shared by every page that lists the entry (the hash is what such a page's
//! fingerprint is made of), with the entries of each release and requirement indexed.

#[cfg(doc)]
use super::views::EntryView;
use super::views::entry_view;
use crate::config::Train;
use crate::model::{Entry, Ledger};
use jiff::civil::Date;
use std::collections::HashMap;

/// Every entry's [`EntryView`] as a template value, made once per build (an entry is shown on
/// many pages: the ledger, the board, its system, its people, its requirement, release and
/// trains), and the entries of each release.
pub struct Rows<'a> {
    ledger: &'a Ledger,
    today: Option<Date>,
    train: &'a Train,
    /// By position in `ledger.entries`.
    rows: Vec<minijinja::Value>,
    /// A hash of each row, by position: what a page that lists entries is made of.
    hashes: Vec<u128>,
    /// Positions of each release's entries, by id.
    of_release: HashMap<&'a str, Vec<usize>>,
    /// Positions of each requirement's entries, by id.
    of_requirement: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Rows<'a> {
    /// The rows of every entry of `ledger` (in parallel).
    pub fn new(ledger: &'a Ledger, today: Option<Date>, train: &'a Train) -> Rows<'a> {
        use rayon::prelude::*;
        let (rows, hashes) = ledger
            .entries
            .par_iter()
            .map(|e| {
                let row = minijinja::Value::from(minijinja::value::Serde(entry_view(
                    e, ledger, today, train,
                )));
                let hash = super::pages::hash_of(&row);
                (row, hash)
            })
            .unzip();
        let mut of_release: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut of_requirement: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in ledger.entries.iter().enumerate() {
            if let Some(r) = e.release.as_deref() {
                of_release.entry(r).or_default().push(i);
            }
            if let Some(r) = e.requirement.as_deref() {
                of_requirement.entry(r).or_default().push(i);
            }
        }
        Rows {
            ledger,
            today,
            train,
            rows,
            hashes,
            of_release,
            of_requirement,
        }
    }

    /// The row of `e` (made on the spot if `e` is not an entry of the ledger).
    pub fn of(&self, e: &Entry) -> minijinja::Value {
        match self.position(e).and_then(|at| self.rows.get(at)) {
            Some(row) => row.clone(),
            None => minijinja::Value::from(minijinja::value::Serde(entry_view(
                e,
                self.ledger,
                self.today,
                self.train,
            ))),
        }
    }

    /// Where `e` stands in `ledger.entries`, if it is one of them.
    fn position(&self, e: &Entry) -> Option<usize> {
        let entries = &self.ledger.entries;
        let at = (std::ptr::from_ref(e) as usize).wrapping_sub(entries.as_ptr() as usize)
            / std::mem::size_of::<Entry>().max(1);
        entries.get(at).filter(|x| std::ptr::eq(*x, e)).map(|_| at)
    }

    /// A hash of the row of `e` (see [`Rows::of`]).
    pub fn hash(&self, e: &Entry) -> u128 {
        match self.position(e).and_then(|at| self.hashes.get(at)) {
            Some(h) => *h,
            None => super::pages::hash_of(&self.of(e)),
        }
    }

    /// A hash of the rows of `entries`, in order: what [`Rows::list`] makes of them.
    pub fn hash_list<'b>(&self, entries: impl IntoIterator<Item = &'b Entry>) -> u128 {
        let hashes: Vec<u128> = entries.into_iter().map(|e| self.hash(e)).collect();
        super::pages::hash_of(&hashes)
    }

    /// The rows of `entries`, as one list.
    pub fn list<'b>(&self, entries: impl IntoIterator<Item = &'b Entry>) -> minijinja::Value {
        minijinja::Value::from(entries.into_iter().map(|e| self.of(e)).collect::<Vec<_>>())
    }

    /// The entries whose `release` names `id`, by id (as [`Ledger::entries_of_release`]).
    pub fn entries_of_release(&self, id: &str) -> Vec<&'a Entry> {
        self.at(self.of_release.get(id))
    }

    /// The entries whose `requirement` names `id`, by id (as
    /// [`Ledger::entries_of_requirement`]).
    pub fn entries_of_requirement(&self, id: &str) -> Vec<&'a Entry> {
        self.at(self.of_requirement.get(id))
    }

    fn at(&self, positions: Option<&Vec<usize>>) -> Vec<&'a Entry> {
        positions.map_or_else(Vec::new, |v| {
            v.iter().map(|&i| &self.ledger.entries[i]).collect()
        })
    }
}
