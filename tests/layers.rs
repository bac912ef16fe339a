//! The library's layers (docs/ARCHITECTURE notes): each module imports only from layers below it
//! or its own, and no two modules import each other. This test reads every `crate::` path in
//! `src/` (outside the binary's `cli/`) and fails on an upward import or a cycle, so the picture
//! stays true as the code grows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules by layer, lowest first.
const LAYERS: &[(&str, u8)] = &[
    ("digest", 1),
    ("fsutil", 1),
    ("wire", 1),
    ("canon", 2),
    ("diff", 2),
    ("input", 3),
    ("keys", 4),
    ("manifest", 5),
    ("archive", 6),
    ("trust", 7),
    ("report", 7),
    ("sign", 8),
    ("verify", 8),
    ("audit", 8),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level module a file under `src/` belongs to (`src/verify/lookup.rs` -> `verify`).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_string())
}

/// Every top-level module named as `crate::NAME` in `text`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        // `attest::crate::` cannot occur; skip `$crate::` in macros.
        if text[..i].ends_with('$') {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // Module names are lower case; `crate::NAME` in a comment is a placeholder.
        if name.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.insert(name);
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_from_a_higher_layer_and_none_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for file in &files {
        let Some(module) = module_of(file.strip_prefix(&src).unwrap()) else {
            continue;
        };
        let Some(own) = layer(&module) else {
            panic!(
                "{module} (in {}) has no layer: add it to LAYERS",
                file.display()
            );
        };
        let text = std::fs::read_to_string(file).unwrap();
        for target in imports(&text) {
            if target == module {
                continue;
            }
            let Some(theirs) = layer(&target) else {
                panic!(
                    "{} imports crate::{target}, which has no layer",
                    file.display()
                );
            };
            if theirs > own {
                upward.push(format!(
                    "{} ({module}, layer {own}) imports {target} (layer {theirs})",
                    file.display()
                ));
            }
            graph.entry(module.clone()).or_default().insert(target);
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
    let mut cycles = Vec::new();
    for (a, targets) in &graph {
        for b in targets {
            if graph.get(b).is_some_and(|t| t.contains(a)) && a < b {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:?}");
    // The check must have seen the library: a vacuous pass proves nothing.
    assert!(graph.len() >= 8, "{graph:?}");
}

#[test]
fn the_import_reader_sees_paths_and_layers_are_ordered() {
    let found = imports("use crate::canon::{self, Layout};\nlet x = crate::digest::Digest::of(b);");
    assert_eq!(
        found,
        BTreeSet::from(["canon".to_string(), "digest".to_string()])
    );
    assert!(layer("digest") < layer("manifest"));
    assert!(layer("keys") < layer("manifest"));
    assert_eq!(
        module_of(Path::new("verify/lookup.rs")).as_deref(),
        Some("verify")
    );
    assert_eq!(module_of(Path::new("cli/sign.rs")), None);
}
