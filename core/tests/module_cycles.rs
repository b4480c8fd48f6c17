//! The core reads top-down: no import cycle between its modules. Every `crate::<module>` path in
//! core/src (in `use` lines and inline paths, comments excluded) is an edge from the file's top-level
//! module to `<module>`; the test fails, naming the cycle, when any module reaches itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level module of a source file: `src/flow/call.rs` → `flow`, `src/error.rs` → `error`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib").then_some(name)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a source text names through `crate::`, including grouped imports
/// (`use crate::{a::X, b::Y}`).
fn targets(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut in_test_module = false;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        // Unit-test modules may use anything; only the production graph must be acyclic.
        if code.trim_start().starts_with("mod tests") {
            in_test_module = true;
        }
        if in_test_module {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.insert(name);
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
            rest = after;
        }
    }
    found
}

/// The module graph of core/src: module → modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeSet::new();
    for file in &files {
        if let Some(m) = module_of(&src, file) {
            modules.insert(m);
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        let entry = edges.entry(from.clone()).or_default();
        for to in targets(&text) {
            // Items re-exported at the crate root (`crate::VERSION`, `crate::Session`) are not
            // modules; only edges between modules count.
            if modules.contains(&to) && to != from {
                entry.insert(to);
            }
        }
    }
    edges
}

/// A cycle through `start`, if any (depth-first search).
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let here = path.last().cloned().unwrap_or_else(|| start.to_string());
    for next in graph.get(&here).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            return Some(cycle);
        }
        if path.contains(next) || next.as_str() < start {
            continue;
        }
        path.push(next.clone());
        if let Some(c) = cycle_from(graph, start, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

#[test]
fn core_modules_have_no_import_cycle() {
    let graph = graph();
    assert!(graph.len() > 5, "module graph not found: {graph:?}");
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = cycle_from(&graph, start, &mut path) {
            cycles.push(cycle.join(" -> "));
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles in core/src:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_parser_sees_grouped_and_inline_paths() {
    let text = "use crate::{a::X, b};\nfn f() { crate::c::g(); } // crate::d\n";
    let got: Vec<String> = targets(text).into_iter().collect();
    assert_eq!(got, ["a", "b", "c"]);
}
