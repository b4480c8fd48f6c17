//! Reading error bodies: RFC 9457 problem details, Cloudmore's legacy shapes and non-JSON pages, all
//! parsed into a [`Problem`] and from there into a [`McaError`]; and the `Retry-After` header.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::{reason_phrase, McaError, Problem, Violation};
use crate::http::HttpResponse;
use crate::redact::{excerpt, html_title, is_html, scrub_secrets, EXCERPT_CHARS};
use crate::status::HttpStatus;
use crate::timestamp::Timestamp;

/// Maps an error response to the right [`McaError`] kind (`unauthorized`, `forbidden`, `rate_limited`,
/// `api`), parsing any body shape the API is known to send.
pub fn error_from_response(resp: &HttpResponse, now: Timestamp) -> McaError {
    let problem = parse_problem(resp, now);
    match resp.status.get() {
        401 => McaError::Unauthorized { problem },
        403 => McaError::Forbidden { problem },
        429 => McaError::RateLimited {
            retry_after: problem.retry_after,
            problem,
        },
        _ => McaError::Api { problem },
    }
}

/// Parses an error body into a [`Problem`].
pub fn parse_problem(resp: &HttpResponse, now: Timestamp) -> Problem {
    let mut problem = match serde_json::from_str::<Value>(resp.body.trim()) {
        Ok(Value::Object(map)) => from_object(map),
        Ok(Value::Array(items)) => from_legacy_list(&items),
        Ok(other) => Problem {
            detail: Some(excerpt(&other.to_string(), EXCERPT_CHARS)),
            ..Problem::default()
        },
        Err(_) => from_text(&resp.body),
    };
    problem.status = resp.status;
    if problem.type_uri.is_empty() {
        problem.type_uri = "about:blank".into();
    }
    if problem.title.is_none() {
        problem.title = Some(reason_phrase(resp.status.get()).into());
    }
    if problem.extensions.is_empty() {
        problem.extensions = "{}".into();
    }
    problem.retry_after = resp.header("Retry-After").and_then(|v| retry_after(v, now));
    scrub(problem)
}

/// Removes secrets a server echoed back (e.g. the token form's `password=…`) from every text
/// member of a problem.
fn scrub(problem: Problem) -> Problem {
    problem.map_text(scrub_secrets)
}

fn str_of(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

const PROBLEM_MEMBERS: [&str; 8] = [
    "type", "title", "status", "detail", "instance", "code", "errors", "traceId",
];

fn from_object(map: Map<String, Value>) -> Problem {
    let is_problem = PROBLEM_MEMBERS.iter().any(|k| map.contains_key(*k));
    if !is_problem {
        if map.contains_key("error") {
            // OAuth 2.0 error (token endpoint).
            return Problem {
                code: str_of(&map, "error"),
                detail: str_of(&map, "error_description"),
                extensions: "{}".into(),
                ..Problem::default()
            };
        }
        // ASP.NET model state: {"Field.Name": ["message", ...]}.
        return Problem {
            errors: model_state_errors(&map),
            extensions: "{}".into(),
            ..Problem::default()
        };
    }
    let errors = match map.get("errors") {
        Some(Value::Array(items)) => items.iter().filter_map(error_item).collect(),
        Some(Value::Object(obj)) => model_state_errors(obj),
        _ => Vec::new(),
    };
    let extensions: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !PROBLEM_MEMBERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Problem {
        status: HttpStatus(0),
        type_uri: str_of(&map, "type").unwrap_or_default(),
        title: str_of(&map, "title"),
        detail: str_of(&map, "detail"),
        instance: str_of(&map, "instance"),
        code: str_of(&map, "code"),
        errors,
        trace_id: str_of(&map, "traceId"),
        retry_after: None,
        extensions: Value::Object(extensions).to_string(),
    }
}

fn error_item(item: &Value) -> Option<Violation> {
    match item {
        Value::Object(o) => {
            let detail = str_of(o, "detail")
                .or_else(|| str_of(o, "message"))
                .or_else(|| str_of(o, "errorMessage"))
                .unwrap_or_default();
            let pointer =
                str_of(o, "pointer").or_else(|| str_of(o, "field").map(|f| field_to_pointer(&f)));
            Some(Violation {
                pointer: pointer.filter(|p| !p.is_empty()),
                detail,
            })
        }
        Value::String(s) => Some(Violation::general(s.clone())),
        _ => None,
    }
}

/// A violation of `field` (a server's field name), or one with no pointer when there is no field.
fn field_violation(field: Option<&str>, detail: String) -> Violation {
    match field.map(field_to_pointer).filter(|p| !p.is_empty()) {
        Some(pointer) => Violation::new(pointer, detail),
        None => Violation::general(detail),
    }
}

fn model_state_errors(map: &Map<String, Value>) -> Vec<Violation> {
    let mut out = Vec::new();
    for (field, messages) in map {
        let field = Some(field.as_str());
        match messages {
            Value::Array(list) => {
                for m in list {
                    let detail = m
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| m.to_string());
                    out.push(field_violation(field, detail));
                }
            }
            Value::String(s) => out.push(field_violation(field, s.clone())),
            other => out.push(field_violation(field, other.to_string())),
        }
    }
    out
}

