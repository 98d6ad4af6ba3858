"""The corrections stage (issue #18): reading data/corrections.yaml and applying it to the measures, as a build does.

    .venv/bin/python bench/bench_corrections.py [--measures 10000] [--corrections 1000] [--runs 5]

Generates a measures table (40 measures a document) and corrections of random rows (set, review, drop), then
times, as medians of --runs: parsing the YAML, resolving the corrections to documents, applying them to the
table in the build's runs (200 documents each), and applying an empty file (the cost every build pays).
Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.build import corrections as corr  # noqa: E402
from lib.contract import TABLES  # noqa: E402

PER_DOCUMENT, RUN_DOCUMENTS = 40, 200


def measures(n: int) -> tuple[pa.Table, list[tuple[str, str]]]:
    docs = [hashlib.sha256(str(d).encode()).hexdigest() for d in range(max(1, n // PER_DOCUMENT))]
    rows = [
        {
            "measure_id": f"{docs[i // PER_DOCUMENT][:12]}-m{i % PER_DOCUMENT:03d}",
            "doc_id": docs[i // PER_DOCUMENT][:12],
            "ordinal": i % PER_DOCUMENT + 1,
            "text": f"第{i}条：支持企业建设中试平台，推动成果转化。",
            "kind": "task",
            "agencies": ["市科技局"],
            "agency_source": "issuer",
            "confidence": 0.8,
            "confidence_reasons": ["body_from_issuer"],
            "corrected": False,
            "reviewed": False,
        }
        for i in range(n)
    ]
    return pa.Table.from_pylist(rows, schema=TABLES["measures"]), [(f"{d[:8]}.txt", d) for d in docs]


def corrections(table: pa.Table, inputs: list[tuple[str, str]], n: int, seed: int = 7) -> list[corr.Correction]:
    rng = random.Random(seed)
    sha_of = {sha[:12]: (name, sha) for name, sha in inputs}
    rows = table.select(["doc_id", "text"]).to_pylist()
    found = []
    for k, i in enumerate(rng.sample(range(len(rows)), min(n, len(rows)))):
        name, sha = sha_of[rows[i]["doc_id"]]
        action = rng.choice(["set", "set", "review", "drop"])
        found.append(
            corr.Correction(
                id=f"c{k:010d}",
                who="bench",
                when="2026-01-01T00:00:00+00:00",
                table="measures",
                action=action,
                content_sha256=sha,
                source_file=name,
                text_sha1=corr.text_sha1("measures", rows[i]),
                text=rows[i]["text"][:30],
                values={"agencies": ["市教委"], "lead_agency": "市教委"} if action == "set" else {},
            )
        )
    return found


def applied(table: pa.Table, corrector: corr.Corrector) -> pa.Table:
    """The table through the corrector in the build's runs (each document's rows whole)."""
    step = RUN_DOCUMENTS * PER_DOCUMENT
    return pa.concat_tables(
        [corrector.apply("measures", table.slice(start, step)) for start in range(0, table.num_rows, step)]
    )


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--corrections", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    table, inputs = measures(args.measures)
    found = corrections(table, inputs, args.corrections)
    text = corr.dump(found)
    parse = median_seconds(lambda: corr.parse(text), args.runs)
    resolve = median_seconds(lambda: corr.Corrector(found, inputs), args.runs)
    apply = median_seconds(lambda: applied(table, corr.Corrector(found, inputs)), args.runs)
    empty = median_seconds(lambda: applied(table, corr.Corrector([], inputs)), args.runs)
    corrector = corr.Corrector(found, inputs)
    out = applied(table, corrector)
    report = corrector.report()
    print(
        f"{args.measures:,} measures in {len(inputs):,} documents, {len(found):,} corrections ({len(text) / 1024:.0f} KB of YAML)"
    )
    print(f"  parse the YAML          {parse * 1000:8.1f} ms")
    print(f"  resolve to documents    {resolve * 1000:8.1f} ms")
    print(
        f"  apply (incl. resolve)   {apply * 1000:8.1f} ms   → {out.num_rows:,} rows, {report['applied']:,} applied, {len(report['orphans'])} orphans"
    )
    print(f"  no corrections          {empty * 1000:8.1f} ms   (what every build pays)")
    print(f"  median of {args.runs} runs")


if __name__ == "__main__":
    main()
