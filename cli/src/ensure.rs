//! `mca ensure --orgs signers.csv`: the bulk form of the core's `ensure_accepted` (with
//! `wait: false`). The core's flow decides and reconciles (acceptance read first, an ongoing
//! attestation reused, a start with an unknown outcome followed by a GET before any second start);
//! this module only reads the CSV, validates each row with the core's validator, runs the flows
//! with bounded concurrency, observes what they did, and writes rows, links and evidence.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Args;
use mca_attestation::{
    validate, AttestationStatus, EnsureOptions, EnsureStatus, FlowEvent, HttpRequest, HttpResponse,
    McaError, Method, OrganizationId, Platform, Session, Signer, StartAttestation, Timestamp,
    Violation,
};
use serde::Serialize;

use crate::bulk::{self, Alert, BulkArgs, Sink, Verdict};
use crate::commands::Context;
use crate::exit::{display_pointer, Failure};
use crate::html::{Cell, HtmlRow};
use crate::platform::Net;

/// Help text after the options.
pub const AFTER_HELP: &str = "\
Input: a CSV file with a header row naming the columns in the API's words:
  organizationId,firstName,lastName,emailAddress,phoneNumber,country,language
(language optional, en-US when absent or empty; an optional acceptanceDate column, RFC 3339,
defaults to the time of the run). Column order is free; names are case-insensitive; blank lines
and lines starting with # are skipped.

Every row is validated first with the client rules. A bad row is reported with its line number and
the JSON pointer of each violation; nothing is sent for it; the other rows go on. A repeated
organisation is reported as a duplicate and run once.

Per organisation (never a second start): already accepted -> nothing; an ongoing attestation ->
reused, its link and expiry reported; signed -> finalized and confirmed; expired or none -> started.
The acceptance state and the attestation are read before any start, so a re-run after a crash or
while another run is going reuses what exists.

Output columns: organizationId, line, stateBefore, action, stateAfter, attestationId,
agreementLink, expiresAt, acceptedVia, evidenceFile, errorKind, errorStatus, error.
  states: accepted, pending (awaiting the signer), signed (awaiting finalize), finalized
          (acceptance not visible yet), expired, none, unknown, invalid, error
  actions: none, reuse, start, finalize, skip; with --dry-run: would_start, would_finalize
The links of pending attestations go to --links (organizationId, emailAddress, agreementLink,
expiresAt) to send to the signers; an evidence JSON per organisation that became accepted goes to
--evidence-dir as <organizationId>.json.

--dry-run reads only (GET): it plans what would be done and sends no POST or PUT; no evidence or
links file is written.

Exit codes: as for every command (2 when the CSV cannot be used at all); with --fail-on, 7 when
any organisation matches, with a one-line summary on stderr.

Examples:
  mca ensure --orgs signers.csv --out ensure.csv --html ensure.html
  mca ensure --orgs signers.csv --dry-run
  mca ensure --orgs signers.csv --out ensure.csv --fail-on not-accepted,error --expiring-within 3d";

/// Options of `mca ensure`.
#[derive(Args)]
pub struct EnsureArgs {
    /// CSV file of organisations and their signers (header row required; see below).
    #[arg(long, value_name = "FILE")]
    orgs: PathBuf,
    #[command(flatten)]
    bulk: BulkArgs,
    /// Plan only: read the state (GET), send no POST or PUT.
    #[arg(long)]
    dry_run: bool,
    /// Directory for the evidence JSON of each organisation that became accepted.
    #[arg(long, value_name = "DIR", default_value = "mca-evidence")]
    evidence_dir: PathBuf,
    /// CSV file of the agreement links to send to the signers.
    #[arg(long, value_name = "FILE", default_value = "mca-links.csv")]
    links: PathBuf,
    /// Reads of the acceptance state after finalize before settling for `finalized`
    /// [default: the core's, 5].
    #[arg(long, value_name = "N")]
    confirm_attempts: Option<u32>,
}

