"""Renders bench/run.sh's records (one JSON object a line) as RESULTS.md.

    python3 report.py RECORDS HEADER_JSON OUT
"""

import json
import statistics
import sys

records_path, header_path, out_path = sys.argv[1:4]
records = [json.loads(line) for line in open(records_path, encoding="utf-8") if line.strip().startswith("{")]
header = json.load(open(header_path, encoding="utf-8"))


def fmt(x, unit):
    if unit in ("µs", "ms") and x < 10:
        return f"{x:.2f}"
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.1f}"


def cell(samples, unit):
    if not samples:
        return "—"
    med = statistics.median(samples)
    s = f"**{fmt(med, unit)} {unit}**"
    if len(samples) > 1:
        s += f" ({fmt(min(samples), unit)} / {fmt(max(samples), unit)})"
    return s


lines = [
    "# Benchmark results",
    "",
    f"Written by `{header['command']}` on {header['date']} (commit {header['commit']}, {header['mode']} run; took {header['seconds']} s).",
    "Each figure: **median** (min / max) over the samples; SDK and baseline measured in the same run, samples",
    "interleaved. Ratio = SDK median / baseline median. Budgets are issue 13's; they are reported, not asserted.",
    "",
    f"- Machine: {header['nproc']} cores, {header['cpu']}; load average at start {header['load']}" + (f" — {header['note']}" if header.get("note") else ""),
    f"- Versions: {header['versions']}",
    "",
    "| figure | SDK | baseline (same run) | ratio | budget | samples |",
    "|---|---|---|---|---|---|",
]
for r in records:
    unit = r["unit"]
    sdk, base = r.get("sdk", []), r.get("base", [])
    ratio = "—"
    if sdk and base:
        ms, mb = statistics.median(sdk), statistics.median(base)
        if mb > 0:
            ratio = f"{ms / mb:.2f}×"
        if r.get("delta"):
            ratio += f" (+{fmt(ms - mb, unit)} {unit})"
    base_cell = f"{r['base_name']}: {cell(base, unit)}" if base else r.get("base_name", "—")
    extra = f" {r['extra']}" if r.get("extra") else ""
    lines.append(f"| {r['figure']} | {cell(sdk, unit)}{extra} | {base_cell} | {ratio} | {r.get('budget', '—')} | {len(sdk)} |")
lines += ["", "How each figure is measured: bench/README.md.", ""]
open(out_path, "w", encoding="utf-8").write("\n".join(lines))
print("\n".join(lines))
