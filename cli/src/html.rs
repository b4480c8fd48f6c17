//! The HTML page of `report --html` / `ensure --html`: one self-contained file (inline CSS, JS and
//! SVG; a Content-Security-Policy forbids any network fetch) with the run's time and parameters,
//! the counts by state as a chart, and a table of every organisation that sorts and filters in the
//! page. Rows are streamed to a side file while the run goes on and copied in at the end, so memory
//! stays bounded. No secrets and no signer personal data are written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::exit::Failure;

/// One table cell.
pub enum Cell {
    /// Plain text.
    Text(String),
    /// A link (shown as its text; only http(s) targets become clickable).
    Link(String),
    /// Long text that may wrap (error messages).
    Long(String),
}

/// A row type the page can show.
pub trait HtmlRow {
    /// Column headings.
    fn html_columns() -> &'static [&'static str];
    /// Cells, in the order of the headings.
    fn html_cells(&self) -> Vec<Cell>;
    /// The state counted in the chart (and filtered on).
    fn html_state(&self) -> &str;
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page being written.
pub struct HtmlPage {
    path: PathBuf,
    rows_path: PathBuf,
    rows: BufWriter<File>,
    title: String,
    columns: Option<&'static [&'static str]>,
    counts: BTreeMap<String, u64>,
    total: u64,
}

fn io_fail(path: &Path, e: std::io::Error) -> Failure {
    Failure::other(format!("cannot write {}: {e}", path.display()))
}

fn side_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// State colours of the chart (others get grey).
fn colour(state: &str) -> &'static str {
    match state {
        "accepted" => "#2e7d32",
        "pending" => "#f9a825",
        "signed" | "finalized" => "#1565c0",
        "expired" => "#c62828",
        "none" => "#6d4c41",
        "error" | "invalid" => "#6a1b9a",
        _ => "#757575",
    }
}

impl HtmlPage {
    /// Starts a page at `path` (rows go to a side file until [`HtmlPage::finish`]).
    pub fn create(path: &Path, title: &str) -> Result<Self, Failure> {
        let rows_path = side_path(path, ".rows.tmp");
        let file = File::create(&rows_path).map_err(|e| io_fail(&rows_path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            rows_path,
            rows: BufWriter::new(file),
            title: title.to_string(),
            columns: None,
            counts: BTreeMap::new(),
            total: 0,
        })
    }

    /// Adds one row.
    pub fn row<R: HtmlRow>(&mut self, row: &R) -> Result<(), Failure> {
        self.columns.get_or_insert(R::html_columns());
        let state = row.html_state();
        let count = self.counts.entry(state.to_string()).or_insert(0);
        *count = count.saturating_add(1);
        self.total = self.total.saturating_add(1);
        let mut line = format!("<tr data-state=\"{}\">", escape(state));
        for cell in row.html_cells() {
            match cell {
                Cell::Text(t) => line.push_str(&format!("<td>{}</td>", escape(&t))),
                Cell::Long(t) => line.push_str(&format!("<td class=\"wrap\">{}</td>", escape(&t))),
                Cell::Link(l) if l.starts_with("https://") || l.starts_with("http://") => line
                    .push_str(&format!(
                        "<td class=\"link\"><a href=\"{0}\" rel=\"noreferrer noopener\" target=\"_blank\">{0}</a></td>",
                        escape(&l)
                    )),
                Cell::Link(l) => line.push_str(&format!("<td class=\"link\">{}</td>", escape(&l))),
            }
        }
        line.push_str("</tr>\n");
        self.rows
            .write_all(line.as_bytes())
            .map_err(|e| io_fail(&self.rows_path, e))
    }