/// One organisation's line of the output.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnsureRow {
    /// Organisation id (normalised when it is a GUID).
    pub organization_id: String,
    /// Line in the input CSV.
    pub line: u64,
    /// State found: accepted, pending, signed, expired, none, unknown.
    pub state_before: String,
    /// none, reuse, start, finalize, skip, would_start, would_finalize.
    pub action: String,
    /// State left: accepted, pending, finalized, expired, …, invalid, error.
    pub state_after: String,
    /// The attestation worked on.
    pub attestation_id: Option<String>,
    /// Its agreement link.
    pub agreement_link: Option<String>,
    /// When the link expires.
    pub expires_at: Option<String>,
    /// Acceptance channels, `;`-separated, when accepted.
    pub accepted_via: Option<String>,
    /// Evidence file written for this organisation.
    pub evidence_file: Option<String>,
    /// Error kind.
    pub error_kind: Option<String>,
    /// HTTP status of the error.
    pub error_status: Option<u16>,
    /// Error message (never signer data).
    pub error: Option<String>,
}

impl HtmlRow for EnsureRow {
    fn html_columns() -> &'static [&'static str] {
        &[
            "organization",
            "line",
            "before",
            "action",
            "after",
            "agreement link",
            "expires",
            "accepted via",
            "error",
        ]
    }

    fn html_cells(&self) -> Vec<Cell> {
        let t = |s: &Option<String>| Cell::Text(s.clone().unwrap_or_default());
        vec![
            Cell::Text(self.organization_id.clone()),
            Cell::Text(self.line.to_string()),
            Cell::Text(self.state_before.clone()),
            Cell::Text(self.action.clone()),
            Cell::Text(self.state_after.clone()),
            Cell::Link(self.agreement_link.clone().unwrap_or_default()),
            t(&self.expires_at),
            t(&self.accepted_via),
            Cell::Long(match (&self.error_kind, &self.error) {
                (Some(k), Some(e)) => format!("{k}: {e}"),
                (_, Some(e)) => e.clone(),
                _ => String::new(),
            }),
        ]
    }

    fn html_state(&self) -> &str {
        &self.state_after
    }
}

/// Column positions of the signer CSV.
struct Columns {
    org: usize,
    first: usize,
    last: usize,
    email: usize,
    phone: usize,
    country: usize,
    language: Option<usize>,
    acceptance_date: Option<usize>,
}

fn norm(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .replace(['_', '-', ' '], "")
}

impl Columns {
    fn from_header(record: &csv::StringRecord) -> Result<Self, String> {
        let names: Vec<String> = record.iter().map(norm).collect();
        let find = |n: &str| names.iter().position(|x| x == n);
        let need = |n: &str, label: &str| {
            find(n).ok_or_else(|| format!("the header has no {label} column"))
        };
        Ok(Self {
            org: need("organizationid", "organizationId")?,
            first: need("firstname", "firstName")?,
            last: need("lastname", "lastName")?,
            email: need("emailaddress", "emailAddress")?,
            phone: need("phonenumber", "phoneNumber")?,
            country: need("country", "country")?,
            language: find("language"),
            acceptance_date: find("acceptancedate"),
        })
    }
}

/// A row of the input, ready to run or already answered.
enum Item {
    Run {
        line: u64,
        org: OrganizationId,
        body: StartAttestation,
    },
    Skip(EnsureRow),
}

fn skip_row(id: &str, line: u64, kind: &str, message: String) -> EnsureRow {
    EnsureRow {
        organization_id: id.to_string(),
        line,
        state_before: "unknown".into(),
        action: "skip".into(),
        state_after: "invalid".into(),
        error_kind: Some(kind.into()),
        error: Some(message),
        ..EnsureRow::default()
    }
}

