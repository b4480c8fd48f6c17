//! `mca report`: the acceptance state of many organisations with bounded concurrency. Each row is
//! one organisation; a failing row records its error and the run goes on. Retries (including
//! 429 with `Retry-After`) happen inside the core's `Session`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use mca_attestation::{
    Acceptance, Attestation, McaError, OrganizationId, Platform, Session, Timestamp,
};
use serde::Serialize;

use crate::bulk::{self, Alert, BulkArgs, Sink, Verdict};
use crate::commands::Context;
use crate::exit::Failure;
use crate::html::{Cell, HtmlRow};
use crate::platform::Net;

/// Help text after the options.
pub const AFTER_HELP: &str = "\
Input: a CSV file with one organisation id per row. With a header row, the column named
organizationId (or organization_id, org, id) is used, otherwise the first column; blank lines and
lines starting with # are skipped. Other columns are ignored.

Output columns: organizationId, state (accepted, pending, expired, none or error), accepted,
acceptedVia, signer, signerEmail, acceptanceDate, lastSyncDate, attestationId, attestationStatus,
attestationExpiresAt, agreementLink, errorKind, errorStatus, error. The format follows --out's
extension (.json, else CSV); without --out, CSV (or JSON with --json) goes to stdout. Rows are
written as they come (in input order), so memory stays bounded. A summary goes to stderr. A progress
bar is drawn on stderr only when it is a terminal. --html FILE also writes a self-contained page
(chart, sortable and filterable table, run parameters; no signer names or e-mails, no secrets).

Row errors do not stop the run. Without --fail-on they do not change the exit code (0 once the
report is written); with --fail-on not-accepted,expiring,error the run exits 7 when any
organisation matches and prints a one-line summary (ALERT or OK) on stderr.

Examples:
  mca report --orgs orgs.csv --out report.csv --html report.html
  mca report --orgs orgs.csv --out report.json --concurrency 32
  mca report --orgs orgs.csv --out report.csv --fail-on error,expiring --expiring-within 3d";

/// Options of `mca report`.
#[derive(Args)]
pub struct ReportArgs {
    /// CSV file of organisation ids.
    #[arg(long, value_name = "FILE")]
    orgs: PathBuf,
    #[command(flatten)]
    bulk: BulkArgs,
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
    /// Its agreement link.
    pub agreement_link: Option<String>,
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

fn error_row(id: String, e: &McaError) -> Row {
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
            row.agreement_link = Some(a.agreement_link.clone()).filter(|l| !l.is_empty());
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

/// Organisation ids from a CSV file, one record at a time (see the help text for the rules).
pub struct OrgIds {
    records: csv::StringRecordsIntoIter<std::fs::File>,
    column: usize,
    first: bool,
    path: PathBuf,
}

impl OrgIds {
    /// Opens `path`.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
        Ok(Self {
            records: reader.into_records(),
            column: 0,
            first: true,
            path: path.to_path_buf(),
        })
    }
}

impl Iterator for OrgIds {
    type Item = Result<String, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.records.next()? {
                Ok(r) => r,
                Err(e) => {
                    return Some(Err(Failure::input(format!("{}: {e}", self.path.display()))))
                }
            };
            if record.iter().all(str::is_empty) {
                continue;
            }
            if std::mem::take(&mut self.first)
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
                    self.column = c;
                    continue;
                }
            }
            return Some(Ok(record.get(self.column).unwrap_or_default().to_string()));
        }
    }
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

impl Summary {
    fn add(&mut self, r: &Row) {
        self.total = self.total.saturating_add(1);
        let n = match r.state.as_str() {
            "accepted" => &mut self.accepted,
            "pending" => &mut self.pending,
            "expired" => &mut self.expired,
            "none" => &mut self.none,
            _ => &mut self.errors,
        };
        *n = n.saturating_add(1);
        let via = r.accepted_via.as_deref().unwrap_or_default();
        if r.state == "accepted" && via.contains("CustomerDirectAcceptance") {
            self.accepted_direct = self.accepted_direct.saturating_add(1);
        }
        if r.state == "accepted" && via.contains("PartnerAttestation") {
            self.accepted_partner = self.accepted_partner.saturating_add(1);
        }
    }
}

