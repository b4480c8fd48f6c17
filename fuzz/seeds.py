#!/usr/bin/env python3
"""Extracts fuzz seeds from tests/vectors/*.json into fuzz/corpus/<target>/ (one file per case).

The committed findings in fuzz/seeds/<target>/ are passed to libFuzzer as a second corpus directory;
this script only writes the generated working corpus (git-ignored). Idempotent: files are named
after the vector case, so a second run rewrites the same files.

Usage: python3 fuzz/seeds.py   (from anywhere)
"""
import json
import pathlib
import re

FUZZ = pathlib.Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "tests" / "vectors"
CORPUS = FUZZ / "corpus"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ][0-9:.]+(?:[Zz]|[+-]\d{2}:\d{2})?")


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, (bytes, str)):
        data = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (folder / name).write_bytes(data)


def response_seed(op, response):
    return {
        "op": op,
        "status": response.get("status", 200),
        "headers": response.get("headers", {}),
        "body": response.get("body", ""),
    }


def main():
    counts = {}
    texts = []

    def count(target):
        counts[target] = counts.get(target, 0) + 1

    responses = json.loads((VECTORS / "responses.json").read_text())
    for case in responses["cases"]:
        if "response" not in case:
            continue  # a transport outcome (timeout, cancellation): no body to seed from
        seed = response_seed(case["op"], case["response"])
        name = case["name"] + ".json"
        write("parse_response", name, seed)
        count("parse_response")
        if seed["status"] >= 300 or not seed["body"]:
            write("problem", name, seed)
            count("problem")
        if case["op"] == "token":
            write("token", name, seed)
            count("token")
        if case["op"] == "get_attestation":
            # One answer to poll, then the server goes away.
            write("flow_wait", "response_" + name, {"answers": [seed], "deadlineMs": 60000})
            count("flow_wait")
        retry = {k.lower(): v for k, v in seed["headers"].items()}.get("retry-after")
        if retry is not None:
            write("retry_after", case["name"] + ".txt", retry)
            count("retry_after")
        texts.append(seed["body"])

    validation = json.loads((VECTORS / "validation.json").read_text())
    for case in validation["cases"]:
        write("validate", case["name"] + ".json", {"kind": case["kind"], "input": case["input"]})
        count("validate")
        texts.append(json.dumps(case["input"]))

    flows = json.loads((VECTORS / "flows.json").read_text())
    for case in flows["cases"]:
        options = case.get("options", {})
        answers = []
        for entry in case.get("script", []):
            if "respond" in entry:
                r = entry["respond"]
                answers.append(
                    {"status": r.get("status", 200), "headers": r.get("headers", {}), "body": r.get("body", "")}
                )
                texts.append(r.get("body", ""))
                retry = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("retry-after")
                if retry is not None:
                    write("retry_after", case["name"] + ".txt", retry)
                    count("retry_after")
            elif "transportError" in entry:
                answers.append({"transportError": entry["transportError"]})
        seed = dict(options)
        seed["answers"] = answers
        if case.get("input"):
            seed["input"] = case["input"]
        target = "flow_ensure" if case["flow"] == "ensure_accepted" else "flow_wait"
        write(target, case["name"] + ".json", seed)
        count(target)

    requests = json.loads((VECTORS / "requests.json").read_text())
    for case in requests["cases"]:
        texts.append(json.dumps(case))

    dates = sorted({m.group(0) for t in texts for m in DATE.finditer(t)})
    for i, date in enumerate(dates):
        write("timestamp", f"vector_date_{i:03}.txt", date)
        count("timestamp")

    for target in sorted(counts):
        print(f"{target}: {counts[target]} seeds from the vectors")


if __name__ == "__main__":
    main()