    fn chart(&self) -> String {
        let bar_h = 26u64;
        let width = 640u64;
        let label_w = 110u64;
        let max = self.counts.values().copied().max().unwrap_or(0).max(1);
        let height = bar_h
            .saturating_mul(self.counts.len() as u64)
            .saturating_add(10);
        let mut svg = format!(
            "<svg id=\"chart\" role=\"img\" aria-label=\"organisations by state\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">"
        );
        for (i, (state, n)) in self.counts.iter().enumerate() {
            let y = (i as u64).saturating_mul(bar_h).saturating_add(5);
            let span = width.saturating_sub(label_w).saturating_sub(70);
            let w = (span.saturating_mul(*n) / max).max(2);
            let s = escape(state);
            svg.push_str(&format!(
                "<g class=\"bar\" data-state=\"{s}\"><title>{s}: {n}</title>\
                 <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{s}</text>\
                 <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{rh}\" fill=\"{c}\" rx=\"3\"></rect>\
                 <text x=\"{nx}\" y=\"{ty}\">{n}</text></g>",
                tx = label_w.saturating_sub(8),
                ty = y.saturating_add(17),
                rh = bar_h.saturating_sub(6),
                c = colour(state),
                nx = label_w.saturating_add(w).saturating_add(6),
            ));
        }
        svg.push_str("</svg>");
        svg
    }

    /// Writes the page (head, parameters, chart, table, script) and removes the side file.
    pub fn finish(mut self, params: &[(String, String)]) -> Result<PathBuf, Failure> {
        self.rows.flush().map_err(|e| io_fail(&self.rows_path, e))?;
        let tmp = side_path(&self.path, ".tmp");
        let result = self.write_page(&tmp, params);
        let _ = std::fs::remove_file(&self.rows_path);
        result?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io_fail(&self.path, e))?;
        Ok(self.path)
    }

    fn write_page(&self, tmp: &Path, params: &[(String, String)]) -> Result<(), Failure> {
        let file = File::create(tmp).map_err(|e| io_fail(tmp, e))?;
        let mut out = BufWriter::new(file);
        let title = escape(&self.title);
        let mut head = String::new();
        head.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        head.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        head.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        head.push_str(&format!(
            "<title>{title}</title>\n<style>{CSS}</style></head>\n<body>\n"
        ));
        head.push_str(&format!("<h1>{title}</h1>\n<dl id=\"params\">"));
        for (k, v) in params {
            head.push_str(&format!("<dt>{}</dt><dd>{}</dd>", escape(k), escape(v)));
        }
        head.push_str(
            "</dl>\n<section id=\"summary\"><h2>Organisations by state</h2>\n<div class=\"flex\">",
        );
        head.push_str(&self.chart());
        head.push_str(
            "<table id=\"counts\"><thead><tr><th>state</th><th>organisations</th></tr></thead><tbody>",
        );
        for (state, n) in &self.counts {
            let s = escape(state);
            head.push_str(&format!(
                "<tr data-state=\"{s}\"><td><span class=\"dot\" style=\"background:{}\"></span>{s}</td><td class=\"n\">{n}</td></tr>",
                colour(state)
            ));
        }
        head.push_str(&format!(
            "</tbody><tfoot><tr><td>total</td><td class=\"n\" id=\"total\">{}</td></tr></tfoot></table></div></section>\n",
            self.total
        ));
        head.push_str("<section id=\"rows-section\"><h2>Organisations</h2>\n<div class=\"controls\">\
            <label>Filter <input id=\"filter\" type=\"search\" placeholder=\"text in any column\" autocomplete=\"off\"></label> \
            <label>State <select id=\"state\"><option value=\"\">all</option>");
        for state in self.counts.keys() {
            let s = escape(state);
            head.push_str(&format!("<option value=\"{s}\">{s}</option>"));
        }
        head.push_str(
            "</select></label> <span id=\"shown\"></span></div>\n<div class=\"scroll\"><table id=\"rows\"><thead><tr>",
        );
        for (i, c) in self.columns.unwrap_or(&[]).iter().enumerate() {
            head.push_str(&format!(
                "<th data-col=\"{i}\" aria-sort=\"none\" title=\"sort\">{}</th>",
                escape(c)
            ));
        }
        head.push_str("</tr></thead>\n<tbody>\n");
        out.write_all(head.as_bytes())
            .map_err(|e| io_fail(tmp, e))?;
        let mut rows = File::open(&self.rows_path).map_err(|e| io_fail(&self.rows_path, e))?;
        std::io::copy(&mut rows, &mut out).map_err(|e| io_fail(tmp, e))?;
        let tail =
            format!("</tbody></table></div></section>\n<script>{JS}</script>\n</body></html>\n");
        out.write_all(tail.as_bytes())
            .map_err(|e| io_fail(tmp, e))?;
        out.flush().map_err(|e| io_fail(tmp, e))
    }
}

