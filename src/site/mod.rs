//! The static site: the page plan ([`pages`]) rendered in parallel with the theme, the static
//! files, and the exports ([`export`]), staged beside the output and put in place only when
//! everything succeeded ([`output`]). Reads no clock: the generation
//! time comes from the HEAD commit.

pub mod charts;
pub mod export;
pub mod i18n;
pub mod output;
pub mod pages;
pub mod rows;
pub mod sql;
pub mod train;
pub mod views;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::history::History;
use crate::model::Ledger;
use crate::theme::Theme;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

pub use output::OutputFile;

/// Everything a build needs.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub ledger: &'a Ledger,
    pub history: &'a History,
    /// When the site was generated: the HEAD commit's time (RFC 3339), never the clock.
    pub generated_at: Option<String>,
    /// "Today" for the dashboard (late entries, the next release): the generation date.
    pub today: Option<Date>,
    /// The site's absolute base URL, ending in `/`.
    pub base_url: String,
    /// Reads a repository file that content references (SQL scripts), if it is a safe file.
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Every entry's seats on the trains, worked out from history once, on first use.
    pub seats: std::sync::OnceLock<train::Seats>,
    /// Every entry's landed status moves `(from, to, unix time)`, by id, on first use.
    pub moves: std::sync::OnceLock<std::collections::BTreeMap<u32, crate::metrics::Moves>>,
    /// Told how many pages there are, then of every page written (from any thread).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// The rendering's progress, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// How many pages will be written.
    Pages(usize),
    /// One more page was written.
    Page,
}

impl SiteInput<'_> {
    /// See [`SiteInput::seats`].
    pub fn seats(&self) -> &train::Seats {
        self.seats.get_or_init(|| train::all_seats(self))
    }

    /// See [`SiteInput::moves`].
    pub fn moves(&self) -> &std::collections::BTreeMap<u32, crate::metrics::Moves> {
        self.moves.get_or_init(|| {
            // Worked out in parallel, gathered in ledger order (a later duplicate id wins).
            let moves: Vec<_> = self
                .ledger
                .entries
                .par_iter()
                .filter_map(|e| Some((e.id, crate::metrics::moves(self.history.of(&e.doc.path)?))))
                .collect();
            moves.into_iter().collect()
        })
    }
}

/// Markdown rendering for content files: links to other content files become page links, and
/// each distinct body is rendered once.
pub struct Markdown<'a> {
    ledger: &'a Ledger,
    cache: Mutex<HashMap<(String, u64), String>>,
    /// A hash of what links resolve to besides their own text: the requirements' ids.
    links: u128,
}

/// Resolves `.md` links of one content file to site-root-relative page URLs.
struct Resolver<'a> {
    ledger: &'a Ledger,
    /// The folder of the file that holds the link, e.g. `content/entries`.
    dir: String,
    /// From the page back to the site root.
    root: String,
}

impl crate::markdown::LinkResolver for Resolver<'_> {
    fn resolve(&self, target: &str) -> Option<String> {
        let path = if let Some(abs) = target.strip_prefix('/') {
            abs.to_owned()
        } else {
            normalize(&format!("{}/{target}", self.dir))?
        };
        let path = path.strip_prefix("content/")?;
        let (folder, file) = path.split_once('/')?;
        let stem = file.strip_suffix(".md")?;
        let url = match folder {
            "entries" => views::entry_url(crate::model::entry_file_id(file)?),
            "requirements" => {
                let id = self
                    .ledger
                    .requirements
                    .iter()
                    .find(|r| stem == r.id || stem.starts_with(&format!("{}-", r.id)))?;
                views::requirement_url(&id.id)
            }
            "releases" => views::release_url(stem),
            "runbooks" => views::runbook_url(stem),
            _ => return None,
        };
        Some(format!("{}{url}", self.root))
    }
}

/// `a/b/../c` → `a/c`; `None` when it climbs above the start.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

impl<'a> Markdown<'a> {
    pub fn new(ledger: &'a Ledger) -> Self {
        let ids: Vec<&str> = ledger.requirements.iter().map(|r| r.id.as_str()).collect();
        Markdown {
            ledger,
            cache: Mutex::new(HashMap::new()),
            links: pages::hash_of(&ids),
        }
    }

    /// What the HTML of a file's Markdown depends on besides its path and text (see
    /// [`Markdown::render`]), as a hash.
    pub fn links(&self) -> u128 {
        self.links
    }

    /// The HTML of `text`, the body of the content file at `path`, for its page (two levels
    /// below the site root: `entries/20/`).
    pub fn render(&self, path: &str, text: &str) -> String {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        let key = (path.to_owned(), h.finish());
        if let Some(html) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return html;
        }
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let resolver = Resolver {
            ledger: self.ledger,
            dir,
            root: "../../".into(),
        };
        let html = crate::markdown::render(text, &resolver).html;
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, html.clone());
        }
        html
    }
}

/// Why the site was not made: a template failed (diagnostics, E0701), or the tool itself did
/// (a write failed: a full disk, a read-only folder).
enum Failure {
    Template(Vec<Diagnostic>),
    Tool(crate::Error),
}

