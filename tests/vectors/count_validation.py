#!/usr/bin/env python3
"""Counts validation.json's cases by field: python3 tests/vectors/count_validation.py [file]

An invalid case counts for the field its violations point at ("several" when they point at more
than one field); a valid case for the field its name names ("whole body" when it names none)."""
import collections
import json
import sys

LEAF = {
    "firstName": "name", "lastName": "name", "contactFirstName": "name", "contactLastName": "name",
    "emailAddress": "email", "contactEmail": "email", "phoneNumber": "phone", "contactPhone": "phone",
    "language": "language", "country": "country", "acceptanceDate": "acceptanceDate",
    "currencyCode": "currency", "domainPrefix": "domainPrefix", "automaticFlow": "automaticFlow",
    "organizationId": "organizationId", "city": "other text", "address": "other text",
    "postalCode": "other text", "id": "other text", "organizationNumber": "other text",
}
WORDS = [("first_name", "name"), ("last_name", "name"), ("name", "name"), ("email", "email"),
         ("phone", "phone"), ("language", "language"), ("country", "country"),
         ("date", "acceptanceDate"), ("currency", "currency"), ("domain_prefix", "domainPrefix"),
         ("city", "other text"), ("org_id", "organizationId"), ("base_url", "baseUrl")]


def field(case):
    if case["kind"] == "base_url":
        return "baseUrl"
    if not case["valid"]:
        err = case["error"]
        pointers = err.get("pointers") or [v["pointer"] for v in err.get("violations", [])]
        fields = {LEAF.get(p.rsplit("/", 1)[-1], p) for p in pointers}
        return fields.pop() if len(fields) == 1 else "several"
    for word, name in WORDS:
        if f"_{word}_" in f"_{case['name']}_":
            return name
    return "whole body"


path = sys.argv[1] if len(sys.argv) > 1 else "tests/vectors/validation.json"
counts = collections.Counter()
for case in json.load(open(path, encoding="utf-8"))["cases"]:
    counts[(field(case), case["valid"])] += 1
fields = sorted({f for f, _ in counts})
print(f"{'field':16} {'valid':>5} {'invalid':>7} {'total':>5}")
for f in fields:
    v, i = counts[(f, True)], counts[(f, False)]
    print(f"{f:16} {v:5} {i:7} {v + i:5}")
print(f"{'all':16} {sum(n for (_, ok), n in counts.items() if ok):5} "
      f"{sum(n for (_, ok), n in counts.items() if not ok):7} {sum(counts.values()):5}")
