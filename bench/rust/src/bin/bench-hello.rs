//! The baseline server of the throughput benchmark: axum's hello-world (`GET /` → `Hello, World!`)
//! on the same runtime settings as the sandbox (tokio multi-thread). Binds 127.0.0.1 on a free port
//! and prints `bench-hello listening on http://127.0.0.1:PORT`, flushed; stops on SIGINT/SIGTERM.

use std::io::Write;

use axum::{routing::get, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/", get(|| async { "Hello, World!" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut out = std::io::stdout();
    writeln!(out, "bench-hello listening on http://{addr}")?;
    out.flush()?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
