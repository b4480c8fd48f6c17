//! One command per API operation, plus `validate` and `token`. Each builds the input, calls the
//! core's `Session` with the reqwest platform and prints the result.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand, ValueEnum};
use mca_attestation::{
    validate as rules, AddCspService, EnsureOptions, FlowEvent, McaError, PollOptions, Session,
    StartAttestation, Timestamp,
};
use serde_json::{json, Value};

use crate::config::Connection;
use crate::exit::{display_pointer, Failure};
use crate::input::{self, CspArgs, StartArgs};
use crate::output;
use crate::platform::Net;

/// What every command gets: output mode and connection settings.
pub struct Context {
    /// `--json`.
    pub json: bool,
    /// `--verbose`.
    pub verbose: bool,
    /// Connection flags.
    pub connection: Connection,
}

impl Context {
    /// A session and a platform for the configured API.
    pub fn connect(&self) -> Result<(Session, Net), Failure> {
        let resolved = self.connection.resolve()?;
        let session = resolved.session()?;
        let net = Net::new(resolved.timeout, self.verbose)?;
        Ok((session, net))
    }
}

/// The organisation an operation acts on.
#[derive(Args, Clone, Debug)]
pub struct OrgArg {
    /// Organisation (end customer) id, a GUID.
    #[arg(long, value_name = "GUID")]
    pub org: String,
}

/// How long `wait` and `ensure` run at most when `--timeout-after` is not given (30 minutes): a
/// server that keeps answering "later" (a huge `Retry-After`, a signer who never signs) cannot
/// hold the command forever.
pub const DEFAULT_FLOW_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Polling options of `wait` and `ensure`.
#[derive(Args, Clone, Debug)]
pub struct PollArgs {
    /// Give up (exit 6) after this long: seconds (`600`) or milliseconds (`4500ms`)
    /// [default: 1800, i.e. 30 minutes: a flow always ends].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout_after: Option<Duration>,
    /// Give up (exit 6) after this many milliseconds (the core's `deadline_ms`; or --timeout-after).
    #[arg(long, value_name = "MS", conflicts_with = "timeout_after")]
    pub deadline_ms: Option<u64>,
    /// First wait between polls, in milliseconds [default: the core's, 2000].
    #[arg(long, visible_alias = "poll-interval-ms", value_name = "MS")]
    pub interval_ms: Option<u64>,
    /// Longest wait between polls, in milliseconds; waits double up to it [default: the core's, 30000].
    #[arg(long, visible_alias = "max-poll-interval-ms", value_name = "MS")]
    pub max_interval_ms: Option<u64>,
    /// Wait exactly the scheduled intervals (no random jitter).
    #[arg(long)]
    pub no_jitter: bool,
    /// Jitter seed (the core's `jitter_seed`): 0 for none, otherwise waits are scaled into
    /// [50 %, 100 %] [default: a per-process seed; or --no-jitter].
    #[arg(long, value_name = "N", conflicts_with = "no_jitter")]
    pub jitter_seed: Option<i64>,
}

/// `600` (seconds), `1.5` (seconds) or `4500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Some(ms) = text.strip_suffix("ms") {
        return ms
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|e| format!("{text:?}: {e}"));
    }
    let secs = text.strip_suffix('s').unwrap_or(text).trim();
    match secs.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => {
            Ok(Duration::from_millis((s * 1000.0).round() as u64))
        }
        _ => Err(format!("{text:?} is not a duration (600, 1.5 or 4500ms)")),
    }
}

impl PollArgs {
    /// The core's poll options (its defaults where no flag is given), the deadline counted from `now`.
    pub fn options(&self, now: Timestamp) -> PollOptions {
        let defaults = PollOptions::default();
        PollOptions {
            initial_interval: self
                .interval_ms
                .map_or(defaults.initial_interval, Duration::from_millis),
            max_interval: self
                .max_interval_ms
                .map_or(defaults.max_interval, Duration::from_millis),
            deadline: Some(
                now.add(
                    self.deadline_ms
                        .map(Duration::from_millis)
                        .or(self.timeout_after)
                        .unwrap_or(DEFAULT_FLOW_DEADLINE),
                ),
            ),
            jitter_seed: match (self.jitter_seed, self.no_jitter) {
                (Some(seed), _) => u64::from_ne_bytes(seed.to_ne_bytes()),
                (None, true) => 0,
                (None, false) => u64::from(std::process::id()) | 1,
            },
        }
    }
}

