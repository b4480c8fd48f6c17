//! Exit codes, mapped from the core's error kinds in this one place, and how failures are shown.

use mca_attestation::{ErrorView, McaError};
use serde_json::json;

/// Success.
pub const OK: u8 = 0;
/// A local failure that is not the input's fault (e.g. an output file cannot be written).
pub const OTHER: u8 = 1;
/// Invalid input or configuration: nothing useful was sent.
pub const INVALID: u8 = 2;
/// The API answered with an error.
pub const API: u8 = 3;
/// Authentication or authorisation failed.
pub const AUTH: u8 = 4;
/// No usable answer: connection, timeout, unreadable response.
pub const TRANSPORT: u8 = 5;
/// The caller's deadline passed.
pub const DEADLINE: u8 = 6;
/// `--fail-on` matched at least one organisation (`report`, `ensure`); used for nothing else.
pub const FAIL_ON: u8 = 7;

/// The exit code for an error kind of the core (`McaError::kind()`).
pub fn code_for_kind(kind: &str) -> u8 {
    match kind {
        "invalid" | "config" => INVALID,
        "api" | "rate_limited" => API,
        "unauthorized" | "forbidden" => AUTH,
        "transport" | "decode" => TRANSPORT,
        "deadline" => DEADLINE,
        _ => OTHER,
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core (or the platform), with its kind.
    Core(McaError),
    /// A local problem, with its exit code.
    Local {
        /// Exit code.
        code: u8,
        /// What went wrong.
        message: String,
    },
    /// Already shown to the user (e.g. `validate`'s violations); only the exit code is left.
    Silent(u8),
}

impl From<McaError> for Failure {
    fn from(e: McaError) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    /// A local failure with exit code 1 (e.g. writing a file).
    pub fn other(message: impl Into<String>) -> Self {
        Failure::Local {
            code: OTHER,
            message: message.into(),
        }
    }

    /// Invalid input that is not a body (a file that cannot be read, a bad CSV).
    pub fn input(message: impl Into<String>) -> Self {
        Failure::Local {
            code: INVALID,
            message: message.into(),
        }
    }

    /// The process exit code.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Core(e) => code_for_kind(e.kind()),
            Failure::Local { code, .. } | Failure::Silent(code) => *code,
        }
    }

    /// Prints the failure: a JSON object on stdout with `--json`, readable lines on stderr otherwise.
    pub fn report(&self, json_output: bool) {
        match self {
            Failure::Core(e) if json_output => println!("{}", json!({ "error": error_json(e) })),
            Failure::Core(McaError::Invalid { violations }) => {
                eprintln!(
                    "error (invalid): {} violation{}",
                    violations.len(),
                    if violations.len() == 1 { "" } else { "s" }
                );
                for v in violations {
                    eprintln!("  {}: {}", display_pointer(v.pointer.as_deref()), v.detail);
                }
            }
            Failure::Core(e) => {
                eprintln!("error ({}): {e}", e.kind());
                if let Some(p) = e.problem() {
                    if let Some(trace) = &p.trace_id {
                        eprintln!("  traceId: {trace}");
                    }
                }
            }
            Failure::Local { message, .. } if json_output => {
                println!(
                    "{}",
                    json!({"error": {"kind": "local", "message": message}, "message": message})
                );
            }
            Failure::Local { message, .. } => eprintln!("error: {message}"),
            Failure::Silent(_) => {}
        }
    }
}

/// An error as flat JSON for scripts: the core's [`ErrorView`] (`kind`, `message`, `status`, `code`,
/// `title`, `detail`, `violations` (`{pointer, detail}`), `retryAfterMs`, `traceId`, `bodyExcerpt`,
/// `problem`; `null` where absent), the same members as every binding's error.
pub fn error_json(e: &McaError) -> serde_json::Value {
    serde_json::to_value(ErrorView::from(e)).unwrap_or_else(|_| json!({"kind": e.kind()}))
}

/// A pointer for display (`(document)` for the whole document, `(general)` for none).
pub fn display_pointer(pointer: Option<&str>) -> &str {
    match pointer {
        None => "(general)",
        Some("") => "(document)",
        Some(pointer) => pointer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_documented_code() {
        let table = [
            ("invalid", 2),
            ("config", 2),
            ("api", 3),
            ("rate_limited", 3),
            ("unauthorized", 4),
            ("forbidden", 4),
            ("transport", 5),
            ("decode", 5),
            ("deadline", 6),
        ];
        for (kind, code) in table {
            assert_eq!(code_for_kind(kind), code, "{kind}");
        }
        assert_eq!(code_for_kind("something-new"), OTHER);
    }

    #[test]
    fn fail_on_has_a_code_of_its_own() {
        let others = [OK, OTHER, INVALID, API, AUTH, TRANSPORT, DEADLINE];
        assert!(!others.contains(&FAIL_ON));
        for kind in [
            "invalid",
            "config",
            "api",
            "rate_limited",
            "unauthorized",
            "forbidden",
            "transport",
            "decode",
            "deadline",
            "local",
            "",
        ] {
            assert_ne!(code_for_kind(kind), FAIL_ON, "{kind}");
        }
    }
}
