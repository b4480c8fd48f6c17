//! `mca demo`: the whole story, step by step. With no configuration it spawns the sandbox in this
//! process on a free loopback port and plays the signer too (it opens the agreement page and
//! presses Accept); with `--base-url` etc. it runs against a real endpoint, where a real signer must
//! accept through the link.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use mca_attestation::{
    AddCspService, Auth, ClientAuth, ClientConfig, Credentials, EnsureOptions, EnsureStatus,
    FlowEvent, OrganizationId, PartnerAttestation, PollOptions, Session, StartAttestation,
    Timestamp,
};

use crate::commands::{write_json_file, Context};
use crate::exit::Failure;
use crate::input::{self, read_json, StartArgs};
use crate::output;
use crate::platform::{describe, Net};

/// Help text after the options.
pub const AFTER_HELP: &str = "\
With no configuration the demo starts the sandbox inside this process on a free loopback port
(short timers), plays the customer's signer (it opens the agreement page and presses Accept, as a
person would) and finishes in a few seconds. The evidence JSON of both flows is written to
--evidence-dir (default ./mca-evidence/, as for `mca ensure`), one <organizationId>.json each.

With --base-url/--reseller-id and credentials (flags, MCA_* variables or --config) it runs the same
manual flow against that API for --org: nobody signs for you there — send the printed link to the
real signer, who must accept within --wait-minutes. The automatic flow then runs only when both
--csp-org and --csp-input are given (it adds a real CSP service).

Examples:
  mca demo
  mca demo --evidence-dir /tmp/evidence
  mca demo --base-url https://api.example.com --reseller-id <GUID> --org <GUID> --input start.json";

/// Options of `mca demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Directory for the evidence JSON of both flows, one <organizationId>.json each (created when
    /// missing).
    #[arg(long, value_name = "DIR", default_value = "mca-evidence")]
    evidence_dir: PathBuf,
    /// Organisation of the manual flow (default: a new random one; required with a real endpoint).
    #[arg(long, value_name = "GUID")]
    org: Option<String>,
    /// Organisation of the automatic flow (default: a new random one in the sandbox).
    #[arg(long, value_name = "GUID")]
    csp_org: Option<String>,
    /// Add CSP service body for the automatic flow on a real endpoint (JSON, with partnerAttestation).
    #[arg(long, value_name = "FILE")]
    csp_input: Option<PathBuf>,
    /// Use the embedded sandbox even when a base URL is configured.
    #[arg(long)]
    sandbox: bool,
    /// How long to wait for a real signer, in minutes.
    #[arg(long, default_value_t = 15, value_name = "MINUTES")]
    wait_minutes: u64,
    #[command(flatten)]
    start: StartArgs,
}

/// Numbered step lines, shared with the event hook.
#[derive(Clone)]
struct Steps(Arc<AtomicUsize>);

impl Steps {
    fn say(&self, text: &str) {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let mut lines = text.lines();
        println!("[{n}] {}", lines.next().unwrap_or_default());
        for line in lines {
            println!("    {line}");
        }
    }
}

fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// The demo's signer and agreement details, where the caller gave none.
fn start_body(args: &StartArgs) -> Result<StartAttestation, Failure> {
    let mut body = args.body()?;
    let defaults = [
        (&mut body.signer.first_name, "Ada"),
        (&mut body.signer.last_name, "Lovelace"),
        (&mut body.signer.email_address, "ada.lovelace@example.com"),
        (&mut body.signer.phone_number, "+46 70 123 45 67"),
        (&mut body.country, "SE"),
    ];
    for (field, default) in defaults {
        if field.is_empty() {
            *field = default.to_string();
        }
    }
    if body.acceptance_date.is_empty() {
        body.acceptance_date = now().to_rfc3339();
    }
    if body.language.is_none() {
        body.language = Some("en-US".into());
    }
    Ok(body)
}

