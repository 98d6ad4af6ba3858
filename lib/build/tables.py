"""The corpus-wide tables made from every document's rows: agencies (from the measures) and the citations
resolved against the documents (pure, on Arrow tables)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib.config import HOME
from lib.contract import TABLES, renamed_from_text
from lib.intkeys import distinct, groups
from lib.pipeline import agencies, citations, metadata
from lib.pipeline.document import DocResult

AGENCY_COLUMNS = ["measure_id", "doc_id", "agencies", "actors", "lead_agency", "agencies_raw"]


def agency_table(measures: pa.Table, documents: pa.Table) -> pa.Table:
    """The agencies table from the measures (at least AGENCY_COLUMNS): one row per canonical body named as
    responsible or acting. Names, measures and documents are counted as integer codes (lib.intkeys), not
    strings: it runs on every build, adding one document included."""
    rows = pa.table({column: measures[column].combine_chunks() for column in AGENCY_COLUMNS})  # one chunk each
    docs = pc.dictionary_encode(rows["doc_id"].chunk(0))
    doc_of_row = docs.indices.to_numpy()
    n_rows, n_docs = rows.num_rows, len(docs.dictionary)

    def named(column: str) -> tuple[list[str], np.ndarray, np.ndarray]:  # names, and (name code, row) per item
        items = rows[column].chunk(0)
        names = pc.dictionary_encode(pc.list_flatten(items))
        return (
            names.dictionary.to_pylist(),
            names.indices.to_numpy().astype(np.int64),
            pc.list_parent_indices(items).to_numpy(),
        )

    counts: dict[str, dict] = {}
    for column, field_name in (("agencies", "total"), ("actors", "actor")):
        names, code, row_of_item = named(column)
        measures_named = np.bincount(distinct(code * n_rows + row_of_item) // n_rows, minlength=len(names))
        name_doc = distinct(code * n_docs + doc_of_row[row_of_item])
        for name_code, doc_numbers in groups(name_doc // n_docs, name_doc % n_docs):
            row = counts.setdefault(
                names[name_code], {"total": 0, "actor": 0, "lead": 0, "docs": set(), "written": set()}
            )
            row[field_name] = int(measures_named[name_code])
            row["docs"].update(doc_numbers.tolist())
    for lead in pc.value_counts(rows["lead_agency"]).to_pylist():
        if lead["values"] in counts:
            counts[lead["values"]]["lead"] = lead["counts"]
    # canonical() depends on the written name and the document's place only: one call per distinct pair.
    in_documents = pc.index_in(docs.dictionary, value_set=documents["doc_id"])
    place_of = (
        documents.select(["district", "jurisdiction"]).to_pylist()
        if "jurisdiction" in documents.column_names
        else [{"district": d, "jurisdiction": None} for d in documents["district"].to_pylist()]
    )
    place_keys = pa.array([f"{p['district'] or ''}|{p['jurisdiction'] or ''}" for p in place_of], pa.string())
    place = pc.dictionary_encode(pc.take(place_keys, in_documents))
    places = [tuple(key.split("|")) for key in place.dictionary.to_pylist()] + [("", "")]  # the last: unknown
    place_of_doc = pc.fill_null(place.indices, len(places) - 1).to_numpy()
    written, code, row_of_item = named("agencies_raw")
    jurisdictions: dict[str, Counter] = {}
    for pair in distinct(code * len(places) + place_of_doc[doc_of_row[row_of_item]]).tolist():
        raw, (where, jurisdiction) = written[pair // len(places)], places[pair % len(places)]
        name = agencies.canonical(raw, where or None, jurisdiction or None)[0]
        jurisdictions.setdefault(name, Counter())[jurisdiction] += 1
        if name in counts and name != raw:
            counts[name]["written"].add(raw)
    doc_ids = docs.dictionary.to_pylist()
    levels = {b.name: b.level for b in agencies.bodies()}
    table_rows = [
        {
            "agency": name,
            "level": levels.get(name) or _guess_level(name),
            "aliases": sorted(row["written"]),
            "renamed_from": [renamed_from_text(old, year) for old, year in agencies.renamed_from(name)],
            "n_measures_lead": row["lead"],
            "n_measures_total": row["total"],
            "n_measures_actor": row["actor"],
            "doc_ids": sorted(doc_ids[i] for i in row["docs"]),
            "jurisdiction": _agency_jurisdiction(name, levels.get(name), jurisdictions.get(name)),
        }
        for name, row in sorted(counts.items(), key=lambda kv: (-kv[1]["total"], kv[0]))
    ]
    return pa.Table.from_pylist(table_rows, schema=TABLES["agencies"])


def citation_rows(results: list[DocResult]) -> list[dict]:
    """Citation rows of freshly processed documents (resolved later, against the whole corpus)."""
    return [
        {
            "from_doc_id": r.document["doc_id"],
            "cited_title": c.cited_title,
            "cited_number": c.cited_number,
            "resolved_doc_id": None,
            "sentence": c.sentence,
        }
        for r in results
        if r.document is not None
        for c in r.citations
    ]


def resolve_citations(table: pa.Table, documents: pa.Table) -> pa.Table:
    """Point every citation at the corpus document it names, by 文号 first, else by title."""
    index = citations.CorpusIndex(documents.select(["doc_id", "doc_number", "title"]).to_pylist())
    resolved = [
        index.resolve(citations.Citation(t, n, ""))
        for t, n in zip(table["cited_title"].to_pylist(), table["cited_number"].to_pylist())
    ]
    return table.set_column(
        table.schema.get_field_index("resolved_doc_id"), "resolved_doc_id", pa.array(resolved, pa.string())
    )


def _agency_jurisdiction(name: str, level: str | None, seen: Counter | None) -> str | None:
    """The bodies of data/agencies.yaml are Tianjin's; another body's place is the one its name begins with
    (武汉市科技局, 科技部 → 全国), else that of the documents that name it."""
    if level is not None:
        return HOME
    place = metadata.jurisdiction_of(name, "", None, None).name
    if place != HOME or not seen:
        return place
    return seen.most_common(1)[0][0] or HOME


def _guess_level(name: str) -> str:
    return "区级" if "区" in name[:4] or name.startswith(("公安", "各镇", "有关镇")) else "其他"
