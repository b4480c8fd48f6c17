//! What `report` and `ensure` share: output options, a streaming row sink (CSV or JSON, plus the
//! HTML page), the progress bar, and the `--fail-on` alert for schedulers.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use mca_attestation::Timestamp;
use serde::Serialize;

use crate::exit::Failure;
use crate::html::{HtmlPage, HtmlRow};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of rows.
    Json,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// Highest `--concurrency`.
pub const MAX_CONCURRENCY: usize = 256;

/// `--concurrency`: a whole number from 1 to [`MAX_CONCURRENCY`].
fn parse_concurrency(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_CONCURRENCY} (organisations worked on at the same time)"
        )),
    }
}

/// What makes a run exit with [`crate::exit::FAIL_ON`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    /// Any organisation that is not (known to be) accepted, errors included.
    NotAccepted,
    /// Any ongoing attestation that expires within `--expiring-within`.
    Expiring,
    /// Any row that failed (API error, transport, invalid input row).
    Error,
}

impl FailOn {
    fn name(self) -> &'static str {
        match self {
            FailOn::NotAccepted => "not-accepted",
            FailOn::Expiring => "expiring",
            FailOn::Error => "error",
        }
    }
}

/// `--expiring-within` when not given.
pub const DEFAULT_EXPIRING_WITHIN: Duration = Duration::from_secs(3 * 24 * 3600);

/// Output, concurrency and alert options of the bulk commands.
#[derive(Args, Clone, Debug)]
pub struct BulkArgs {
    /// Output file (.csv or .json; another name needs --format); stdout when absent.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Output format (default: from --out's extension, else CSV, or JSON with --json).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Organisations worked on at the same time (1 to 256).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// Also write a self-contained HTML page (chart, sortable and filterable table) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Exit with code 7 and a one-line summary when any organisation matches (repeatable or
    /// comma-separated): not-accepted, expiring, error.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,
    /// "Expiring" means an ongoing attestation whose link expires within this: 3d, 12h, 30m, 90s
    /// [default: 3d].
    #[arg(long, value_name = "DURATION", value_parser = parse_span)]
    pub expiring_within: Option<Duration>,
}

impl BulkArgs {
    /// The format after `--format`, `--out`'s extension and `--json`. An `--out` name that is not
    /// `.csv` or `.json` needs `--format`, and `--format` must agree with a known extension: nothing
    /// is written in a format the file name does not say.
    pub fn format(&self, json: bool) -> Result<Format, Failure> {
        let Some(path) = &self.out else {
            return Ok(self
                .format
                .unwrap_or(if json { Format::Json } else { Format::Csv }));
        };
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let from_name = match ext.as_deref() {
            Some("csv") => Some(Format::Csv),
            Some("json") => Some(Format::Json),
            _ => None,
        };
        match (self.format, from_name) {
            (None, Some(f)) => Ok(f),
            (Some(f), None) => Ok(f),
            (Some(f), Some(named)) if f == named => Ok(f),
            (Some(f), Some(_)) => Err(Failure::input(format!(
                "--format {} contradicts --out {}: use a .{} name or leave --format out",
                f.name(),
                path.display(),
                f.name()
            ))),
            (None, None) => Err(Failure::input(format!(
                "--out {}: unsupported extension {}; the supported ones are .csv and .json \
                 (or give --format csv|json)",
                path.display(),
                ext.map_or_else(|| "(none)".to_string(), |e| format!(".{e}"))
            ))),
        }
    }

    /// Concurrency (1..=256, checked when parsed).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The parameters shown in the HTML page (no secrets: options only).
    pub fn describe(&self) -> Vec<(String, String)> {
        let mut out = vec![("concurrency".to_string(), self.concurrency().to_string())];
        if !self.fail_on.is_empty() {
            let names: Vec<&str> = self.fail_on.iter().map(|f| f.name()).collect();
            out.push(("fail-on".into(), names.join(",")));
        }
        out.push((
            "expiring-within".into(),
            span_text(self.expiring_within.unwrap_or(DEFAULT_EXPIRING_WITHIN)),
        ));
        out
    }
}

/// `3d`, `12h`, `30m`, `90s`, `4500ms`, or plain seconds.
pub fn parse_span(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (
            text.get(..i).unwrap_or_default(),
            text.get(i..).unwrap_or_default(),
        ),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (3d, 12h, 30m, 90s)"))?;
    let seconds = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(n)),
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text:?}: unit must be d, h, m, s or ms")),
    };
    n.checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

fn span_text(d: Duration) -> String {
    let s = d.as_secs();
    if s > 0 && s.is_multiple_of(86_400) {
        format!("{}d", s / 86_400)
    } else if s > 0 && s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if d.subsec_millis() == 0 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// What the alert needs to know about one row.
pub struct Verdict<'a> {
    /// The organisation is accepted (after the run).
    pub accepted: bool,
    /// The row failed.
    pub error: bool,
    /// Expiry of an ongoing attestation, RFC 3339.
    pub ongoing_expires_at: Option<&'a str>,
}

