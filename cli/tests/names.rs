//! The names table of the root README ("Names in every language"): every operation and every
//! member of the core's option records has a row, the JavaScript, Python and Kotlin spellings are
//! the core's name cased per language, and every CLI flag of a row (the core's kebab-cased name
//! first, then any older spelling kept as an alias) is in the `mca` binary's help and accepted by
//! its parser (a CLI name other than the core's must say why: "(differs: …)").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::{bare_mca, run};
use mca_attestation::http::Op;
use mca_attestation::{ClientOptions, EnsureAcceptedOptions, WaitOptions};
use serde_json::Value;

/// The flows, which are operations of every binding without being one HTTP request.
const FLOWS: [&str; 2] = ["wait_for_signature", "ensure_accepted"];

struct Row {
    rust: String,
    js: String,
    python: String,
    kotlin: String,
    cli: String,
}

fn rows() -> Vec<Row> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text
        .find("<!-- names-table:start -->")
        .expect("table start marker");
    let end = text
        .find("<!-- names-table:end -->")
        .expect("table end marker");
    let code = |cell: &str| -> String {
        let cell = cell.trim();
        match cell.split('`').nth(1) {
            Some(inner) => inner.to_string(),
            None => cell.to_string(),
        }
    };
    text[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 5, "five columns: {line}");
            Row {
                rust: code(cells[0]),
                js: code(cells[1]),
                python: code(cells[2]),
                kotlin: code(cells[3]),
                cli: cells[4].trim().to_string(),
            }
        })
        .collect()
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The members of a core record, snake_case, from its JSON form (every member is written).
fn members(value: Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(|k| snake(k))
        .collect()
}

#[test]
fn names_table_covers_the_core_and_cases_it_per_language() {
    let rows = rows();
    let names: BTreeSet<String> = rows.iter().map(|r| r.rust.clone()).collect();
    assert_eq!(names.len(), rows.len(), "one row per name");

    let mut want: BTreeSet<String> = Op::ALL.iter().map(|op| op.name().to_string()).collect();
    want.extend(FLOWS.iter().map(|f| f.to_string()));
    for m in members(serde_json::to_value(ClientOptions::default()).unwrap()) {
        want.insert(format!("ClientOptions.{m}"));
    }
    let wait = members(serde_json::to_value(WaitOptions::default()).unwrap());
    for m in &wait {
        want.insert(format!("WaitOptions.{m}"));
    }
    for m in members(serde_json::to_value(EnsureAcceptedOptions::default()).unwrap()) {
        // The polling members are WaitOptions' own, listed once.
        if !wait.contains(&m) {
            want.insert(format!("EnsureAcceptedOptions.{m}"));
        }
    }
    assert_eq!(
        names, want,
        "rows = the core's operations and option members"
    );

    for r in &rows {
        let name = r.rust.rsplit('.').next().unwrap();
        assert_eq!(r.js, camel(name), "{}: JavaScript", r.rust);
        assert_eq!(r.kotlin, camel(name), "{}: Kotlin", r.rust);
        assert_eq!(r.python, name, "{}: Python", r.rust);
    }
}

/// A value the flag accepts, for the acceptance check (`--wait` takes a boolean).
fn sample_value(flag: &str) -> &'static str {
    match flag {
        "--wait" => "true",
        "--no-wait" | "--no-jitter" => "",
        _ => "1",
    }
}

/// True when `flag` appears in `help` as a whole flag (`--wait` is not found in `--no-wait`):
/// followed by a space, a newline, a comma or `]` (clap lists visible aliases as
/// `[aliases: --flag]`), and preceded by a space or `[`.
fn in_help(help: &str, flag: &str) -> bool {
    help.match_indices(flag).any(|(at, _)| {
        let before = help[..at].chars().next_back();
        let after = help[at + flag.len()..].chars().next();
        matches!(before, Some(' ' | '[' | '\n'))
            && matches!(after, Some(' ' | '\n' | ',' | ']' | '='))
    })
}

#[test]
fn names_table_cli_spellings_exist() {
    let help = run(bare_mca().args(["attestation", "ensure", "--help"])).stdout
        + &run(bare_mca().args(["attestation", "wait", "--help"])).stdout;
    for r in rows() {
        let name = r.rust.rsplit('.').next().unwrap();
        if r.cli == "—" {
            continue;
        }
        let cli = r.cli.split('`').nth(1).unwrap_or_default().to_string();
        if let Some(command) = cli.strip_prefix("mca ") {
            let args: Vec<&str> = command.split(' ').chain(["--help"]).collect();
            let out = run(bare_mca().args(&args));
            assert_eq!(out.code, 0, "{}: `{cli}` is a command", r.rust);
            // Commands are grouped by noun (`attestation start`): the words are the core's.
            let words: BTreeSet<&str> = command.split(' ').collect();
            let verb = name.split('_').next().unwrap();
            assert!(
                words.contains(verb) || words.contains(name) || r.cli.contains("(differs:"),
                "{}: `{cli}` does not use the core's words",
                r.rust
            );
        } else {
            let kebab = format!("--{}", name.replace('_', "-"));
            assert!(
                cli == kebab || r.cli.contains("(differs:"),
                "{}: the CLI spelling `{cli}` is not `{kebab}` and does not say why",
                r.rust
            );
            // Every flag of the cell (the core's name first, then older spellings) is in the
            // help and is accepted by the parser (an unknown flag fails before `--help`).
            let flags: Vec<&str> = r
                .cli
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|f| f.starts_with("--"))
                .collect();
            for flag in flags {
                assert!(
                    in_help(&help, flag),
                    "{}: `{flag}` is not in the help of mca attestation ensure/wait",
                    r.rust
                );
                let mut args = vec!["attestation", "ensure", flag];
                let value = sample_value(flag);
                if !value.is_empty() {
                    args.push(value);
                }
                args.push("--help");
                let out = run(bare_mca().args(&args));
                assert_eq!(
                    out.code,
                    0,
                    "{}: `mca {}` is refused: {}",
                    r.rust,
                    args.join(" "),
                    out.stderr
                );
            }
        }
    }
}
