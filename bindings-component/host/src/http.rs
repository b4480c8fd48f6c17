//! [`NetHost`]: a [`Host`] on the real network and clock — a blocking HTTP/1.0 client for
//! `http://` URLs (enough for the sandbox on 127.0.0.1; no TLS), `thread::sleep` and the system
//! clock. Flow events are kept in [`NetHost::events`].

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{wit, Host};

/// A host on the network (plain HTTP only).
#[derive(Default)]
pub struct NetHost {
    /// Flow events received, shared with the caller.
    pub events: Rc<RefCell<Vec<wit::FlowEvent>>>,
    /// Requests sent (method and URL), shared with the caller.
    pub sent: Rc<RefCell<Vec<String>>>,
}

/// Sends `r` once and reads the whole response (the connection closes after it).
pub fn exchange(r: &wit::HttpRequest) -> Result<wit::HttpResponse, String> {
    let rest = r
        .url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// URLs: {}", r.url))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let timeout = Duration::from_millis(r.timeout_ms.max(1));
    let addr = authority
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let body = r.body.as_deref().unwrap_or("");
    let mut head = format!("{} {path} HTTP/1.0\r\nHost: {authority}\r\n", r.method);
    for h in &r.headers {
        head.push_str(&format!("{}: {}\r\n", h.name, h.value));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("incomplete response")?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| wit::Header {
            name: n.trim().to_string(),
            value: v.trim().to_string(),
        })
        .collect();
    Ok(wit::HttpResponse {
        status,
        headers,
        body: body.to_string(),
    })
}

impl Host for NetHost {
    fn send(&mut self, request: wit::HttpRequest) -> Result<wit::HttpResponse, wit::SendError> {
        self.sent
            .borrow_mut()
            .push(format!("{} {}", request.method, request.url));
        exchange(&request).map_err(wit::SendError::Transport)
    }

    fn sleep(&mut self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }

    fn now(&mut self) -> i64 {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    }

    fn event(&mut self, event: wit::FlowEvent) {
        self.events.borrow_mut().push(event);
    }
}
