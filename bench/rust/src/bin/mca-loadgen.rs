//! A small HTTP/1.1 load generator (the `wrk` of `bench/run.sh` where wrk is not installed):
//! N keep-alive connections, each sending one GET at a time for a fixed duration after a warm-up.
//! Every response must be `200` with a `Content-Length` body; anything else counts as an error and
//! makes the exit status 1.
//!
//! ```text
//! mca-loadgen URL [--connections 32] [--seconds 5] [--warmup 1] [--header 'Name: value']...
//! ```
//! Prints one JSON line: `{"requests", "errors", "seconds", "rps", "p50_ms", "p99_ms", "max_ms"}`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    host: String,
    path: String,
    connections: usize,
    seconds: f64,
    warmup: f64,
    headers: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut url = None;
    let mut connections = 32;
    let mut seconds = 5.0;
    let mut warmup = 1.0;
    let mut headers = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--connections" => connections = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--warmup" => warmup = value()?.parse().map_err(|e| format!("{e}"))?,
            "--header" => headers.push(value()?),
            _ if url.is_none() => url = Some(a),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    let url = url.ok_or(
        "usage: mca-loadgen URL [--connections N] [--seconds S] [--warmup S] [--header H]",
    )?;
    let rest = url.strip_prefix("http://").ok_or("only http:// URLs")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(rest), rest.get(i..).unwrap_or("/")),
        None => (rest, "/"),
    };
    Ok(Args {
        host: host.to_string(),
        path: path.to_string(),
        connections: connections.max(1),
        seconds,
        warmup,
        headers,
    })
}

/// Position of the end of the header block (`\r\n\r\n`), if complete.
fn header_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// Status code and `Content-Length` of a header block.
fn status_and_length(head: &[u8]) -> Option<(u16, usize)> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let length = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })?;
    Some((status, length))
}

/// One connection's loop; returns the latencies (µs) measured after `measure_from` and the error count.
async fn connection(
    host: String,
    request: Vec<u8>,
    measure_from: Instant,
    until: Instant,
) -> std::io::Result<(Vec<u32>, u64)> {
    let mut stream = TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 8192];
    let mut latencies = Vec::new();
    let mut errors = 0u64;
    while Instant::now() < until {
        let t0 = Instant::now();
        stream.write_all(&request).await?;
        buf.clear();
        let (status, total) = loop {
            if let Some(end) = header_end(&buf) {
                match status_and_length(buf.get(..end).unwrap_or_default()) {
                    Some((status, length)) => break (status, end.saturating_add(length)),
                    None => return Err(std::io::Error::other("response without Content-Length")),
                }
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::Error::other("connection closed"));
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        };
        while buf.len() < total {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::Error::other("connection closed mid-body"));
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
        if t0 >= measure_from {
            if status == 200 {
                let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
                latencies.push(us);
            } else {
                errors = errors.saturating_add(1);
            }
        }
    }
    Ok((latencies, errors))
}

fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let last = sorted.len().saturating_sub(1);
    let i = ((last as f64) * p).round() as usize;
    f64::from(sorted.get(i.min(last)).copied().unwrap_or(0)) / 1000.0
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("mca-loadgen: {e}");
            std::process::exit(2);
        }
    };
    let mut request = format!("GET {} HTTP/1.1\r\nHost: {}\r\n", args.path, args.host);
    for h in &args.headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(args.warmup.max(0.0));
    let until = measure_from + Duration::from_secs_f64(args.seconds.max(0.01));
    let tasks: Vec<_> = (0..args.connections)
        .map(|_| {
            tokio::spawn(connection(
                args.host.clone(),
                request.clone().into_bytes(),
                measure_from,
                until,
            ))
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0u64;
    for t in tasks {
        match t.await {
            Ok(Ok((lat, err))) => {
                all.extend(lat);
                errors = errors.saturating_add(err);
            }
            Ok(Err(e)) => {
                eprintln!("mca-loadgen: connection failed: {e}");
                errors = errors.saturating_add(1);
            }
            Err(e) => {
                eprintln!("mca-loadgen: task failed: {e}");
                errors = errors.saturating_add(1);
            }
        }
    }
    let seconds = until.saturating_duration_since(measure_from).as_secs_f64();
    all.sort_unstable();
    println!(
        "{{\"requests\": {}, \"errors\": {}, \"seconds\": {:.3}, \"rps\": {:.1}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}}}",
        all.len(),
        errors,
        seconds,
        all.len() as f64 / seconds,
        percentile_ms(&all, 0.50),
        percentile_ms(&all, 0.99),
        percentile_ms(&all, 1.0),
    );
    if errors > 0 || all.is_empty() {
        std::process::exit(1);
    }
}