/// Counts rows against `--fail-on` and decides the exit code.
pub struct Alert {
    fail_on: Vec<FailOn>,
    horizon: Timestamp,
    total: usize,
    not_accepted: usize,
    expiring: usize,
    errors: usize,
}

impl Alert {
    /// For `args`, with "expiring" counted from `now`.
    pub fn new(args: &BulkArgs, now: Timestamp) -> Self {
        let mut fail_on = args.fail_on.clone();
        fail_on.sort();
        fail_on.dedup();
        Self {
            fail_on,
            horizon: now.add(args.expiring_within.unwrap_or(DEFAULT_EXPIRING_WITHIN)),
            total: 0,
            not_accepted: 0,
            expiring: 0,
            errors: 0,
        }
    }

    /// Whether an ongoing attestation expiring at `expires_at` counts as expiring.
    pub fn is_expiring(&self, expires_at: Option<&str>) -> bool {
        expires_at
            .and_then(|t| Timestamp::parse_rfc3339(t).ok())
            .is_some_and(|t| t <= self.horizon)
    }

    /// Counts one row.
    pub fn note(&mut self, v: &Verdict<'_>) {
        self.total = self.total.saturating_add(1);
        if !v.accepted {
            self.not_accepted = self.not_accepted.saturating_add(1);
        }
        if v.error {
            self.errors = self.errors.saturating_add(1);
        }
        if self.is_expiring(v.ongoing_expires_at) {
            self.expiring = self.expiring.saturating_add(1);
        }
    }

    fn count(&self, what: FailOn) -> usize {
        match what {
            FailOn::NotAccepted => self.not_accepted,
            FailOn::Expiring => self.expiring,
            FailOn::Error => self.errors,
        }
    }

    /// With `--fail-on`: prints one line (`mca COMMAND: ALERT …` or `mca COMMAND: OK …`) on stderr
    /// and, when anything matched, returns the failure carrying [`crate::exit::FAIL_ON`].
    pub fn finish(&self, command: &str) -> Result<(), Failure> {
        if self.fail_on.is_empty() {
            return Ok(());
        }
        let parts: Vec<String> = self
            .fail_on
            .iter()
            .map(|f| format!("{} {}", f.name(), self.count(*f)))
            .collect();
        let matched = self.fail_on.iter().any(|f| self.count(*f) > 0);
        eprintln!(
            "mca {command}: {} {} organisations; {}",
            if matched { "ALERT" } else { "OK" },
            self.total,
            parts.join(", ")
        );
        if matched {
            Err(Failure::Silent(crate::exit::FAIL_ON))
        } else {
            Ok(())
        }
    }
}

enum Writer {
    Csv(csv::Writer<Box<dyn Write>>),
    Json { out: Box<dyn Write>, first: bool },
}

/// Rows out as they come: CSV or a JSON array to a file or stdout, and optionally the HTML page.
pub struct Sink {
    writer: Writer,
    html: Option<HtmlPage>,
    target: String,
}

fn open(path: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    })
}

impl Sink {
    /// Opens the outputs of `args` (nothing is kept in memory but the counts).
    pub fn open(args: &BulkArgs, json: bool, title: &str) -> Result<Self, Failure> {
        let format = args.format(json)?;
        let out = open(args.out.as_deref())?;
        let writer = match format {
            Format::Csv => Writer::Csv(csv::Writer::from_writer(out)),
            Format::Json => Writer::Json { out, first: true },
        };
        let html = match &args.html {
            Some(path) => Some(HtmlPage::create(path, title)?),
            None => None,
        };
        let target = args
            .out
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
        Ok(Self {
            writer,
            html,
            target,
        })
    }

    fn fail(&self, e: impl std::fmt::Display) -> Failure {
        Failure::other(format!("cannot write {}: {e}", self.target))
    }

    /// Writes one row.
    pub fn row<R: Serialize + HtmlRow>(&mut self, row: &R) -> Result<(), Failure> {
        let result = match &mut self.writer {
            Writer::Csv(w) => w.serialize(row).map_err(|e| e.to_string()),
            Writer::Json { out, first } => {
                let sep: &[u8] = if std::mem::take(first) {
                    b"[\n"
                } else {
                    b",\n"
                };
                out.write_all(sep)
                    .map_err(|e| e.to_string())
                    .and_then(|()| serde_json::to_writer(&mut *out, row).map_err(|e| e.to_string()))
            }
        };
        result.map_err(|e| self.fail(e))?;
        if let Some(html) = &mut self.html {
            html.row(row)?;
        }
        Ok(())
    }

