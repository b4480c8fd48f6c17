//! The CLI's rough edges: help that sets the global options apart, output names and concurrency
//! checked before anything runs, and HTML error pages reduced to one line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{bare_mca, org, run, Sandbox};
use serde_json::json;

/// The options every command takes (one per kind: flag, connection, timeout).
const GLOBAL: [&str; 5] = ["--json", "--verbose", "--base-url", "--token", "--timeout"];

/// The subcommand names listed under `Commands:` in a help text (without `help`).
fn commands_in(help: &str) -> Vec<String> {
    let Some((_, rest)) = help.split_once("\nCommands:\n") else {
        return Vec::new();
    };
    rest.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Whether `text` has an option line for `option` (`      --out <FILE>`, `  -v, --verbose`), not
/// just a mention in a description or example.
fn defines(text: &str, option: &str) -> bool {
    text.lines()
        .filter(|l| l.starts_with("  ") && l.trim_start().starts_with('-'))
        .any(|l| l.trim_start().split([',', ' ']).any(|t| t == option))
}

fn help_of(path: &[String]) -> String {
    let r = run(bare_mca().args(path).arg("--help"));
    assert_eq!(r.code, 0, "mca {path:?} --help: {}", r.stderr);
    r.stdout
}

#[test]
fn every_subcommand_help_lists_global_options_apart() {
    let top = help_of(&[]);
    let mut todo: Vec<Vec<String>> = commands_in(&top).into_iter().map(|c| vec![c]).collect();
    assert!(todo.len() >= 10, "{top}");
    let mut checked = 0;
    while let Some(path) = todo.pop() {
        let help = help_of(&path);
        for sub in commands_in(&help) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
        let (own, global) = help.split_once("\nGlobal options:\n").unwrap_or_else(|| {
            panic!("mca {path:?} --help has no \"Global options:\" heading:\n{help}")
        });
        for option in GLOBAL {
            assert!(
                !defines(own, option),
                "mca {path:?} --help lists {option} before the global options:\n{help}"
            );
            assert!(
                defines(global, option),
                "mca {path:?} --help has no {option} under Global options:\n{help}"
            );
        }
        checked += 1;
    }
    // demo, sandbox, 5 attestation, 2 acceptance, csp add, validate, token, config, report, ensure
    // and the three groups.
    assert!(checked >= 17, "only {checked} help texts");
}

#[test]
fn command_options_stay_under_options() {
    let help = help_of(&["report".to_string()]);
    let (own, global) = help.split_once("\nGlobal options:\n").unwrap();
    for option in ["--orgs", "--out", "--format", "--concurrency", "--fail-on"] {
        assert!(defines(own, option), "{option} missing:\n{help}");
        assert!(!defines(global, option), "{option} under globals:\n{help}");
    }
}

fn orgs_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("orgs.csv");
    std::fs::write(&path, format!("organizationId\n{}\n", org())).unwrap();
    path
}

#[test]
fn out_with_an_unknown_extension_is_refused_naming_the_supported_ones() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs = orgs_file(&dir);
    for command in ["report", "ensure"] {
        let out = dir.path().join(format!("{command}.xlsx"));
        let r = run(sb
            .mca()
            .current_dir(dir.path())
            .args([command, "--orgs"])
            .arg(&orgs)
            .arg("--out")
            .arg(&out));
        assert_eq!(r.code, 2, "{command}: {}{}", r.stdout, r.stderr);
        for needle in [".xlsx", ".csv", ".json", "--format"] {
            assert!(
                r.stderr.contains(needle),
                "{command}: {needle} not in {}",
                r.stderr
            );
        }
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(!out.exists(), "{command} wrote {}", out.display());
    }
    // A --format that contradicts the name is refused too.
    let out = dir.path().join("r.csv");
    let r = run(sb
        .mca()
        .args(["report", "--format", "json", "--orgs"])
        .arg(&orgs)
        .arg("--out")
        .arg(&out));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--format json"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn out_names_the_format_or_format_does() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs = orgs_file(&dir);
    // Upper-case .JSON is JSON; another name is written in the format given by --format.
    let upper = dir.path().join("R.JSON");
    let r = run(sb
        .mca()
        .args(["report", "--orgs"])
        .arg(&orgs)
        .arg("--out")
        .arg(&upper));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&upper).unwrap()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    let txt = dir.path().join("r.txt");
    let r = run(sb
        .mca()
        .args(["report", "--format", "csv", "--orgs"])
        .arg(&orgs)
        .arg("--out")
        .arg(&txt));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(&txt)
        .unwrap()
        .starts_with("organizationId,"));
}

#[test]
fn concurrency_outside_1_to_256_is_refused() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let orgs = orgs_file(&dir);
    for (command, n) in [
        ("report", "0"),
        ("ensure", "0"),
        ("report", "257"),
        ("report", "-1"),
    ] {
        let out = dir.path().join(format!("{command}-{n}.csv"));
        let r = run(sb
            .mca()
            .current_dir(dir.path())
            .args([command, "--orgs"])
            .arg(&orgs)
            .arg("--out")
            .arg(&out)
            .arg(format!("--concurrency={n}")));
        assert_eq!(r.code, 2, "{command} {n}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("--concurrency"), "{}", r.stderr);
        assert!(r.stderr.contains("from 1 to 256"), "{}", r.stderr);
        assert!(!out.exists());
    }
    let out = dir.path().join("one.csv");
    let r = run(sb
        .mca()
        .args(["report", "--concurrency", "1", "--orgs"])
        .arg(&orgs)
        .arg("--out")
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn html_error_page_is_one_line_with_its_title_once() {
    let sb = Sandbox::start();
    let o = org();
    sb.fault(json!({"op": "get_acceptance", "org": o, "fault": "html", "status": 500}));
    let r = run(sb.mca().args(["acceptance", "get", "--org", &o]));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("Internal Server Error").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("could not serve this request"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains('<'), "{}", r.stderr);
}