fn violations_text(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", display_pointer(v.pointer.as_deref()), v.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads the signer CSV one record at a time.
struct Rows {
    records: csv::StringRecordsIntoIter<std::fs::File>,
    columns: Columns,
    seen: HashMap<u128, u64>,
    run_date: String,
}

impl Rows {
    fn open(path: &Path, run_date: String) -> Result<Self, Failure> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
        let mut records = reader.into_records();
        let header = loop {
            match records.next() {
                None => return Err(Failure::input(format!("{}: no header row", path.display()))),
                Some(Err(e)) => return Err(Failure::input(format!("{}: {e}", path.display()))),
                Some(Ok(r)) if r.iter().all(str::is_empty) => continue,
                Some(Ok(r)) => break r,
            }
        };
        let columns = Columns::from_header(&header).map_err(|e| {
            Failure::input(format!(
                "{}: {e} (expected organizationId,firstName,lastName,emailAddress,phoneNumber,country,language)",
                path.display()
            ))
        })?;
        Ok(Self {
            records,
            columns,
            seen: HashMap::new(),
            run_date,
        })
    }

    fn item(&mut self, record: &csv::StringRecord) -> Item {
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: usize| record.get(i).unwrap_or_default().to_string();
        let c = &self.columns;
        let id = get(c.org);
        let mut violations = Vec::new();
        let org = match OrganizationId::parse(&id) {
            Ok(org) => Some(org),
            Err(e) => {
                violations.extend(e.violations());
                None
            }
        };
        let body = StartAttestation {
            signer: Signer::new(get(c.first), get(c.last), get(c.email), get(c.phone)),
            language: c.language.map(get).filter(|l| !l.is_empty()),
            country: get(c.country),
            acceptance_date: c
                .acceptance_date
                .map(get)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| self.run_date.clone()),
        };
        let now = Timestamp::from_system_time(std::time::SystemTime::now());
        if let Err(e) = validate::start_attestation(&body, now) {
            violations.extend(e.violations());
        }
        let shown = org.as_ref().map_or(id.clone(), |o| o.to_string());
        match org {
            Some(org) if violations.is_empty() => {
                let key = uuid::Uuid::parse_str(org.as_str()).map_or(0, |u| u.as_u128());
                if let Some(first) = self.seen.get(&key) {
                    return Item::Skip(skip_row(
                        &shown,
                        line,
                        "duplicate",
                        format!("line {line}: duplicate of line {first}; run once"),
                    ));
                }
                self.seen.insert(key, line);
                Item::Run { line, org, body }
            }
            _ => Item::Skip(skip_row(
                &shown,
                line,
                "invalid",
                format!("line {line}: {}", violations_text(&violations)),
            )),
        }
    }
}

impl Iterator for Rows {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            match self.records.next()? {
                Ok(r) if r.iter().all(str::is_empty) => continue,
                Ok(r) => return Some(self.item(&r)),
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Some(Item::Skip(skip_row(
                        "",
                        line,
                        "invalid",
                        format!("line {line}: {e}"),
                    )));
                }
            }
        }
    }
}

/// What one flow did, as seen from its requests and events.
#[derive(Default)]
struct Trace {
    /// A POST/PUT went out (or, in a dry run, would have).
    wrote: bool,
    /// Status of the attestation lookup before any write (200 found, 404 none).
    lookup: Option<u16>,
    /// Acceptance as first read.
    accepted: Option<bool>,
    /// Status of an attestation reused before any write.
    reused: Option<AttestationStatus>,
    /// A start was sent.
    started: bool,
    /// A finalize was sent.
    finalized: bool,
    /// Dry run: the write that was not sent.
    blocked: Option<&'static str>,
    attestation_id: Option<String>,
    link: Option<String>,
    expires_at: Option<Timestamp>,
}

/// The platform of one organisation's flow: `Net`, watched; in a dry run POST and PUT to the API
/// are answered locally with an error and never sent.
#[derive(Clone)]
struct Observed {
    net: Net,
    trace: Arc<Mutex<Trace>>,
    dry_run: bool,
    token_url: Arc<str>,
}

type SendFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, McaError>> + Send>>;

/// The marker of a write a dry run held back.
const HELD_BACK: &str = "dry run: not sent";

