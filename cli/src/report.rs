//! `mca report`: the acceptance state of many organisations with bounded concurrency. Each row is
//! one organisation; a failing row records its error and the run goes on. Retries (including
//! 429 with `Retry-After`) happen inside the core's `Session`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use futures_util::stream::{self, StreamExt};
use mca_attestation::{Acceptance, Attestation, Error, OrganizationId, Platform, Session};
use serde::Serialize;

use crate::commands::Context;
use crate::exit::Failure;
use crate::platform::Net;

/// Help text after the options.
pub const AFTER_HELP: &str = "\
Input: a CSV file with one organisation id per row. With a header row, the column named
organizationId (or organization_id, org, id) is used, otherwise the first column; blank lines and
lines starting with # are skipped. Other columns are ignored.

Output columns: organizationId, state (accepted, pending, expired, none or error), accepted,
acceptedVia, signer, signerEmail, acceptanceDate, lastSyncDate, attestationId, attestationStatus,
attestationExpiresAt, errorKind, errorStatus, error. The format follows --out's extension
(.json, else CSV); without --out, CSV (or JSON with --json) goes to stdout. A summary goes to stderr.
A progress bar is drawn on stderr only when it is a terminal.

Row errors do not stop the run and do not change the exit code (0 once the report is written).

Examples:
  mca report --orgs orgs.csv --out report.csv
  mca report --orgs orgs.csv --out report.json --concurrency 32";

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of rows.
    Json,
}

/// Options of `mca report`.
#[derive(Args)]
pub struct ReportArgs {
    /// CSV file of organisation ids.
    #[arg(long, value_name = "FILE")]
    orgs: PathBuf,
    /// Output file (.csv or .json); stdout when absent.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format (default: from --out's extension, else CSV, or JSON with --json).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Organisations queried at the same time.
    #[arg(long, default_value_t = 8, value_name = "N")]
    concurrency: usize,
}

/// One organisation's line of the report.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The organisation id as normalised (or as given, when it is not a GUID).
    pub organization_id: String,
    /// `accepted`, `pending`, `expired`, `none` or `error`.
    pub state: String,
    /// Whether any acceptance exists.
    pub accepted: Option<bool>,
    /// Channels, `;`-separated.
    pub accepted_via: Option<String>,
    /// Signer's name (acceptance via partner attestation, else the ongoing attestation's).
    pub signer: Option<String>,
    /// Signer's e-mail.
    pub signer_email: Option<String>,
    /// Acceptance date of the partner attestation.
    pub acceptance_date: Option<String>,
    /// Last sync with Microsoft.
    pub last_sync_date: Option<String>,
    /// Ongoing attestation id.
    pub attestation_id: Option<String>,
    /// Its status (`pending_agreement_acceptance`, `pending_finalization`, …).
    pub attestation_status: Option<String>,
    /// When its link expires.
    pub attestation_expires_at: Option<String>,
    /// Error kind, when the row failed.
    pub error_kind: Option<String>,
    /// HTTP status of the error, when one was received.
    pub error_status: Option<u16>,
    /// Error message.
    pub error: Option<String>,
}

fn status_key(a: &Attestation) -> String {
    match a.status {
        mca_attestation::AttestationStatus::Unspecified => "unspecified".into(),
        mca_attestation::AttestationStatus::PendingAgreementAcceptance => {
            "pending_agreement_acceptance".into()
        }
        mca_attestation::AttestationStatus::PendingFinalization => "pending_finalization".into(),
        mca_attestation::AttestationStatus::Unknown => format!("unknown_{}", a.status_code),
    }
}

fn error_row(id: String, e: &Error) -> Row {
    Row {
        organization_id: id,
        state: "error".into(),
        error_kind: Some(e.kind().into()),
        error_status: e.status(),
        error: Some(e.to_string()),
        ..Row::default()
    }
}

fn fill_acceptance(row: &mut Row, a: &Acceptance) {
    row.accepted = Some(a.accepted);
    row.accepted_via = Some(a.accepted_via.join(";"));
    row.last_sync_date = a.last_sync_date.map(|t| t.to_rfc3339());
    if let Some(p) = &a.partner_attestation {
        if let Some(s) = &p.signer {
            row.signer = Some(
                format!("{} {}", s.first_name, s.last_name)
                    .trim()
                    .to_string(),
            );
            row.signer_email = Some(s.email_address.clone());
        }
        row.acceptance_date = p.acceptance_date.map(|t| t.to_rfc3339());
    }
}

/// Reads one organisation: acceptance, and the ongoing attestation when not accepted.
pub async fn row(session: &Session, net: &Net, text: &str) -> Row {
    let org = match OrganizationId::parse(text) {
        Ok(org) => org,
        Err(e) => return error_row(text.to_string(), &e),
    };
    let mut row = Row {
        organization_id: org.to_string(),
        ..Row::default()
    };
    let acceptance = match session.get_acceptance(net, &org).await {
        Ok(a) => a,
        Err(e) => return error_row(org.to_string(), &e),
    };
    fill_acceptance(&mut row, &acceptance);
    if acceptance.accepted {
        row.state = "accepted".into();
        return row;
    }
    match session.get_attestation(net, &org).await {
        Ok(None) => row.state = "none".into(),
        Ok(Some(a)) => {
            row.state = if a.is_expired(net.now()) {
                "expired".into()
            } else {
                "pending".into()
            };
            row.attestation_id = Some(a.attestation_id.clone());
            row.attestation_status = Some(status_key(&a));
            row.attestation_expires_at = a.expires_at.map(|t| t.to_rfc3339());
            row.signer = Some(
                format!("{} {}", a.signer.first_name, a.signer.last_name)
                    .trim()
                    .to_string(),
            );
            row.signer_email = Some(a.signer.email_address.clone());
        }
        Err(e) => {
            let kept = row.clone();
            row = error_row(org.to_string(), &e);
            row.accepted = kept.accepted;
            row.accepted_via = kept.accepted_via;
            row.last_sync_date = kept.last_sync_date;
        }
    }
    row
}