/// `Signer.EmailAddress` → `/signer/emailAddress`; `Items[0].Name` → `/items/0/name`;
/// `$.signer.firstName` → `/signer/firstName`; an RFC 6901 pointer is kept.
pub fn field_to_pointer(field: &str) -> String {
    if field.starts_with('/') {
        return field.to_string();
    }
    let field = field.trim_start_matches('$').trim_start_matches('.');
    let mut out = String::new();
    for segment in field.split(['.', '[']) {
        let segment = segment.trim_end_matches(']');
        if segment.is_empty() {
            continue;
        }
        out.push('/');
        let escaped = segment.replace('~', "~0").replace('/', "~1");
        let mut chars = escaped.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_lowercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn from_legacy_list(items: &[Value]) -> Problem {
    let mut problem = Problem {
        extensions: "{}".into(),
        ..Problem::default()
    };
    let mut details = Vec::new();
    let mut numeric: Option<Value> = None;
    for item in items {
        let Value::Object(o) = item else {
            if let Some(s) = item.as_str() {
                details.push(s.to_string());
            }
            continue;
        };
        // The symbolic name is the code (as in RFC 9457 bodies); the numeric one is kept as the
        // extension `errorCode`.
        if problem.code.is_none() {
            problem.code = str_of(o, "errorName");
        }
        if let Some(number) = o.get("errorCode").filter(|_| numeric.is_none()) {
            numeric = Some(number.clone());
        }
        if let Some(msg) = str_of(o, "errorMessage") {
            let field = str_of(o, "field");
            problem
                .errors
                .push(field_violation(field.as_deref(), msg.clone()));
            details.push(msg);
        }
    }
    match (&problem.code, numeric) {
        (None, Some(number)) => {
            problem.code = Some(
                number
                    .as_str()
                    .map_or_else(|| number.to_string(), str::to_string),
            )
        }
        (Some(_), Some(number)) => {
            let mut ext = Map::new();
            ext.insert("errorCode".into(), number);
            problem.extensions = Value::Object(ext).to_string();
        }
        _ => {}
    }
    if !details.is_empty() {
        problem.detail = Some(details.join("; "));
    }
    problem
}

fn from_text(body: &str) -> Problem {
    let trimmed = body.trim();
    let mut problem = Problem {
        extensions: "{}".into(),
        ..Problem::default()
    };
    if is_html(trimmed) {
        problem.title = html_title(trimmed);
        // The visible text only, without the title again (pages repeat it as their heading).
        let lower = trimmed.to_ascii_lowercase();
        let visible = without_elements(trimmed, &lower, &["head", "title", "script", "style"]);
        let mut text = strip_tags(&visible);
        if let Some(title) = &problem.title {
            text = text
                .replace(title.as_str(), " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
        }
        if !text.is_empty() {
            problem.detail = Some(excerpt(&text, EXCERPT_CHARS));
        }
    } else if !trimmed.is_empty() {
        problem.detail = Some(excerpt(trimmed, EXCERPT_CHARS));
    }
    problem
}

/// `html` without the elements named in `tags`, content included (an unclosed one runs to the end);
/// `lower` is `html` in ASCII lowercase (same byte offsets).
fn without_elements(html: &str, lower: &str, tags: &[&str]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0usize;
    while let Some((start, end)) = next_element(lower, at, tags) {
        out.push_str(html.get(at..start).unwrap_or_default());
        out.push(' ');
        at = end;
    }
    out.push_str(html.get(at..).unwrap_or_default());
    out
}

/// Byte range of the first element named in `tags` that starts at or after `from`.
fn next_element(lower: &str, from: usize, tags: &[&str]) -> Option<(usize, usize)> {
    let rest = lower.get(from..)?;
    tags.iter()
        .filter_map(|tag| {
            let open = format!("<{tag}");
            let close = format!("</{tag}>");
            let mut search = 0usize;
            loop {
                let i = search.saturating_add(rest.get(search..)?.find(&open)?);
                let after = i.saturating_add(open.len());
                if matches!(
                    rest.as_bytes().get(after),
                    Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
                ) {
                    let end = rest
                        .get(after..)
                        .and_then(|r| r.find(&close))
                        .map_or(rest.len(), |j| {
                            after.saturating_add(j).saturating_add(close.len())
                        });
                    return Some((from.saturating_add(i), from.saturating_add(end)));
                }
                search = after;
            }
        })
        .min_by_key(|(start, _)| *start)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Retry-After`: delta seconds or an HTTP-date (delay from `now`, zero if past).
pub fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // An IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) is a valid RFC 2822 date-time.
    let date =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let at = Timestamp::from_unix_millis(date.unix_timestamp().checked_mul(1000)?)?;
    Some(at.since(now))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn field_names_become_pointers() {
        assert_eq!(
            field_to_pointer("Signer.EmailAddress"),
            "/signer/emailAddress"
        );
        assert_eq!(field_to_pointer("Items[0].Name"), "/items/0/name");
        assert_eq!(field_to_pointer("/country"), "/country");
    }

    #[test]
    fn html_page_text_skips_the_head_and_the_repeated_title() {
        let page = "<html><head><title>503 Service Unavailable</title><script>x()</script></head>\
                    <body><header>Portal</header><h1>503 Service Unavailable</h1><p>Back soon.</p>";
        let p = from_text(page);
        assert_eq!(p.title.as_deref(), Some("503 Service Unavailable"));
        assert_eq!(p.detail.as_deref(), Some("Portal Back soon."));
        // An unclosed <style> hides the rest; a page with nothing but its title has no detail.
        let p = from_text("<html><title>Oops</title><h1>Oops</h1><style>p{}");
        assert_eq!(p.title.as_deref(), Some("Oops"));
        assert_eq!(p.detail, None);
    }

    #[test]
    fn http_date_retry_after() {
        let now = Timestamp::parse("2015-10-21T07:27:50Z").unwrap();
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("soon", now), None);
    }
}
