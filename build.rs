//! Embeds the example ledger (`opsledger.toml`, `content/`, `sql/`), the scaffold files that
//! `init` adds (CI workflows, .gitignore) and the default theme into the binary, so `init`,
//! `demo` and `build` need nothing but the binary. One source of truth: the files in this repo.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut items: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    items.sort();
    for p in items {
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn table(name: &str, root: &Path, sources: &[&str], strip: &str, out: &mut String) {
    let mut files = Vec::new();
    for s in sources {
        let p = root.join(s);
        println!("cargo:rerun-if-changed={}", p.display());
        if p.is_dir() {
            walk(&p, &mut files);
        } else if p.is_file() {
            files.push(p);
        }
    }
    writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let rel = rel.strip_prefix(strip).unwrap_or(&rel);
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut out = String::new();
    table(
        "EXAMPLE",
        &root,
        &["opsledger.toml", "content", "sql"],
        "",
        &mut out,
    );
    table("SCAFFOLD", &root, &["scaffold"], "scaffold/", &mut out);
    table(
        "THEME",
        &root,
        &["themes/default"],
        "themes/default/",
        &mut out,
    );
    let script = root.join("demo/script.toml");
    println!("cargo:rerun-if-changed={}", script.display());
    writeln!(
        out,
        "pub static DEMO_SCRIPT: &[u8] = include_bytes!({:?});",
        script.display().to_string()
    )
    .unwrap();
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}
