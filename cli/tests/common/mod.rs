//! Shared helpers: a sandbox served from the test process, the `mca` binary with a clean
//! environment pointed at it, and admin/API calls used to set up state.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use mca_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::Value;

/// The reseller every test uses (any GUID works with the sandbox).
pub const RESELLER: &str = "11111111-1111-4111-8111-111111111111";

/// A sandbox on a free loopback port, stopped on drop.
pub struct Sandbox {
    pub rt: tokio::runtime::Runtime,
    handle: Option<SandboxHandle>,
    pub url: String,
    client: reqwest::Client,
}

impl Sandbox {
    /// A sandbox with short sync time.
    pub fn start() -> Self {
        Self::with(SandboxConfig {
            sync_duration: Duration::from_secs(1),
            ..SandboxConfig::default()
        })
    }

    /// A sandbox with `config` (port 0 on 127.0.0.1 unless set).
    pub fn with(config: SandboxConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.block_on(mca_sandbox::spawn(config)).unwrap();
        let url = handle.url();
        Self {
            rt,
            handle: Some(handle),
            url,
            client: reqwest::Client::new(),
        }
    }

    /// `mca` with no MCA_* from the outside and the sandbox configured through the environment.
    pub fn mca(&self) -> assert_cmd::Command {
        let mut cmd = bare_mca();
        cmd.env("MCA_BASE_URL", &self.url)
            .env("MCA_RESELLER_ID", RESELLER)
            .env("MCA_USERNAME", "sandbox")
            .env("MCA_PASSWORD", "sandbox");
        cmd
    }

    /// POST to an admin path; the JSON answer.
    pub fn admin(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.url);
        self.rt.block_on(async {
            let r = self.client.post(&url).send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.json().await.unwrap_or(Value::Null)
        })
    }

    /// Registers a fault.
    pub fn fault(&self, spec: Value) {
        let url = format!("{}/_sandbox/faults", self.url);
        self.rt.block_on(async {
            let r = self.client.post(&url).json(&spec).send().await.unwrap();
            assert!(r.status().is_success(), "fault {spec}: {}", r.status());
        });
    }

    /// Requests counted per op for `org`.
    pub fn counts(&self, org: &str) -> Value {
        let url = format!("{}/_sandbox/orgs/{org}/requests", self.url);
        self.rt.block_on(async {
            self.client
                .get(&url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        })
    }

    /// A token from the sandbox's token endpoint.
    pub fn token(&self) -> String {
        let url = format!("{}/connect/token", self.url);
        self.rt.block_on(async {
            let v: Value = self
                .client
                .post(&url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=password&username=sandbox&password=sandbox&scope=api")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["access_token"].as_str().unwrap().to_string()
        })
    }

    /// The service URL of `org` under the test reseller.
    pub fn service(&self, org: &str, tail: &str) -> String {
        format!(
            "{}/api/resellers/{RESELLER}/organizations/{org}/services/{tail}",
            self.url
        )
    }

    /// The client used for setup calls.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.rt.block_on(handle.shutdown());
        }
    }
}

/// `mca` with every MCA_* variable removed.
pub fn bare_mca() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_mca"));
    for (key, _) in std::env::vars() {
        if key.starts_with("MCA_") {
            cmd.env_remove(key);
        }
    }
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// A fresh organisation id.
pub fn org() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A valid start body as JSON text.
pub fn start_body() -> String {
    serde_json::json!({
        "signer": {"firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@example.com", "phoneNumber": "+46 70 123 45 67"},
        "language": "sv-se",
        "country": "se",
        "acceptanceDate": "2026-01-05T10:00:00+01:00"
    })
    .to_string()
}

/// Output of a finished command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs `cmd` and captures everything.
pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What a scripted server answers to one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, headers, body.
    Respond(u16, Vec<(String, String)>, String),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// From a vector's response object.
    pub fn from_vector(v: &Value) -> Self {
        let headers = v["headers"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Reply::Respond(
            v["status"].as_u64().unwrap() as u16,
            headers,
            v["body"].as_str().unwrap_or_default().to_string(),
        )
    }
}

/// A request as the scripted server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct ScriptState {
    replies: std::collections::VecDeque<Reply>,
    repeat: Option<Reply>,
    seen: Vec<Seen>,
}

/// A tiny HTTP/1.1 server on loopback that records requests and answers from a script
/// (one connection per request).
pub struct Scripted {
    pub rt: tokio::runtime::Runtime,
    pub url: String,
    state: std::sync::Arc<std::sync::Mutex<ScriptState>>,
}

impl Scripted {
    /// Starts the server.
    pub fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = std::sync::Arc::new(std::sync::Mutex::new(ScriptState::default()));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = state.clone();
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let shared = shared.clone();
                tokio::spawn(serve(stream, shared));
            }
        });
        Self { rt, url, state }
    }

    /// Replies in order; `repeat` answers every request once they run out.
    pub fn script(&self, replies: Vec<Reply>, repeat: Option<Reply>) {
        let mut st = self.state.lock().unwrap();
        st.replies = replies.into();
        st.repeat = repeat;
        st.seen.clear();
    }

    /// Requests seen since the last `script`.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    state: std::sync::Arc<std::sync::Mutex<ScriptState>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let reply = {
        let mut st = state.lock().unwrap();
        st.seen.push(Seen {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        st.replies.pop_front().or_else(|| st.repeat.clone())
    };
    let (status, headers, body) = match reply {
        Some(Reply::Respond(s, h, b)) => (s, h, b),
        Some(Reply::Drop) => return,
        None => (599, vec![], "script exhausted".to_string()),
    };
    let mut out = format!("HTTP/1.1 {status} Scripted\r\n");
    for (n, v) in &headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.push_str(&body);
    let _ = stream.write_all(out.as_bytes()).await;
    let _ = stream.shutdown().await;
}