impl Observed {
    fn lock(&self) -> std::sync::MutexGuard<'_, Trace> {
        self.trace.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Platform for Observed {
    type SendFuture = SendFuture;
    type SleepFuture = <Net as Platform>::SleepFuture;

    fn send(&self, request: HttpRequest) -> SendFuture {
        let path = request.url.split('?').next().unwrap_or_default();
        let attestation = path.ends_with("/csp/mca/attestation");
        let finalize = path.ends_with("/csp/mca/attestation/finalize");
        if request.method != Method::Get && request.url != *self.token_url {
            let mut trace = self.lock();
            trace.wrote = true;
            if self.dry_run {
                trace.blocked = Some(if finalize {
                    "would_finalize"
                } else if attestation {
                    "would_start"
                } else {
                    "would_write"
                });
                return Box::pin(std::future::ready(Err(McaError::config(HELD_BACK))));
            }
            trace.started |= attestation && request.method == Method::Post;
            trace.finalized |= finalize;
        }
        let sent = self.net.send(request.clone());
        if attestation && request.method == Method::Get && !self.lock().wrote {
            let trace = self.trace.clone();
            return Box::pin(async move {
                let result = sent.await;
                if let Ok(response) = &result {
                    let mut t = trace.lock().unwrap_or_else(|e| e.into_inner());
                    if !t.wrote {
                        t.lookup = Some(response.status.get());
                    }
                }
                result
            });
        }
        sent
    }

    fn sleep(&self, duration: std::time::Duration) -> Self::SleepFuture {
        self.net.sleep(duration)
    }

    fn now(&self) -> Timestamp {
        self.net.now()
    }

    fn event(&self, event: &FlowEvent) {
        {
            let mut t = self.lock();
            match event {
                FlowEvent::AcceptanceChecked { accepted } => {
                    t.accepted.get_or_insert(*accepted);
                }
                FlowEvent::AttestationStarted {
                    attestation_id,
                    agreement_link,
                    expires_at,
                } => {
                    t.attestation_id = Some(attestation_id.clone());
                    t.link = Some(agreement_link.clone());
                    t.expires_at = Some(*expires_at);
                }
                FlowEvent::AttestationReused {
                    attestation_id,
                    agreement_link,
                    expires_at,
                    status,
                } => {
                    if !t.wrote {
                        t.reused = Some(*status);
                    }
                    t.attestation_id = Some(attestation_id.clone());
                    t.link = Some(agreement_link.clone());
                    t.expires_at = *expires_at;
                }
                _ => {}
            }
        }
        self.net.event(event);
    }
}

fn state_before(t: &Trace) -> &'static str {
    match (t.accepted, t.reused, t.lookup) {
        (Some(true), _, _) => "accepted",
        (Some(false), Some(AttestationStatus::PendingFinalization), _) => "signed",
        (Some(false), Some(_), _) => "pending",
        (Some(false), None, Some(200)) => "expired",
        (Some(false), None, Some(404)) => "none",
        _ => "unknown",
    }
}