/// The whole site written into `staging` as it is rendered (pages are not held in memory):
/// every page, the theme's static files and the exports. Returns how many pages were written,
/// or the diagnostics of the templates that failed; a file that cannot be written is the
/// tool's failure.
pub fn build_into(
    input: &SiteInput,
    theme: &mut Theme,
    staging: &output::Staging,
) -> crate::Result<Result<usize, Vec<Diagnostic>>> {
    let exports = export::ExportInput {
        config: input.config,
        ledger: input.ledger,
        history: input.history,
        generated_at: input.generated_at.as_deref(),
        base_url: &input.base_url,
    };
    // Each export is written as soon as it is made (they run in parallel with each other and
    // the pages), so the large ones are not all in memory at once. The first failure, in the
    // order of the exports, is reported.
    let write_exports = || -> crate::Result<()> {
        let results: Vec<crate::Result<()>> = export::EXPORTS
            .par_iter()
            .map(|x| staging.write_with(x.path, |w| (x.write)(&exports, w)))
            .collect();
        results.into_iter().collect()
    };
    let (pages, exported) = rayon::join(|| render_with(input, theme, staging), write_exports);
    match (pages, exported) {
        (Err(Failure::Tool(e)), _) | (_, Err(e)) => Err(e),
        (Err(Failure::Template(diags)), Ok(())) => Ok(Err(diags)),
        (Ok(pages), Ok(())) => Ok(Ok(pages)),
    }
}

/// Renders every page (in parallel) and the static files, writing each to `staging` as soon as
/// it exists; a page the previous build made from the same inputs is kept without rendering.
fn render_with(
    input: &SiteInput,
    theme: &mut Theme,
    staging: &output::Staging,
) -> Result<usize, Failure> {
    let lang = input.config.language;
    theme.add_global(
        "t",
        minijinja::Value::from(minijinja::value::Serde(i18n::ui(lang))),
    );
    theme.add_global(
        "f",
        minijinja::Value::from(minijinja::value::Serde(i18n::fields(lang))),
    );
    theme.add_global(
        "v",
        minijinja::Value::from(minijinja::value::Serde(i18n::values(lang))),
    );
    theme.add_global(
        "site",
        minijinja::context! {
            title => input.config.title.clone(),
            lang => match lang { crate::config::Language::ZhCn => "zh-CN", crate::config::Language::En => "en" },
            base_url => input.base_url.clone(),
            partial => input.history.partial,
            has_history => input.history.head.is_some(),
        },
    );
    let md = Markdown::new(input.ledger);
    let site = pages::Site {
        input,
        md: &md,
        rows: views::Rows::new(input.ledger, input.today, &input.config.train),
        activity: Default::default(),
    };
    let plan = pages::plan(&site);
    (input.progress)(Progress::Pages(plan.len()));
    let theme = &*theme;
    let global = global_fingerprint(theme, input.config);
    let results: Vec<Result<(), Failure>> = plan
        .into_par_iter()
        .map(|job| {
            let p = job();
            let fingerprint = p
                .inputs
                .map(|i| pages::hash_of(&(global, p.template, p.nav, &p.path, i)));
            if !fingerprint.is_some_and(|f| staging.fresh(&p.path, f)) {
                let (template, path) = (p.template, p.path.clone());
                let html = theme
                    .render(template, p.context())
                    .map_err(|d| Failure::Template(vec![*d]))?;
                staging
                    .write_page(&path, html.as_bytes(), fingerprint)
                    .map_err(Failure::Tool)?;
            }
            (input.progress)(Progress::Page);
            Ok(())
        })
        .collect();
    let pages = results.len();
    let mut diags: Vec<Diagnostic> = Vec::new();
    for failure in results.into_iter().filter_map(Result::err) {
        match failure {
            Failure::Tool(e) => return Err(Failure::Tool(e)),
            Failure::Template(d) => diags.extend(d),
        }
    }
    let mut unique: Vec<Diagnostic> = Vec::new();
    for d in diags {
        if !unique
            .iter()
            .any(|x| x.file == d.file && x.line == d.line && x.message == d.message)
        {
            unique.push(d);
        }
    }
    if !unique.is_empty() {
        crate::diag::sort(&mut unique);
        return Err(Failure::Template(unique));
    }
    for (path, bytes) in &theme.statics {
        staging
            .write_page(&format!("static/{path}"), bytes, None)
            .map_err(Failure::Tool)?;
    }
    Ok(pages)
}

/// A hash of what every page's bytes depend on besides its own context: this program, the
/// theme (templates, static files, globals) and the configuration.
fn global_fingerprint(theme: &Theme, config: &Config) -> u128 {
    use siphasher::sip128::Hasher128;
    use std::hash::Hash;
    let mut h = siphasher::sip128::SipHasher13::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A rebuilt program (another templates' filter, another view) is another program, even
    // under the same version number.
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    exe.ok()
        .map(|m| output::manifest::Stamp::of(&m))
        .hash(&mut h);
    theme.fingerprint().hash(&mut h);
    format!("{config:?}").hash(&mut h);
    h.finish128().as_u128()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_without_escaping() {
        assert_eq!(
            normalize("content/entries/../releases/2019-03-07.md").as_deref(),
            Some("content/releases/2019-03-07.md")
        );
        assert_eq!(normalize("content/../../etc/passwd"), None);
    }
}
