//! `mca-sandbox`: runs the sandbox server until SIGINT or SIGTERM.

use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use clap::Parser;
use mca_sandbox::{spawn, SandboxConfig};

/// A local server that behaves like the Cloudmore MCA Partner Attestation API.
#[derive(Debug, Parser)]
#[command(name = "mca-sandbox", version)]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to bind (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Lifetime of an attestation's agreement link, in seconds.
    #[arg(long, default_value_t = 3600)]
    link_ttl: u64,
    /// How long an acceptance refresh ("sync") runs, in seconds.
    #[arg(long, default_value_t = 5)]
    sync_seconds: u64,
    /// Lifetime of an access token, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
}

/// Waits for SIGINT or SIGTERM. The handlers are installed when this is called (before the
/// returned future is polled), so a signal sent right after the "listening" line is not lost.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let streams = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        async move {
            match streams {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config = SandboxConfig {
        host: args.host,
        port: args.port,
        link_ttl: Duration::from_secs(args.link_ttl),
        sync_duration: Duration::from_secs(args.sync_seconds),
        token_ttl: Duration::from_secs(args.token_ttl),
    };
    let handle = match spawn(config).await {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("mca-sandbox: cannot listen: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let stop = stop_signal();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "mca-sandbox listening on {}", handle.url());
    let _ = out.flush();
    drop(out);
    stop.await;
    handle.shutdown().await;
    std::process::ExitCode::SUCCESS
}