/// Shared by every organisation of a run.
struct Job {
    session: Session,
    net: Net,
    token_url: Arc<str>,
    dry_run: bool,
    options: EnsureOptions,
    evidence_dir: PathBuf,
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

impl Job {
    async fn one(&self, line: u64, org: OrganizationId, body: StartAttestation) -> EnsureRow {
        let platform = Observed {
            net: self.net.clone(),
            trace: Arc::new(Mutex::new(Trace::default())),
            dry_run: self.dry_run,
            token_url: self.token_url.clone(),
        };
        let result = self
            .session
            .ensure_accepted(&platform, &org, body, self.options.clone())
            .await;
        let t = platform.lock();
        let before = state_before(&t);
        let mut row = EnsureRow {
            organization_id: org.to_string(),
            line,
            state_before: before.into(),
            attestation_id: t.attestation_id.clone(),
            agreement_link: t.link.clone(),
            expires_at: t.expires_at.map(|e| e.to_rfc3339()),
            ..EnsureRow::default()
        };
        row.action = match (t.blocked, t.started, t.finalized, t.reused) {
            (Some(planned), ..) => planned,
            (None, true, ..) => "start",
            (None, false, true, _) => "finalize",
            (None, false, false, Some(_)) => "reuse",
            _ => "none",
        }
        .into();
        match result {
            Ok(outcome) => {
                row.state_after = match outcome.status {
                    EnsureStatus::AlreadyAccepted | EnsureStatus::Accepted => "accepted",
                    EnsureStatus::Finalized => "finalized",
                    EnsureStatus::Pending => before_if_signed(before),
                    EnsureStatus::Expired => "expired",
                }
                .into();
                if let Some(a) = &outcome.acceptance {
                    row.accepted_via = Some(a.accepted_via.join(";"));
                }
                if row.agreement_link.is_none() {
                    row.agreement_link = outcome.agreement_link.clone();
                }
                if let (EnsureStatus::Accepted, Some(evidence)) =
                    (outcome.status, &outcome.evidence)
                {
                    let path = self.evidence_dir.join(format!("{org}.json"));
                    let written = serde_json::to_string_pretty(evidence)
                        .map_err(|e| e.to_string())
                        .and_then(|text| {
                            write_atomically(&path, &(text + "\n")).map_err(|e| e.to_string())
                        });
                    match written {
                        Ok(()) => row.evidence_file = Some(path.display().to_string()),
                        Err(e) => {
                            row.error_kind = Some("local".into());
                            row.error = Some(format!(
                                "accepted, but the evidence cannot be written to {}: {e}",
                                path.display()
                            ));
                        }
                    }
                }
            }
            Err(_) if t.blocked.is_some() => {
                // A dry run stopped at the first write: the plan is the action; nothing changed.
                row.state_after = before.into();
            }
            Err(e) => {
                row.state_after = "error".into();
                row.error_kind = Some(e.kind().into());
                row.error_status = e.status();
                row.error = Some(e.to_string());
            }
        }
        row
    }
}

/// `pending` unless the flow found the attestation signed (a dry run does not finalize).
fn before_if_signed(before: &'static str) -> &'static str {
    if before == "signed" {
        "signed"
    } else {
        "pending"
    }
}

/// Where the links list is written until the run ends.
fn links_tmp(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Creates `dir` and takes its run lock (`.mca-ensure.lock`), held until the process ends.
fn lock(dir: &Path) -> Result<std::fs::File, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::other(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(".mca-ensure.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Failure::other(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Failure::other(format!(
            "another `mca ensure` is running with the evidence directory {} (lock {}); \
             nothing was sent — run again when it has finished",
            dir.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(Failure::other(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// Counts for the summary line.
#[derive(Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    total: u64,
    by_action: std::collections::BTreeMap<String, u64>,
    by_state_after: std::collections::BTreeMap<String, u64>,
    evidence_files: u64,
    links: u64,
    seconds: f64,
    orgs_per_second: f64,
    concurrency: usize,
    dry_run: bool,
}

fn bump(map: &mut std::collections::BTreeMap<String, u64>, key: &str) {
    let n = map.entry(key.to_string()).or_insert(0);
    *n = n.saturating_add(1);
}

fn shown(map: &std::collections::BTreeMap<String, u64>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Pass one: every row checked before anything is sent; bad rows listed on stderr.
fn precheck(path: &Path, run_date: &str) -> Result<(u64, u64), Failure> {
    const SHOWN: u64 = 50;
    let (mut good, mut bad) = (0u64, 0u64);
    for item in Rows::open(path, run_date.to_string())? {
        match item {
            Item::Run { .. } => good = good.saturating_add(1),
            Item::Skip(row) => {
                bad = bad.saturating_add(1);
                if bad <= SHOWN {
                    eprintln!(
                        "{} ({}): {}",
                        row.error_kind.as_deref().unwrap_or("invalid"),
                        if row.organization_id.is_empty() {
                            "?"
                        } else {
                            &row.organization_id
                        },
                        row.error.as_deref().unwrap_or_default()
                    );
                }
            }
        }
    }
    if bad > SHOWN {
        eprintln!(
            "… and {} more rows not sent (see the output rows)",
            bad.saturating_sub(SHOWN)
        );
    }
    if bad > 0 {
        eprintln!("{bad} rows will not be sent; {good} organisations go on");
    }
    Ok((good, bad))
}

/// `mca ensure`.
pub async fn run(ctx: &Context, args: EnsureArgs) -> Result<(), Failure> {
    // A file name the output cannot honour fails before anything is read or sent.
    args.bulk.format(ctx.json)?;
    let resolved = ctx.connection.resolve()?;
    let session = resolved.session()?;
    let net = Net::new(resolved.timeout, ctx.verbose)?;
    let started_at = Timestamp::from_system_time(std::time::SystemTime::now());
    let run_date = started_at.to_rfc3339();
    let (good, bad) = precheck(&args.orgs, &run_date)?;
    let concurrency = args.bulk.concurrency();
    match session.token(&net).await {
        Ok(_) | Err(McaError::Config { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    // One run per evidence directory at a time: a second run started while the first is still
    // going stops here (the lock goes with the process, also when it is killed).
    let _lock = if args.dry_run {
        None
    } else {
        Some(lock(&args.evidence_dir)?)
    };
    let mut links = if args.dry_run {
        None
    } else {
        // Written beside and renamed at the end: a killed run leaves the previous list whole.
        let file = std::fs::File::create(links_tmp(&args.links))
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", args.links.display())))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record([
            "organizationId",
            "emailAddress",
            "agreementLink",
            "expiresAt",
        ])
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", args.links.display())))?;
        Some(w)
    };
    let title = if args.dry_run {
        "mca ensure — plan (dry run)"
    } else {
        "mca ensure"
    };
    let mut sink = Sink::open(&args.bulk, ctx.json, title)?;
    let mut alert = Alert::new(&args.bulk, started_at);
    let job = Job {
        token_url: Arc::from(session.config().token_url.as_str()),
        session,
        net,
        dry_run: args.dry_run,
        options: EnsureOptions {
            wait: false,
            confirm_attempts: args
                .confirm_attempts
                .unwrap_or(EnsureOptions::default().confirm_attempts),
            ..EnsureOptions::default()
        },
        evidence_dir: args.evidence_dir.clone(),
    };
    let bar = bulk::progress(good.saturating_add(bad));
    let clock = Instant::now();
    let job = &job;
    let mut counts = Counts {
        concurrency,
        dry_run: args.dry_run,
        ..Counts::default()
    };
    let links_path = args.links.display().to_string();
    bulk::ordered(
        Rows::open(&args.orgs, run_date.clone())?,
        concurrency,
        |item| async move {
            match item {
                Item::Skip(row) => (row, None),
                Item::Run { line, org, body } => {
                    let email = body.signer.email_address.clone();
                    (job.one(line, org, body).await, Some(email))
                }
            }
        },
        |(row, email): (EnsureRow, Option<String>)| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            counts.total = counts.total.saturating_add(1);
            bump(&mut counts.by_action, &row.action);
            bump(&mut counts.by_state_after, &row.state_after);
            if row.evidence_file.is_some() {
                counts.evidence_files = counts.evidence_files.saturating_add(1);
            }
            let ongoing = matches!(row.state_after.as_str(), "pending" | "signed");
            if let (Some(w), true, Some(link)) = (&mut links, ongoing, &row.agreement_link) {
                w.write_record([
                    row.organization_id.as_str(),
                    email.as_deref().unwrap_or_default(),
                    link.as_str(),
                    row.expires_at.as_deref().unwrap_or_default(),
                ])
                .map_err(|e| Failure::other(format!("cannot write {links_path}: {e}")))?;
                counts.links = counts.links.saturating_add(1);
            }
            alert.note(&Verdict {
                accepted: row.state_after == "accepted",
                error: row.error.is_some(),
                ongoing_expires_at: if ongoing {
                    row.expires_at.as_deref()
                } else {
                    None
                },
            });
            sink.row(&row)
        },
    )
    .await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(mut w) = links {
        w.flush()
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", args.links.display())))?;
        drop(w);
        std::fs::rename(links_tmp(&args.links), &args.links)
            .map_err(|e| Failure::other(format!("cannot write {}: {e}", args.links.display())))?;
    }
    counts.seconds = clock.elapsed().as_secs_f64();
    counts.orgs_per_second = if counts.seconds > 0.0 {
        counts.total as f64 / counts.seconds
    } else {
        0.0
    };
    let mut params = bulk::run_params(
        if args.dry_run {
            "ensure --dry-run"
        } else {
            "ensure"
        },
        &args.orgs,
        resolved.base_url.as_deref().unwrap_or_default(),
    );
    params.extend(args.bulk.describe());
    params.push(("organisations".into(), counts.total.to_string()));
    params.push(("seconds".into(), format!("{:.2}", counts.seconds)));
    params.push(("actions".into(), shown(&counts.by_action)));
    sink.finish(&params)?;
    if ctx.json && args.bulk.out.is_some() {
        crate::output::json(&counts);
    }
    eprintln!(
        "{} organisations in {:.2} s ({:.1} orgs/s, concurrency {}{}): actions: {}; states after: {}",
        counts.total,
        counts.seconds,
        counts.orgs_per_second,
        concurrency,
        if args.dry_run { ", dry run" } else { "" },
        shown(&counts.by_action),
        shown(&counts.by_state_after),
    );
    if !args.dry_run {
        eprintln!(
            "{} agreement links in {}; {} evidence files in {}",
            counts.links,
            args.links.display(),
            counts.evidence_files,
            args.evidence_dir.display()
        );
    }
    let _ = std::io::stderr().flush();
    alert.finish("ensure")
}
