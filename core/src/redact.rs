//! Redaction of response text that ends up in errors: a body excerpt never carries signer data or
//! secrets, and text taken from error bodies never carries a secret echoed back by the server.
//!
//! - [`body_excerpt`] (the `body_excerpt` of `decode` errors): JSON — complete or cut off — keeps its
//!   keys and structure, every string value becomes `"…"` and numbers of more than four digits
//!   become `0`; an HTML page is reduced to `[html] <its title>`; any other text to
//!   `[text: N characters]`. At most [`EXCERPT_CHARS`] characters.
//! - [`scrub_secrets`] (problem text from error bodies): the value after a secret-looking key
//!   (`password=…`, `"client_secret": "…"`, `access_token:…`) becomes `…`.

/// Longest HTML title kept, in characters.
const TITLE_CHARS: usize = 120;

/// Longest JSON key kept in an excerpt, in characters.
const KEY_CHARS: usize = 64;

/// Keys whose values are secrets wherever they appear (form bodies, JSON, query strings).
const SECRET_KEYS: [&str; 6] = [
    "password",
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "secret",
];

/// The redacted excerpt of a response body kept in a `decode` error. See the module docs.
pub fn body_excerpt(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    if trimmed.starts_with(['{', '[', '"']) {
        return excerpt(&json_skeleton(trimmed), EXCERPT_CHARS);
    }
    if is_html(trimmed) {
        return match html_title(trimmed) {
            Some(title) => excerpt(&format!("[html] {title}"), EXCERPT_CHARS),
            None => "[html]".to_string(),
        };
    }
    format!("[text: {} characters]", trimmed.chars().count())
}

/// True when `text` looks like an HTML page.
pub(crate) fn is_html(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("<!doctype") || lower.starts_with("<html") || lower.contains("<body")
}

/// The page's `<title>`, scrubbed of secrets and capped, if it has a non-empty one.
pub(crate) fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower
        .find("<title>")
        .and_then(|i| i.checked_add("<title>".len()))?;
    let len = lower.get(start..)?.find("</title>")?;
    let end = start.checked_add(len)?;
    // ASCII lowercasing keeps byte offsets, so these are boundaries of `html` too.
    let inner = html.get(start..end)?.trim();
    (!inner.is_empty()).then(|| excerpt(&scrub_secrets(inner), TITLE_CHARS))
}

/// JSON text (possibly cut off or malformed) with its keys and structure kept and its values
/// hidden: string values become `"…"`, digit runs longer than four become `0`.
fn json_skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS.saturating_mul(4)));
    let mut chars = text.chars().peekable();
    // Digits of the number being read (only the first five are kept: more become `0`).
    let mut digits = String::new();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            if digits.len() <= 4 {
                digits.push(c);
            }
            continue;
        }
        flush_digits(&mut digits, &mut out);
        if c != '"' {
            out.push(c);
            if out.chars().count() > EXCERPT_CHARS {
                break;
            }
            continue;
        }
        // A string literal: read to its closing quote (escapes included), keeping at most
        // KEY_CHARS characters of it (only keys are shown, and only that long).
        let mut literal = String::new();
        let mut kept = 0usize;
        let mut closed = false;
        let mut keep = |c: char, literal: &mut String| {
            if kept < KEY_CHARS {
                literal.push(c);
            } else if kept == KEY_CHARS {
                literal.push('…');
            }
            kept = kept.saturating_add(1);
        };
        while let Some(s) = chars.next() {
            match s {
                '\\' => {
                    keep(s, &mut literal);
                    if let Some(escaped) = chars.next() {
                        keep(escaped, &mut literal);
                    }
                }
                '"' => {
                    closed = true;
                    break;
                }
                other => keep(other, &mut literal),
            }
        }
        // A key is followed by `:`; keep it. Everything else is a value; hide it.
        let rest: String = chars.clone().take_while(|c| c.is_whitespace()).collect();
        let is_key = closed && chars.clone().nth(rest.chars().count()) == Some(':');
        out.push('"');
        if is_key {
            out.push_str(&literal);
        } else {
            out.push('…');
        }
        if closed {
            out.push('"');
        }
        if out.chars().count() > EXCERPT_CHARS {
            break;
        }
    }
    flush_digits(&mut digits, &mut out);
    out
}

fn flush_digits(digits: &mut String, out: &mut String) {
    if digits.len() > 4 {
        out.push('0');
    } else {
        out.push_str(digits);
    }
    digits.clear();
}