const CSS: &str = "
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#212121;background:#fff}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:20px 0 8px}
#params{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;color:#424242}
#params dt{font-weight:600}#params dd{margin:0;font-family:ui-monospace,monospace}
.flex{display:flex;gap:32px;align-items:flex-start;flex-wrap:wrap}
#chart text{font-size:13px;fill:#212121}#chart .bar{cursor:pointer}
#counts{border-collapse:collapse}#counts td,#counts th{padding:3px 10px;border-bottom:1px solid #e0e0e0}
.n{text-align:right;font-variant-numeric:tabular-nums}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}
.controls{margin:6px 0 10px}.controls input{width:260px;padding:4px}.controls select{padding:3px}
#shown{margin-left:12px;color:#616161}
#rows{border-collapse:collapse;width:100%;font-size:13px}
#rows th{position:sticky;top:0;background:#eceff1;text-align:left;padding:5px 8px;cursor:pointer;user-select:none;white-space:nowrap}
#rows th[aria-sort=ascending]::after{content:' \\25B2'}#rows th[aria-sort=descending]::after{content:' \\25BC'}
.scroll{overflow-x:auto}
#rows td{padding:4px 8px;border-bottom:1px solid #eeeeee;vertical-align:top;white-space:nowrap}
#rows td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:18em}
#rows td.link{white-space:normal;overflow-wrap:anywhere;min-width:14em;max-width:24em}
#rows tbody tr:nth-child(even){background:#fafafa}
#rows tr[data-state=error] td,#rows tr[data-state=invalid] td{color:#6a1b9a}
#rows tr[data-state=expired] td:first-child{border-left:3px solid #c62828}
#rows tr[data-state=accepted] td:first-child{border-left:3px solid #2e7d32}
#rows tr[data-state=pending] td:first-child{border-left:3px solid #f9a825}
";

const JS: &str = r#"
(function () {
  var tbody = document.querySelector('#rows tbody');
  var rows = Array.prototype.slice.call(tbody.rows);
  var filter = document.getElementById('filter');
  var state = document.getElementById('state');
  var shown = document.getElementById('shown');
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var s = state.value;
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!s || r.getAttribute('data-state') === s) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  filter.addEventListener('input', apply);
  state.addEventListener('change', apply);
  Array.prototype.forEach.call(document.querySelectorAll('#chart .bar, #counts tbody tr'), function (el) {
    el.addEventListener('click', function () {
      var v = el.getAttribute('data-state');
      state.value = state.value === v ? '' : v;
      apply();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#rows th'), function (th) {
    th.addEventListener('click', function () {
      var col = +th.getAttribute('data-col');
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(document.querySelectorAll('#rows th'), function (o) { o.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var keyed = rows.map(function (r, i) { return [r.cells[col] ? r.cells[col].textContent : '', i, r]; });
      keyed.sort(function (a, b) {
        var c = a[0].localeCompare(b[0], undefined, { numeric: true });
        return (asc ? c : -c) || a[1] - b[1];
      });
      rows = keyed.map(function (k) { return k[2]; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      tbody.appendChild(frag);
    });
  });
  apply();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
