//! A repository's `.mailmap`: the names and e-mails git shows for the ones commits hold.

use std::cell::RefCell;
use std::collections::HashMap;

/// A mailmap, each (name, e-mail) resolved once.
pub struct Mailmap {
    map: git2::Mailmap,
    seen: RefCell<HashMap<(String, String), (String, String)>>,
}

impl Mailmap {
    pub(super) fn new(map: git2::Mailmap) -> Mailmap {
        Mailmap {
            map,
            seen: RefCell::default(),
        }
    }

    /// The name and e-mail git shows for `name <email>` (`%aN`, `%aE`); unchanged when the
    /// mailmap has no line for them or they cannot be looked up (a name libgit2 refuses).
    pub fn resolve(&self, name: &str, email: &str) -> (String, String) {
        let key = (name.to_owned(), email.to_owned());
        if let Some(hit) = self.seen.borrow().get(&key) {
            return hit.clone();
        }
        let resolved = git2::Signature::new(name, email, &git2::Time::new(0, 0))
            .and_then(|sig| self.map.resolve_signature(&sig))
            .ok()
            .map(|sig| {
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                (text(sig.name_bytes()), text(sig.email_bytes()))
            })
            .unwrap_or_else(|| key.clone());
        self.seen.borrow_mut().insert(key, resolved.clone());
        resolved
    }
}
