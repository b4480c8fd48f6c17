//! Sandbox server of the Cloudmore MCA Partner Attestation API.
//!
//! It imitates the six API operations (start, get, finalize attestation; get and refresh acceptance;
//! add the CSP service), the IdentityServer-style token endpoint, the agreement page a signer opens, and
//! adds admin endpoints (`/_sandbox/...`) that let tests sign, expire, inject faults and count requests.
//! The server-side checks are written from the API guide and are independent of the client validator in
//! the `mca-attestation` crate, so the two can be tested against each other.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let handle = mca_sandbox::spawn(mca_sandbox::SandboxConfig::default()).await?;
//! println!("{}", handle.url());
//! handle.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod api;
mod fault;
mod http;
mod pages;
mod state;
mod token;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::routing::{any, get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;

pub use state::AppState;

/// Configuration of one sandbox server.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to bind (default 127.0.0.1).
    pub host: IpAddr,
    /// Port to bind; 0 picks a free port (default 0).
    pub port: u16,
    /// Lifetime of an attestation (its agreement link), counted from the start (default 3600 s).
    pub link_ttl: Duration,
    /// How long an acceptance refresh ("sync") runs; refreshes during it get 429 (default 5 s).
    pub sync_duration: Duration,
    /// Lifetime of an access token issued by `/connect/token` (default 3600 s).
    pub token_ttl: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            link_ttl: Duration::from_secs(3600),
            sync_duration: Duration::from_secs(5),
            token_ttl: Duration::from_secs(3600),
        }
    }
}

/// A running sandbox server. Dropping it stops the server too (without waiting).
#[derive(Debug)]
pub struct SandboxHandle {
    url: String,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// Base URL of the server, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The socket address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 s) and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Builds the axum router of the whole sandbox (API, token endpoint, agreement pages, admin, CORS).
///
/// A router served by something other than [`spawn`] answers the `drop` fault with a plain 500
/// without body instead of closing the connection.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/connect/token", post(token::token))
        .route("/agreements/{id}", get(pages::agreement_page))
        .route("/agreements/{id}/accept", post(pages::accept))
        .route("/_sandbox/reset", post(admin::reset))
        .route(
            "/_sandbox/faults",
            get(admin::list_faults)
                .post(admin::add_fault)
                .delete(admin::clear_faults),
        )
        .route("/_sandbox/trap", any(admin::trap))
        .route(
            "/_sandbox/trap-hits",
            get(admin::trap_hits).delete(admin::clear_trap_hits),
        )
        .route("/_sandbox/orgs/{org}/sign", post(admin::sign))
        .route(
            "/_sandbox/orgs/{org}/direct-acceptance",
            post(admin::direct_acceptance),
        )
        .route("/_sandbox/orgs/{org}/expire", post(admin::expire))
        .route("/_sandbox/orgs/{org}/requests", get(admin::requests))
        .route("/api", any(api::dispatch))
        .route("/api/{*rest}", any(api::dispatch))
        .fallback(http::not_found)
        .method_not_allowed_fallback(http::method_not_allowed)
        .layer(axum::middleware::from_fn(http::cors))
        .with_state(state)
}

/// Binds the configured address and serves the sandbox on the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let state = Arc::new(AppState::new(config, url.clone()));
    let app = router(state);
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(serve(listener, app, stopped));
    Ok(SandboxHandle {
        url,
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Error a connection's service returns so that hyper closes the connection without an answer.
#[derive(Debug)]
struct DroppedByFault;

impl std::fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedByFault {}

async fn serve(listener: TcpListener, app: Router, mut stopped: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let app = app.clone();
                    async move {
                        // Run each request in its own task, so that a client giving up (timeout)
                        // does not cancel the work: like a real server, the state change happens.
                        let task = tokio::spawn(app.oneshot(req.map(Body::new)));
                        let response = match task.await {
                            Ok(Ok(response)) => response,
                            Ok(Err(never)) => match never {},
                            Err(_) => return Err(DroppedByFault),
                        };
                        if response.extensions().get::<fault::DropConnection>().is_some() {
                            Err(DroppedByFault)
                        } else {
                            Ok(response)
                        }
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut stopped => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