impl HtmlRow for Row {
    fn html_columns() -> &'static [&'static str] {
        &[
            "organization",
            "state",
            "accepted via",
            "acceptance date",
            "last sync",
            "attestation status",
            "agreement link",
            "expires",
            "error",
        ]
    }

    fn html_cells(&self) -> Vec<Cell> {
        let t = |s: &Option<String>| Cell::Text(s.clone().unwrap_or_default());
        vec![
            Cell::Text(self.organization_id.clone()),
            Cell::Text(self.state.clone()),
            t(&self.accepted_via),
            t(&self.acceptance_date),
            t(&self.last_sync_date),
            t(&self.attestation_status),
            Cell::Link(self.agreement_link.clone().unwrap_or_default()),
            t(&self.attestation_expires_at),
            Cell::Long(match (&self.error_kind, &self.error) {
                (Some(k), Some(e)) => format!("{k}: {e}"),
                (_, Some(e)) => e.clone(),
                _ => String::new(),
            }),
        ]
    }

    fn html_state(&self) -> &str {
        &self.state
    }
}

/// `mca report`.
pub async fn run(ctx: &Context, args: ReportArgs) -> Result<(), Failure> {
    // A file name the output cannot honour fails before anything is read or sent.
    args.bulk.format(ctx.json)?;
    let resolved = ctx.connection.resolve()?;
    let session = resolved.session()?;
    let net = Net::new(resolved.timeout, ctx.verbose)?;
    // The input is read once up front (to fail before anything is sent, and for the bar's length).
    let mut total = 0u64;
    for id in OrgIds::open(&args.orgs)? {
        id?;
        total = total.saturating_add(1);
    }
    let concurrency = args.bulk.concurrency();
    // One token up front instead of one per concurrent first request; bad credentials stop here.
    match session.token(&net).await {
        Ok(_) | Err(McaError::Config { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let run_at = Timestamp::from_system_time(std::time::SystemTime::now());
    let mut sink = Sink::open(&args.bulk, ctx.json, "mca report")?;
    let mut alert = Alert::new(&args.bulk, run_at);
    let bar = bulk::progress(total);
    let started = Instant::now();
    let session = &session;
    let net = &net;
    let mut s = Summary {
        concurrency,
        ..Summary::default()
    };
    bulk::ordered(
        OrgIds::open(&args.orgs)?,
        concurrency,
        |id| async move {
            match id {
                Ok(text) => row(session, net, &text).await,
                Err(e) => Row {
                    state: "error".into(),
                    error_kind: Some("invalid".into()),
                    error: Some(match e {
                        Failure::Local { message, .. } => message,
                        _ => "unreadable row".into(),
                    }),
                    ..Row::default()
                },
            }
        },
        |r: Row| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            s.add(&r);
            alert.note(&Verdict {
                accepted: r.state == "accepted",
                error: r.state == "error",
                ongoing_expires_at: if r.state == "pending" {
                    r.attestation_expires_at.as_deref()
                } else {
                    None
                },
            });
            sink.row(&r)
        },
    )
    .await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    s.seconds = started.elapsed().as_secs_f64();
    s.orgs_per_second = if s.seconds > 0.0 {
        s.total as f64 / s.seconds
    } else {
        0.0
    };
    let mut params = bulk::run_params(
        "report",
        &args.orgs,
        resolved.base_url.as_deref().unwrap_or_default(),
    );
    params.extend(args.bulk.describe());
    params.push(("organisations".into(), s.total.to_string()));
    params.push(("seconds".into(), format!("{:.2}", s.seconds)));
    sink.finish(&params)?;
    if ctx.json && args.bulk.out.is_some() {
        crate::output::json(&s);
    }
    eprintln!(
        "{} organisations in {:.2} s ({:.1} orgs/s, concurrency {}): accepted {} (direct {}, partner attestation {}), pending {}, expired {}, none {}, errors {}",
        s.total, s.seconds, s.orgs_per_second, s.concurrency, s.accepted, s.accepted_direct,
        s.accepted_partner, s.pending, s.expired, s.none, s.errors
    );
    if let Some(path) = &args.bulk.out {
        eprintln!("report written to {}", path.display());
    }
    alert.finish("report")
}