    /// Closes the outputs; `params` are shown in the HTML page.
    pub fn finish(self, params: &[(String, String)]) -> Result<(), Failure> {
        let target = self.target.clone();
        let fail = |e: std::io::Error| Failure::other(format!("cannot write {target}: {e}"));
        match self.writer {
            Writer::Csv(mut w) => w.flush().map_err(fail)?,
            Writer::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })
                    .map_err(fail)?;
                out.flush().map_err(fail)?;
            }
        }
        if let Some(html) = self.html {
            let path = html.finish(params)?;
            eprintln!("HTML report written to {}", path.display());
        }
        Ok(())
    }
}

/// Rows finished but not yet written may run this far ahead of the oldest unfinished one, per unit
/// of concurrency: a slow organisation (e.g. waiting out a `Retry-After`) does not hold the others
/// back, and memory stays bounded.
const WINDOW_PER_WORKER: usize = 64;

/// Runs `work` over `items` with at most `concurrency` at a time and hands each result to `each`
/// in input order. At most `concurrency × 64` results wait for an earlier one.
pub async fn ordered<T, R, Fut>(
    items: impl Iterator<Item = T>,
    concurrency: usize,
    work: impl Fn(T) -> Fut,
    mut each: impl FnMut(R) -> Result<(), Failure>,
) -> Result<(), Failure>
where
    Fut: std::future::Future<Output = R>,
{
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let concurrency = concurrency.max(1);
    let window = concurrency.saturating_mul(WINDOW_PER_WORKER);
    let mut items = items.enumerate().peekable();
    let mut running = FuturesUnordered::new();
    let mut done: std::collections::BTreeMap<usize, R> = std::collections::BTreeMap::new();
    let mut next_out = 0usize;
    loop {
        while running.len() < concurrency {
            match items.peek() {
                Some((i, _)) if *i < next_out.saturating_add(window) => {}
                _ => break,
            }
            let Some((i, item)) = items.next() else { break };
            let fut = work(item);
            running.push(async move { (i, fut.await) });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        done.insert(i, result);
        while let Some(result) = done.remove(&next_out) {
            each(result)?;
            next_out = next_out.saturating_add(1);
        }
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal.
pub fn progress(len: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} organisations · {per_sec} · eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Scheme, host and port of `url` (no user info, path or query: nothing secret).
pub fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    if scheme.is_empty() {
        host.to_string()
    } else {
        format!("{scheme}://{host}")
    }
}

/// Now as RFC 3339 and the parameters common to every page.
pub fn run_params(command: &str, input: &Path, base_url: &str) -> Vec<(String, String)> {
    vec![
        ("command".into(), format!("mca {command}")),
        (
            "run at".into(),
            Timestamp::from_system_time(std::time::SystemTime::now()).to_rfc3339(),
        ),
        (
            "input".into(),
            input
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        ),
        ("API".into(), origin(base_url)),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn ordered_keeps_input_order_and_bounds_concurrency() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let now = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let mut out = Vec::new();
        rt.block_on(ordered(
            0..200u64,
            4,
            |i| {
                let (now, peak) = (&now, &peak);
                async move {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    // Early items are the slowest: later ones finish first.
                    tokio::time::sleep(Duration::from_millis(if i % 7 == 0 { 5 } else { 1 })).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            },
            |i| {
                out.push(i);
                Ok(())
            },
        ))
        .unwrap_or_else(|_| panic!("ordered failed"));
        assert_eq!(out, (0..200).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_slow_first_item_does_not_hold_the_others_back() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let finished = AtomicUsize::new(0);
        let seen_by_slow = AtomicUsize::new(0);
        let mut out = Vec::new();
        rt.block_on(ordered(
            0..100usize,
            2,
            |i| {
                let (finished, seen_by_slow) = (&finished, &seen_by_slow);
                async move {
                    if i == 0 {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        seen_by_slow.store(finished.load(Ordering::SeqCst), Ordering::SeqCst);
                    } else {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                    i
                }
            },
            |i| {
                out.push(i);
                Ok(())
            },
        ))
        .unwrap_or_else(|_| panic!("ordered failed"));
        assert_eq!(out, (0..100).collect::<Vec<_>>());
        // With a plain ordered buffer of 2, only 1 other item could finish meanwhile.
        assert!(
            seen_by_slow.load(Ordering::SeqCst) >= 50,
            "{} finished while the first was slow",
            seen_by_slow.load(Ordering::SeqCst)
        );
    }

    #[test]
    fn spans_parse_in_each_unit() {
        assert_eq!(parse_span("3d"), Ok(Duration::from_secs(259_200)));
        assert_eq!(parse_span("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_span("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_span("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_span("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_span("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_span("3w").is_err());
        assert!(parse_span("d").is_err());
        assert_eq!(span_text(Duration::from_secs(259_200)), "3d");
    }

    #[test]
    fn origin_drops_user_info_and_path() {
        assert_eq!(
            origin("https://u:secret@api.example.com:8443/v1?x=1"),
            "https://api.example.com:8443"
        );
        assert_eq!(origin("http://127.0.0.1:9"), "http://127.0.0.1:9");
    }
}