/// What a person does on the agreement page: open it and submit its Accept form.
async fn press_accept(client: reqwest::Client, link: String) -> Result<(), String> {
    let page = client
        .get(&link)
        .send()
        .await
        .map_err(|e| describe(&e))?
        .text()
        .await
        .map_err(|e| describe(&e))?;
    let form = page
        .find("<form")
        .map(|i| &page[i..])
        .ok_or("the agreement page has no form")?;
    let action = form
        .split_once("action=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(action, _)| action.to_string())
        .ok_or("the agreement form has no action")?;
    let target = if action.starts_with("http://") || action.starts_with("https://") {
        action
    } else {
        let origin_end = link
            .find("://")
            .and_then(|i| link[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(link.len());
        format!("{}{}", &link[..origin_end], action)
    };
    let response = client
        .post(&target)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .map_err(|e| describe(&e))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the Accept form answered {}", response.status()))
    }
}

struct Target {
    session: Session,
    net: Net,
    sandbox: Option<mca_sandbox::SandboxHandle>,
    label: String,
    org: OrganizationId,
    csp_org: Option<OrganizationId>,
    poll: PollOptions,
}

async fn target(ctx: &Context, args: &DemoArgs) -> Result<Target, Failure> {
    let resolved = ctx.connection.resolve()?;
    let use_sandbox = args.sandbox || resolved.base_url.is_none();
    let random_org = || OrganizationId::parse(&uuid::Uuid::new_v4().to_string());
    let org = match &args.org {
        Some(text) => input::org(text)?,
        None if use_sandbox => random_org()?,
        None => {
            return Err(mca_attestation::McaError::config(
                "with a real endpoint, give the customer's --org (and the signer's details)",
            )
            .into())
        }
    };
    let csp_org = match &args.csp_org {
        Some(text) => Some(input::org(text)?),
        None if use_sandbox => Some(random_org()?),
        None => None,
    };
    if use_sandbox {
        let config = mca_sandbox::SandboxConfig {
            link_ttl: Duration::from_secs(600),
            sync_duration: Duration::from_secs(1),
            ..mca_sandbox::SandboxConfig::default()
        };
        let handle = mca_sandbox::spawn(config)
            .await
            .map_err(|e| Failure::other(format!("cannot start the embedded sandbox: {e}")))?;
        let reseller = uuid::Uuid::new_v4().to_string();
        let config = ClientConfig::new(&handle.url(), &reseller, "cli")?;
        let auth = Auth::Password(Credentials {
            username: "sandbox".into(),
            password: "sandbox".into(),
            client_id: Some("sandbox".into()),
            client_secret: Some("sandbox".into()),
            client_auth: Some(ClientAuth::Basic),
            scope: None,
        });
        let label = format!("{} (embedded sandbox)", handle.url());
        Ok(Target {
            session: Session::new(config, auth),
            net: Net::new(Duration::from_secs(10), ctx.verbose)?,
            sandbox: Some(handle),
            label,
            org,
            csp_org,
            poll: PollOptions {
                initial_interval: Duration::from_millis(200),
                max_interval: Duration::from_secs(1),
                deadline: Some(now().add(Duration::from_secs(60))),
                jitter_seed: 0,
            },
        })
    } else {
        let session = resolved.session()?;
        let label = session.config().base_url.as_str().to_string();
        Ok(Target {
            session,
            net: Net::new(resolved.timeout, ctx.verbose)?,
            sandbox: None,
            label,
            org,
            csp_org,
            poll: PollOptions {
                deadline: Some(now().add(Duration::from_secs(args.wait_minutes.max(1) * 60))),
                jitter_seed: u64::from(std::process::id()) | 1,
                ..PollOptions::default()
            },
        })
    }
}

/// Writes `evidence` to `<dir>/<org>.json`, creating the directory; the path written.
fn write_evidence<T: serde::Serialize>(
    dir: &Path,
    org: &OrganizationId,
    evidence: &T,
) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::other(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(format!("{org}.json"));
    write_json_file(&path, evidence)?;
    Ok(path)
}

/// `mca demo`.
pub async fn run(ctx: &Context, args: DemoArgs) -> Result<(), Failure> {
    let clock = Instant::now();
    let body = start_body(&args.start)?;
    let t = target(ctx, &args).await?;
    let result = walk(&t, &args, body).await;
    if let Some(handle) = t.sandbox {
        handle.shutdown().await;
    }
    if result.is_ok() {
        println!("Done in {:.1} s.", clock.elapsed().as_secs_f64());
    }
    result
}

async fn walk(t: &Target, args: &DemoArgs, body: StartAttestation) -> Result<(), Failure> {
    let steps = Steps(Arc::new(AtomicUsize::new(0)));
    let simulated = t.sandbox.is_some();
    println!("MCA partner attestation demo");
    output::table(&[
        ("  API", t.label.clone()),
        ("  reseller", t.session.config().reseller_id.to_string()),
        ("  customer (manual flow)", t.org.to_string()),
        (
            "  customer (automatic flow)",
            t.csp_org
                .as_ref()
                .map(|o| o.to_string())
                .unwrap_or_else(|| "- (give --csp-org and --csp-input)".into()),
        ),
    ]);
    println!();

    let net = t.net.clone();
    if let Ok(token) = t.session.token(&net).await {
        steps.say(&format!(
            "Signed in: access token obtained (not shown), valid until {}",
            token.expires_at
        ));
    }

    let hook_steps = steps.clone();
    let client = net.client().clone();
    let wait_minutes = args.wait_minutes;
    let hook = Arc::new(move |event: &FlowEvent| {
        let signer_acts = |link: &str| {
            if simulated {
                hook_steps.say(
                    "The customer signs: the demo opens the agreement link and presses \"Accept\",\n\
                     as the signer would in a browser. Waiting for the signature…",
                );
                let client = client.clone();
                let link = link.to_string();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    if let Err(e) = press_accept(client, link).await {
                        eprintln!("the simulated signer could not accept: {e}");
                    }
                });
            } else {
                hook_steps.say(&format!(
                    "Send the agreement link to the signer. Waiting up to {wait_minutes} min for the signature…"
                ));
            }
        };
        match event {
            FlowEvent::AcceptanceChecked { accepted } => hook_steps.say(if *accepted {
                "Acceptance check: the customer has accepted the MCA already; nothing to start"
            } else {
                "Acceptance check: the customer has not accepted the MCA yet"
            }),
            FlowEvent::AttestationStarted {
                attestation_id,
                agreement_link,
                expires_at,
            } => {
                hook_steps.say(&format!(
                    "Attestation started: {attestation_id}\nAgreement link: {agreement_link}\nLink expires: {expires_at}"
                ));
                signer_acts(agreement_link);
            }
            FlowEvent::AttestationReused {
                attestation_id,
                agreement_link,
                status,
                ..
            } => {
                hook_steps.say(&format!(
                    "Attestation reused (one is ongoing): {attestation_id}, {}\nAgreement link: {agreement_link}",
                    output::status_name(*status)
                ));
                if *status != mca_attestation::AttestationStatus::PendingFinalization {
                    signer_acts(agreement_link);
                }
            }
            FlowEvent::Signed { .. } => {
                hook_steps.say("Signed: the attestation is pending finalization (status 2)")
            }
            FlowEvent::Finalized { .. } => hook_steps.say("Finalized: the attestation is complete"),
            FlowEvent::Confirmed { accepted_via } => hook_steps.say(&format!(
                "Acceptance confirmed: accepted via {}",
                accepted_via.join(", ")
            )),
        }
    });
    let options = EnsureOptions {
        wait: true,
        poll: t.poll.clone(),
        ..EnsureOptions::default()
    };
    let outcome = t
        .session
        .ensure_accepted(&net.clone().with_hook(hook), &t.org, body.clone(), options)
        .await?;
    match outcome.status {
        EnsureStatus::Accepted | EnsureStatus::Finalized | EnsureStatus::AlreadyAccepted => {}
        EnsureStatus::Expired => {
            return Err(Failure::Core(mca_attestation::McaError::Deadline {
                message: "the agreement link expired before the signer accepted".into(),
            }))
        }
        EnsureStatus::Pending => {
            return Err(Failure::Core(mca_attestation::McaError::Deadline {
                message: "the signer has not accepted yet".into(),
            }))
        }
    }
    if outcome.status == EnsureStatus::Finalized {
        steps.say("Finalized, but the acceptance state does not show it yet (Microsoft sync lags); check later with `mca acceptance get`");
    }
    if let Some(evidence) = &outcome.evidence {
        let path = write_evidence(&args.evidence_dir, &t.org, evidence)?;
        steps.say(&format!("Evidence written to {}", path.display()));
    }

    let Some(csp_org) = &t.csp_org else {
        return Ok(());
    };
    let csp_body = match (&args.csp_input, simulated) {
        (Some(path), _) => read_json::<AddCspService>(path)?,
        (None, true) => AddCspService {
            currency_code: "SEK".into(),
            contact_email: body.signer.email_address.clone(),
            contact_first_name: Some(body.signer.first_name.clone()),
            contact_last_name: Some(body.signer.last_name.clone()),
            domain_prefix: format!("demo{}", &csp_org.as_str()[..8]),
            partner_attestation: Some(PartnerAttestation {
                automatic_flow: true,
                signer: body.signer.clone(),
                language: body.language.clone(),
                country: body.country.clone(),
                acceptance_date: body.acceptance_date.clone(),
            }),
            ..AddCspService::default()
        },
        (None, false) => {
            println!("(automatic flow skipped: give --csp-input with the Add CSP service body)");
            return Ok(());
        }
    };
    steps.say(&format!(
        "Automatic flow: adding the CSP service to {csp_org} with partnerAttestation.automaticFlow = true\n(the partner collected the acceptance; Cloudmore accepts and finalizes on its own)"
    ));
    let added = t.session.add_csp_service(&net, csp_org, csp_body).await?;
    let acceptance = t.session.get_acceptance(&net, csp_org).await?;
    steps.say(&format!(
        "CSP service added (HTTP {}); acceptance {}: {}",
        added.status,
        if acceptance.accepted {
            "confirmed"
        } else {
            "not shown yet"
        },
        if acceptance.accepted_via.is_empty() {
            "-".to_string()
        } else {
            format!("accepted via {}", acceptance.accepted_via.join(", "))
        }
    ));
    if let Some(evidence) = &added.evidence {
        let path = write_evidence(&args.evidence_dir, csp_org, evidence)?;
        steps.say(&format!("Evidence written to {}", path.display()));
    }
    Ok(())
}