/// `mca attestation …`.
#[derive(Subcommand)]
pub enum AttestationCommand {
    /// Start a partner attestation; prints the agreement link to send to the signer.
    #[command(
        after_help = "Examples:\n  mca attestation start --org <GUID> --input start.json\n  mca attestation start --org <GUID> --first-name Ada --last-name Lovelace \\\n      --email ada@example.com --phone '+46 70 123 45 67' --country SE --acceptance-date now"
    )]
    Start {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        body: StartArgs,
    },
    /// Show the ongoing attestation (none is not an error).
    #[command(after_help = "Example:\n  mca attestation get --org <GUID> --json")]
    Get {
        #[command(flatten)]
        org: OrgArg,
    },
    /// Finalize an attestation the signer accepted (status 2).
    #[command(after_help = "Example:\n  mca attestation finalize --org <GUID>")]
    Finalize {
        #[command(flatten)]
        org: OrgArg,
    },
    /// Poll until the signer accepted (status 2) or the link expired.
    #[command(after_help = "Example:\n  mca attestation wait --org <GUID> --timeout-after 600")]
    Wait {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        poll: PollArgs,
    },
    /// Make sure the customer accepted: reuse or start an attestation, wait, finalize, confirm.
    #[command(
        after_help = "Examples:\n  mca attestation ensure --org <GUID> --input start.json --evidence-out evidence.json\n  mca attestation ensure --org <GUID> --input start.json --no-wait   # start or reuse, print the link"
    )]
    Ensure {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        body: StartArgs,
        #[command(flatten)]
        poll: PollArgs,
        /// Return once the attestation exists instead of waiting for the signer.
        #[arg(long)]
        no_wait: bool,
        /// Wait for the signer (the core's `wait`, default true); `--wait false` is --no-wait.
        #[arg(long, value_name = "BOOL", conflicts_with = "no_wait")]
        wait: Option<bool>,
        /// Write the acceptance evidence (JSON) to this file.
        #[arg(long, value_name = "FILE")]
        evidence_out: Option<PathBuf>,
        /// Reads of the acceptance state after finalize before settling for `finalized`
        /// [default: the core's, 5].
        #[arg(long, value_name = "N")]
        confirm_attempts: Option<u32>,
    },
}

/// `mca acceptance …`.
#[derive(Subcommand)]
pub enum AcceptanceCommand {
    /// Show whether the customer accepted the MCA, and how.
    #[command(after_help = "Example:\n  mca acceptance get --org <GUID>")]
    Get {
        #[command(flatten)]
        org: OrgArg,
    },
    /// Ask for a re-sync of the acceptance state (a sync already running is not an error).
    #[command(after_help = "Example:\n  mca acceptance refresh --org <GUID>")]
    Refresh {
        #[command(flatten)]
        org: OrgArg,
    },
}

/// `mca csp …`.
#[derive(Subcommand)]
pub enum CspCommand {
    /// Add the CSP service; with --automatic (or a partnerAttestation in the file) the attestation is automatic.
    #[command(
        after_help = "Examples:\n  mca csp add --org <GUID> --input csp.json\n  mca csp add --org <GUID> --currency SEK --contact-email it@example.com --domain-prefix contoso \\\n      --automatic --first-name Ada --last-name Lovelace --email ada@example.com \\\n      --phone '+46 70 123 45 67' --country SE --acceptance-date now"
    )]
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        body: CspArgs,
    },
}

/// Which body `validate` checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BodyKind {
    /// Start partner attestation.
    StartAttestation,
    /// Add CSP service.
    AddCspService,
}

/// Options of `mca validate`.
#[derive(Args)]
pub struct ValidateArgs {
    /// JSON file to check (`-` reads stdin).
    pub file: PathBuf,
    /// Body kind (default: detected — currencyCode, domainPrefix or partnerAttestation mean add-csp-service).
    #[arg(long, value_enum)]
    pub kind: Option<BodyKind>,
    /// Check acceptanceDate against this instant (RFC 3339) instead of the clock, e.g. the time the
    /// body will be sent.
    #[arg(long, value_name = "WHEN")]
    pub now: Option<String>,
}

/// Options of `mca token`.
#[derive(Args)]
pub struct TokenArgs {
    /// Print the access token itself: alone (for `export MCA_TOKEN=$(mca token --reveal)`), or
    /// in full with --json.
    #[arg(long)]
    pub reveal: bool,
}

