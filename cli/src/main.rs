//! The `mca` command: Microsoft Customer Agreement partner attestation from the terminal, over the
//! `mca-attestation` core (which holds every rule, retry and parser) with reqwest for HTTP.
//!
//! `mca demo` walks through the whole attestation against an embedded sandbox; the other commands
//! call the API one operation at a time, validate bodies offline, or report on many organisations.

// Errors carry the core's `Error` (with its problem details) by value, as the core does.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

mod bulk;
mod commands;
mod config;
mod demo;
mod ensure;
mod exit;
mod html;
mod input;
mod output;
mod platform;
mod report;

use std::net::IpAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Connection;
use crate::exit::Failure;

const AFTER_HELP: &str = "\
Configuration: flags, then environment variables (MCA_BASE_URL, MCA_RESELLER_ID, MCA_TOKEN or
MCA_USERNAME/MCA_PASSWORD, MCA_CLIENT_ID/MCA_CLIENT_SECRET), then a TOML file (--config).

Exit codes: 0 ok, 2 invalid input or configuration, 3 API error, 4 authentication/authorisation,
5 transport/timeout/unreadable response, 6 deadline, 7 --fail-on matched (report, ensure),
1 other local failure.

Examples:
  mca demo                                   # the whole story against an embedded sandbox
  mca sandbox --port 8080                    # a local API for scripts and other languages
  mca acceptance get --org 3f2504e0-4f89-11d3-9a0c-0305e82c3301
  mca attestation ensure --org <GUID> --input start.json
  mca validate start.json
  mca report --orgs orgs.csv --out report.csv --concurrency 16 --html report.html
  mca ensure --orgs signers.csv --out ensure.csv --fail-on not-accepted,error";

/// MCA partner attestation from the terminal.
#[derive(Parser)]
#[command(name = "mca", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Print results as JSON (for scripts) instead of tables.
    #[arg(long, global = true, help_heading = config::GLOBAL_OPTIONS)]
    json: bool,
    /// Log each HTTP request and response status on stderr (never headers or bodies).
    #[arg(long, short, global = true, help_heading = config::GLOBAL_OPTIONS)]
    verbose: bool,
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Walk through the whole attestation (manual, then automatic) against an embedded sandbox.
    #[command(after_help = demo::AFTER_HELP)]
    Demo(demo::DemoArgs),
    /// Run the sandbox API server in the foreground until Ctrl-C.
    #[command(
        after_help = "Examples:\n  mca sandbox --port 0            # prints `mca-sandbox listening on http://127.0.0.1:PORT`\n  mca sandbox --port 8080 --link-ttl 60 --sync-seconds 1\n\nCredentials: username/password `sandbox`/`sandbox` (client id/secret `sandbox`/`sandbox`, optional)."
    )]
    Sandbox(SandboxArgs),
    /// Start, read, finalize, wait for or ensure a partner attestation.
    #[command(subcommand)]
    Attestation(commands::AttestationCommand),
    /// Read or refresh a customer's acceptance state.
    #[command(subcommand)]
    Acceptance(commands::AcceptanceCommand),
    /// Add the CSP service (optionally with an automatic partner attestation).
    #[command(subcommand)]
    Csp(commands::CspCommand),
    /// Check a request body offline with the client-side rules; exit 2 when invalid.
    #[command(
        after_help = "Examples:\n  mca validate start.json              # a Start partner attestation body\n  mca validate csp.json                # an Add CSP service body (detected by its members)\n  mca validate --kind add-csp-service body.json\n  cat body.json | mca validate -"
    )]
    Validate(commands::ValidateArgs),
    /// Fetch an access token with the configured credentials (shown redacted unless --reveal).
    #[command(
        after_help = "Examples:\n  MCA_USERNAME=u MCA_PASSWORD=p mca token --base-url https://api.example.com --reseller-id <GUID>\n  export MCA_TOKEN=$(mca token --reveal)"
    )]
    Token(commands::TokenArgs),
    /// Show the configuration as resolved from flags, environment and --config (secrets hidden).
    #[command(after_help = "Examples:\n  mca config\n  mca config --config mca.toml --json")]
    Config,
    /// Acceptance state of many organisations, as CSV or JSON.
    #[command(after_help = report::AFTER_HELP)]
    Report(report::ReportArgs),
    /// Bring many organisations to "accepted": start, reuse or finalize attestations (never twice).
    #[command(after_help = ensure::AFTER_HELP)]
    Ensure(ensure::EnsureArgs),
}

/// Options of `mca sandbox`.
#[derive(clap::Args)]
struct SandboxArgs {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to bind (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Lifetime of an agreement link, in seconds.
    #[arg(long, default_value_t = 3600)]
    link_ttl: u64,
    /// How long an acceptance refresh runs, in seconds.
    #[arg(long, default_value_t = 5)]
    sync_seconds: u64,
    /// Lifetime of an access token, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn sandbox(args: SandboxArgs) -> Result<(), Failure> {
    use std::io::Write;
    use std::time::Duration;
    let config = mca_sandbox::SandboxConfig {
        host: args.host,
        port: args.port,
        link_ttl: Duration::from_secs(args.link_ttl),
        sync_duration: Duration::from_secs(args.sync_seconds),
        token_ttl: Duration::from_secs(args.token_ttl),
    };
    let handle = mca_sandbox::spawn(config)
        .await
        .map_err(|e| Failure::other(format!("the sandbox cannot listen: {e}")))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "mca-sandbox listening on {}", handle.url());
        let _ = out.flush();
    }
    stop_signal().await;
    handle.shutdown().await;
    Ok(())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let ctx = commands::Context {
        json: cli.json,
        verbose: cli.verbose,
        connection: cli.connection,
    };
    match cli.command {
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Sandbox(args) => sandbox(args).await,
        Command::Attestation(c) => commands::attestation(&ctx, c).await,
        Command::Acceptance(c) => commands::acceptance(&ctx, c).await,
        Command::Csp(c) => commands::csp(&ctx, c).await,
        Command::Validate(args) => commands::validate(&ctx, args),
        Command::Token(args) => commands::token(&ctx, args).await,
        Command::Report(args) => report::run(&ctx, args).await,
        Command::Ensure(args) => ensure::run(&ctx, args).await,
        Command::Config => commands::show_config(&ctx),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            failure.report(json);
            ExitCode::from(failure.code())
        }
    }
}