/// Organisation ids from a CSV file (see the help text for the rules).
pub fn read_orgs(path: &Path) -> Result<Vec<String>, Failure> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(path)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    let mut column = 0;
    let mut first = true;
    let mut ids = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if std::mem::take(&mut first)
            && record
                .get(0)
                .is_none_or(|s| OrganizationId::parse(s).is_err())
        {
            let names: Vec<String> = record
                .iter()
                .map(|s| s.to_ascii_lowercase().replace(['_', '-', ' '], ""))
                .collect();
            let found = names
                .iter()
                .position(|n| n == "organizationid" || n == "orgid")
                .or_else(|| names.iter().position(|n| n == "org" || n == "id"));
            if let Some(c) = found {
                column = c;
                continue;
            }
        }
        ids.push(record.get(column).unwrap_or_default().to_string());
    }
    Ok(ids)
}

/// Counts for the summary.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    total: usize,
    accepted: usize,
    accepted_direct: usize,
    accepted_partner: usize,
    pending: usize,
    expired: usize,
    none: usize,
    errors: usize,
    seconds: f64,
    orgs_per_second: f64,
    concurrency: usize,
}

fn summarize(rows: &[Row], seconds: f64, concurrency: usize) -> Summary {
    let mut s = Summary {
        total: rows.len(),
        seconds,
        orgs_per_second: if seconds > 0.0 {
            rows.len() as f64 / seconds
        } else {
            0.0
        },
        concurrency,
        ..Summary::default()
    };
    for r in rows {
        match r.state.as_str() {
            "accepted" => s.accepted += 1,
            "pending" => s.pending += 1,
            "expired" => s.expired += 1,
            "none" => s.none += 1,
            _ => s.errors += 1,
        }
        let via = r.accepted_via.as_deref().unwrap_or_default();
        if r.state == "accepted" && via.contains("CustomerDirectAcceptance") {
            s.accepted_direct += 1;
        }
        if r.state == "accepted" && via.contains("PartnerAttestation") {
            s.accepted_partner += 1;
        }
    }
    s
}

fn write_rows(rows: &[Row], format: Format, out: Option<&Path>) -> Result<(), Failure> {
    let mut buffer = Vec::new();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut buffer, rows)
                .map_err(|e| Failure::other(format!("cannot write JSON: {e}")))?;
            buffer.push(b'\n');
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut buffer);
            for r in rows {
                writer
                    .serialize(r)
                    .map_err(|e| Failure::other(format!("cannot write CSV: {e}")))?;
            }
            writer
                .flush()
                .map_err(|e| Failure::other(format!("cannot write CSV: {e}")))?;
        }
    }
    match out {
        Some(path) => std::fs::write(path, buffer)
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display()))),
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&buffer)
                .map_err(|e| Failure::other(format!("cannot write to stdout: {e}")))
        }
    }
}

/// `mca report`.
pub async fn run(ctx: &Context, args: ReportArgs) -> Result<(), Failure> {
    let (session, net) = ctx.connect()?;
    let orgs = read_orgs(&args.orgs)?;
    let format = args.format.unwrap_or_else(|| match &args.out {
        Some(p)
            if p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
        {
            Format::Json
        }
        Some(_) => Format::Csv,
        None if ctx.json => Format::Json,
        None => Format::Csv,
    });
    let concurrency = args.concurrency.clamp(1, 256);
    // One token up front instead of one per concurrent first request; bad credentials stop here.
    match session.token(&net).await {
        Ok(_) | Err(Error::Config { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(orgs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} organisations · {per_sec} · eta {eta}",
        ) {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    let started = Instant::now();
    let session = &session;
    let net = &net;
    let bar_ref = bar.as_ref();
    let mut indexed: Vec<(usize, Row)> = stream::iter(orgs.iter().enumerate())
        .map(|(i, text)| async move {
            let r = row(session, net, text).await;
            if let Some(bar) = bar_ref {
                bar.inc(1);
            }
            (i, r)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    indexed.sort_by_key(|(i, _)| *i);
    let rows: Vec<Row> = indexed.into_iter().map(|(_, r)| r).collect();
    write_rows(&rows, format, args.out.as_deref())?;
    let s = summarize(&rows, seconds, concurrency);
    if ctx.json && args.out.is_some() {
        crate::output::json(&s);
    }
    eprintln!(
        "{} organisations in {:.2} s ({:.1} orgs/s, concurrency {}): accepted {} (direct {}, partner attestation {}), pending {}, expired {}, none {}, errors {}",
        s.total, s.seconds, s.orgs_per_second, s.concurrency, s.accepted, s.accepted_direct,
        s.accepted_partner, s.pending, s.expired, s.none, s.errors
    );
    if let Some(path) = &args.out {
        eprintln!("report written to {}", path.display());
    }
    Ok(())
}