/// Prints a flow event as a progress line on stderr.
pub fn progress_line(event: &FlowEvent) -> String {
    match event {
        FlowEvent::AcceptanceChecked { accepted: true } => {
            "acceptance check: the customer has accepted already".into()
        }
        FlowEvent::AcceptanceChecked { accepted: false } => {
            "acceptance check: not accepted yet".into()
        }
        FlowEvent::AttestationStarted {
            attestation_id,
            agreement_link,
            expires_at,
        } => format!(
            "attestation started: {attestation_id}\n  send this agreement link to the signer: {agreement_link}\n  (expires {expires_at}); waiting for the signature…"
        ),
        FlowEvent::AttestationReused {
            attestation_id,
            agreement_link,
            status,
            ..
        } => format!(
            "reusing the ongoing attestation {attestation_id} ({})\n  agreement link: {agreement_link}",
            output::status_name(*status)
        ),
        FlowEvent::Signed { attestation_id } => format!("signed: {attestation_id}"),
        FlowEvent::Finalized { attestation_id } => format!("finalized: {attestation_id}"),
        FlowEvent::Confirmed { accepted_via } => {
            format!("acceptance confirmed: accepted via {}", accepted_via.join(", "))
        }
    }
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json_file<T: serde::Serialize>(
    path: &std::path::Path,
    value: &T,
) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::other(format!("cannot serialise: {e}")))?;
    std::fs::write(path, text + "\n")
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))
}

/// `mca attestation …`.
pub async fn attestation(ctx: &Context, command: AttestationCommand) -> Result<(), Failure> {
    let (session, net) = ctx.connect()?;
    match command {
        AttestationCommand::Start { org, body } => {
            let org = input::org(&org.org)?;
            let body: StartAttestation = body.body()?;
            let started = session.start_attestation(&net, &org, body).await?;
            if ctx.json {
                output::json(&started);
            } else {
                output::started(&started);
            }
        }
        AttestationCommand::Get { org } => {
            let org = input::org(&org.org)?;
            let found = session.get_attestation(&net, &org).await?;
            match (&found, ctx.json) {
                (_, true) => output::json(&found),
                (Some(a), false) => output::attestation(a, mca_attestation::Platform::now(&net)),
                (None, false) => println!("no attestation for {org}"),
            }
        }
        AttestationCommand::Finalize { org } => {
            let org = input::org(&org.org)?;
            session.finalize_attestation(&net, &org).await?;
            if ctx.json {
                output::json(&json!({"finalized": true, "organizationId": org.as_str()}));
            } else {
                println!("finalized the attestation of {org}");
            }
        }
        AttestationCommand::Wait { org, poll } => {
            let org = input::org(&org.org)?;
            let outcome = session
                .wait_for_signature(
                    &net,
                    &org,
                    poll.options(mca_attestation::Platform::now(&net)),
                )
                .await?;
            if ctx.json {
                output::json(&outcome);
            } else {
                output::wait(&outcome);
            }
        }
        AttestationCommand::Ensure {
            org,
            body,
            poll,
            no_wait,
            wait,
            evidence_out,
            confirm_attempts,
        } => {
            let org = input::org(&org.org)?;
            let body = body.body()?;
            let net = net.with_hook(Arc::new(|e: &FlowEvent| eprintln!("{}", progress_line(e))));
            let options = EnsureOptions {
                wait: wait.unwrap_or(!no_wait),
                poll: poll.options(mca_attestation::Platform::now(&net)),
                confirm_attempts: confirm_attempts
                    .unwrap_or(EnsureOptions::default().confirm_attempts),
            };
            let outcome = session.ensure_accepted(&net, &org, body, options).await?;
            if let (Some(path), Some(evidence)) = (&evidence_out, &outcome.evidence) {
                write_json_file(path, evidence)?;
                eprintln!("evidence written to {}", path.display());
            }
            if ctx.json {
                output::json(&outcome);
            } else {
                output::ensure(&outcome);
            }
        }
    }
    Ok(())
}

/// `mca acceptance …`.
pub async fn acceptance(ctx: &Context, command: AcceptanceCommand) -> Result<(), Failure> {
    let (session, net) = ctx.connect()?;
    match command {
        AcceptanceCommand::Get { org } => {
            let org = input::org(&org.org)?;
            let a = session.get_acceptance(&net, &org).await?;
            if ctx.json {
                output::json(&a);
            } else {
                output::acceptance(&a);
            }
        }
        AcceptanceCommand::Refresh { org } => {
            let org = input::org(&org.org)?;
            let r = session.refresh_acceptance(&net, &org).await?;
            if ctx.json {
                output::json(&r);
            } else {
                output::refresh(&r);
            }
        }
    }
    Ok(())
}