/// `text` with the value after every secret-looking key replaced by `…`: `password=hunter2&x=1`
/// → `password=…&x=1`, `"client_secret": "s"` → `"client_secret": "…"`.
pub fn scrub_secrets(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` are valid in `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    let mut next = SECRET_KEYS.map(|key| lower.find(key));
    while let Some((key_start, key_len)) = next_secret_key(&lower, pos, &mut next) {
        let Some(after_key) = key_start.checked_add(key_len) else {
            break;
        };
        let Some(value_start) = value_start(&lower, after_key) else {
            // Not followed by `=` or `:`: copy through the key and look further.
            out.push_str(text.get(pos..after_key).unwrap_or_default());
            pos = after_key;
            continue;
        };
        let value_len = lower
            .get(value_start..)
            .unwrap_or_default()
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | ';' | '}' | '<' | ')')
            })
            .unwrap_or_else(|| lower.len().saturating_sub(value_start));
        out.push_str(text.get(pos..value_start).unwrap_or_default());
        if value_len > 0 {
            out.push('…');
        }
        pos = value_start.saturating_add(value_len);
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// Secrets at least this long are removed wherever they occur, even inside a longer word (in JSON
/// text an echoed secret may follow an escape such as `\n` or `\u0000`, whose last character is a
/// letter or digit). Shorter ones only as whole words, so a one-letter password does not eat text.
pub const SUBSTRING_SECRET_CHARS: usize = 4;

/// `text` with each of `secrets` replaced by `…`: everywhere for secrets of at least
/// [`SUBSTRING_SECRET_CHARS`] characters, else only where it is not part of a longer word.
pub fn scrub_values(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = replace_whole(&out, secret);
    }
    out
}

fn replace_whole(text: &str, secret: &str) -> String {
    if secret.chars().count() >= SUBSTRING_SECRET_CHARS {
        return text.replace(secret, "…");
    }
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    let mut search = 0usize;
    while let Some(found) = text.get(search..).and_then(|t| t.find(secret)) {
        let start = search.saturating_add(found);
        let end = start.saturating_add(secret.len());
        let before = text.get(..start).and_then(|t| t.chars().next_back());
        let after = text.get(end..).and_then(|t| t.chars().next());
        if is_word(before) || is_word(after) {
            // Part of a longer word: step past its first character.
            let step = text
                .get(start..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
            search = start.saturating_add(step);
            continue;
        }
        out.push_str(text.get(pos..start).unwrap_or_default());
        out.push('…');
        pos = end;
        search = end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// The earliest secret key at or after `from`: (start, length). `next` caches each key's next
/// position (`None`: no more), so the text is searched about once per key: linear time.
fn next_secret_key(
    lower: &str,
    from: usize,
    next: &mut [Option<usize>; SECRET_KEYS.len()],
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (key, cached) in SECRET_KEYS.iter().zip(next.iter_mut()) {
        if cached.is_some_and(|at| at < from) {
            *cached = lower
                .get(from..)
                .and_then(|tail| tail.find(key))
                .map(|i| from.saturating_add(i));
        }
        if let Some(at) = *cached {
            let better = match best {
                None => true,
                Some((b, len)) => at < b || (at == b && key.len() > len),
            };
            if better {
                best = Some((at, key.len()));
            }
        }
    }
    best
}

/// Where the value starts after a key ending at `at`: optional closing quote, spaces, `=` or
/// `:`, spaces, optional opening quote. `None` when no separator follows.
fn value_start(lower: &str, at: usize) -> Option<usize> {
    let rest = lower.get(at..)?;
    let after_quote = rest.trim_start_matches(['"', '\'']);
    let after_space = after_quote.trim_start();
    let after_sep = after_space.strip_prefix(['=', ':'])?;
    let value = after_sep.trim_start().trim_start_matches(['"', '\'']);
    at.checked_add(rest.len().checked_sub(value.len())?)
}

/// Longest body excerpt kept in errors, in characters.
pub const EXCERPT_CHARS: usize = 300;

/// At most `max` characters of `text`, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_values_are_hidden_keys_kept() {
        assert_eq!(
            body_excerpt(r#"{"a": "Ada", "n": 46701234567, "s": 2, "b": true, "x": ["y"]}"#),
            r#"{"a": "…", "n": 0, "s": 2, "b": true, "x": ["…"]}"#
        );
        assert_eq!(
            body_excerpt(r#"{"name": "A\"da", "cut": "ada@exa"#),
            r#"{"name": "…", "cut": "…"#
        );
    }

    #[test]
    fn huge_bodies_are_redacted_in_linear_time_and_bounded_memory() {
        let digits = "1".repeat(1_000_000);
        assert_eq!(body_excerpt(&format!("[{digits}]")), "[0]");
        let long = format!("{{\"{}\": 1}}", "k".repeat(1_000_000));
        assert!(body_excerpt(&long).chars().count() <= EXCERPT_CHARS.saturating_add(1));
        let keys = "secret".repeat(200_000);
        assert_eq!(scrub_secrets(&keys), keys);
        let pairs = "password=x&".repeat(50_000);
        assert_eq!(scrub_secrets(&pairs), "password=…&".repeat(50_000));
    }

    #[test]
    fn secrets_after_keys_are_scrubbed() {
        assert_eq!(
            scrub_secrets("grant_type=password&username=u&password=hunter2&scope=api"),
            "grant_type=password&username=u&password=…&scope=api"
        );
        assert_eq!(
            scrub_secrets(r#"{"Password" : "hunter2", "client_secret":"s3"}"#),
            r#"{"Password" : "…", "client_secret":"…"}"#
        );
        assert_eq!(
            scrub_secrets("invalid_username_or_password"),
            "invalid_username_or_password"
        );
        assert_eq!(
            scrub_values("'p' is wrong for password p", &["p"]),
            "'…' is wrong for password …"
        );
    }
}
