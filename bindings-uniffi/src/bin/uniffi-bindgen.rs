//! `uniffi-bindgen` of the pinned uniffi version (maturin and the Kotlin build run it).
//!
//! One step after generating Python (issue 13, import cost): the generated `mca_uniffi.py` imports
//! `asyncio` at the top although only its async functions use it, so every sync user paid for
//! loading asyncio (about 40% of loading the bindings, profiled with `python -X importtime`). The
//! top-level `import asyncio` is replaced by a stand-in that imports it on first attribute access
//! and then puts the real module in its place. Nothing else in the generated code is changed.

use std::path::{Path, PathBuf};

/// The generated line that is replaced.
const EAGER: &str = "import asyncio\n";

/// What replaces it: `asyncio`, loaded on first use.
const LAZY: &str = "\
import importlib as _mca_importlib


class _McaLazyAsyncio:
    \"\"\"`asyncio`, imported on first use (mca-attestation's uniffi-bindgen: a sync-only
    program never loads it).\"\"\"

    def __getattr__(self, name):
        module = _mca_importlib.import_module(\"asyncio\")
        globals()[\"asyncio\"] = module
        return getattr(module, name)


asyncio = _McaLazyAsyncio()
";

fn main() {
    uniffi::uniffi_bindgen_main();
    if let Some(dir) = python_out_dir(std::env::args().collect()) {
        if let Err(e) = lazy_asyncio(&dir) {
            eprintln!(
                "uniffi-bindgen: making asyncio lazy in {}: {e}",
                dir.display()
            );
            std::process::exit(1);
        }
    }
}

/// The `--out-dir` of a `generate` run for Python, if this is one.
fn python_out_dir(args: Vec<String>) -> Option<PathBuf> {
    let mut python = false;
    let mut out = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--language" | "-l" => python = it.next().as_deref() == Some("python"),
            "--out-dir" | "-o" => out = it.next().map(PathBuf::from),
            _ => {
                if let Some(v) = arg.strip_prefix("--language=") {
                    python = v == "python";
                } else if let Some(v) = arg.strip_prefix("--out-dir=") {
                    out = Some(PathBuf::from(v));
                }
            }
        }
    }
    out.filter(|_| python)
}

/// Replaces the top-level `import asyncio` of every generated module in `dir` that has one.
fn lazy_asyncio(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("py") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        if let Some(patched) = patch(&text) {
            std::fs::write(&path, patched)?;
        }
    }
    Ok(())
}

/// The module text with its first top-level `import asyncio` line made lazy, or `None` when it
/// has none (or was patched already).
fn patch(text: &str) -> Option<String> {
    let at = if text.starts_with(EAGER) {
        0
    } else {
        text.find(&format!("\n{EAGER}"))?.checked_add(1)?
    };
    let (head, tail) = text.split_at(at);
    let rest = tail.strip_prefix(EAGER)?;
    Some(format!("{head}{LAZY}{rest}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_python_generation_is_patched() {
        let py = args(&["x", "generate", "--language", "python", "--out-dir", "/o"]);
        assert_eq!(python_out_dir(py), Some(PathBuf::from("/o")));
        let kt = args(&["x", "generate", "--language", "kotlin", "--out-dir", "/o"]);
        assert_eq!(python_out_dir(kt), None);
        let eq = args(&["x", "generate", "--language=python", "--out-dir=/p"]);
        assert_eq!(python_out_dir(eq), Some(PathBuf::from("/p")));
    }

    #[test]
    fn the_top_level_import_is_replaced_once() {
        let text = "import sys\nimport asyncio\nimport typing\n    import asyncio\n";
        let patched = patch(text).unwrap();
        assert!(patched.starts_with("import sys\nimport importlib as _mca_importlib\n"));
        assert!(patched.contains("asyncio = _McaLazyAsyncio()\nimport typing\n"));
        assert!(!patched.contains("\nimport asyncio\n"));
        assert!(patched.ends_with("    import asyncio\n"));
        assert_eq!(patch(&patched), None);
        assert_eq!(patch("import typing\n"), None);
    }
}