/// `mca csp …`.
pub async fn csp(ctx: &Context, command: CspCommand) -> Result<(), Failure> {
    let (session, net) = ctx.connect()?;
    match command {
        CspCommand::Add { org, body } => {
            let org = input::org(&org.org)?;
            let body: AddCspService = body.body()?;
            let added = session.add_csp_service(&net, &org, body).await?;
            if ctx.json {
                output::json(&added);
            } else {
                output::csp(&added);
            }
        }
    }
    Ok(())
}

fn detect(value: &Value) -> BodyKind {
    let csp = [
        "currencyCode",
        "domainPrefix",
        "partnerAttestation",
        "contactEmail",
    ];
    match value {
        Value::Object(map) if csp.iter().any(|k| map.contains_key(*k)) => BodyKind::AddCspService,
        _ => BodyKind::StartAttestation,
    }
}

fn as_body<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, McaError> {
    serde_json::from_value(value)
        .map_err(|e| McaError::invalid("", format!("the body does not fit: {e}")))
}

/// `mca validate FILE`: client-side checks only; every violation with its pointer; exit 2 when invalid.
pub fn validate(ctx: &Context, args: ValidateArgs) -> Result<(), Failure> {
    let value: Value = input::read_json(&args.file)?;
    let kind = args.kind.unwrap_or_else(|| detect(&value));
    let now = match &args.now {
        // The core's rule for a caller's clock: a bad one is a `config` error, never a default.
        Some(text) => mca_attestation::validate::now(text)?,
        None => Timestamp::from_system_time(SystemTime::now()),
    };
    let (name, verdict) = match kind {
        BodyKind::StartAttestation => (
            "start_attestation",
            as_body::<StartAttestation>(value)
                .and_then(|b| rules::start_attestation(&b, now))
                .and_then(|b| serde_json::to_value(b).map_err(|e| McaError::config(e.to_string()))),
        ),
        BodyKind::AddCspService => (
            "add_csp_service",
            as_body::<AddCspService>(value)
                .and_then(|b| rules::add_csp_service(&b, now))
                .and_then(|b| serde_json::to_value(b).map_err(|e| McaError::config(e.to_string()))),
        ),
    };
    match verdict {
        Ok(normalized) => {
            if ctx.json {
                output::json(&json!({"valid": true, "kind": name, "normalized": normalized}));
            } else {
                println!("valid {name} body; it would be sent as:");
                println!(
                    "{}",
                    serde_json::to_string_pretty(&normalized).unwrap_or_default()
                );
            }
            Ok(())
        }
        Err(error @ McaError::Invalid { .. }) => {
            let violations = error.violations();
            if ctx.json {
                output::json(&json!({"valid": false, "kind": name, "violations": violations}));
            } else {
                println!(
                    "invalid {name} body: {} violation{}",
                    violations.len(),
                    if violations.len() == 1 { "" } else { "s" }
                );
                for v in &violations {
                    println!("  {}: {}", display_pointer(v.pointer.as_deref()), v.detail);
                }
            }
            Err(Failure::Silent(crate::exit::INVALID))
        }
        Err(other) => Err(other.into()),
    }
}

/// `mca token`: fetches a token; the secret itself only with `--reveal`.
pub async fn token(ctx: &Context, args: TokenArgs) -> Result<(), Failure> {
    let (session, net) = ctx.connect()?;
    let token = session.token(&net).await?;
    if ctx.json && args.reveal {
        output::json(&token);
    } else if ctx.json {
        output::json(&json!({
            "accessToken": output::redact(&token.access_token),
            "tokenType": token.token_type,
            "expiresAt": token.expires_at,
            "scope": token.scope,
        }));
    } else {
        output::token(&token, args.reveal);
    }
    Ok(())
}

/// `mca config`: the configuration as resolved from flags, environment and file (secrets hidden).
pub fn show_config(ctx: &Context) -> Result<(), Failure> {
    let resolved = ctx.connection.resolve()?;
    let config = resolved.client_config()?;
    let auth = resolved.auth_summary();
    if ctx.json {
        output::json(&json!({
            "baseUrl": config.base_url.as_str(),
            "tokenUrl": config.token_url,
            "resellerId": config.reseller_id.as_str(),
            "auth": auth,
            "userAgent": config.user_agent(),
        }));
    } else {
        output::table(&[
            ("baseUrl", config.base_url.as_str().to_string()),
            ("tokenUrl", config.token_url.clone()),
            ("resellerId", config.reseller_id.to_string()),
            ("auth", auth),
            ("userAgent", config.user_agent()),
        ]);
    }
    Ok(())
}
