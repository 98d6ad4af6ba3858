"""主题 (themes) as tables: theme × document (or year) cells, the theme → measures tree, instrument counts and
the table of the measures behind a selection (pure pandas, tested). lib/charts/themes.py draws them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.config import TAXONOMY_YAML
from lib.intkeys import distinct
from lib.query import permalinks
from lib.query.labels import LabelIndex, index_labels
from lib.query.views import MAX_DOCUMENT_COLUMNS, WRAPPED_COLUMNS, first_in_reading_order, unique_labels

INSTRUMENT_TYPES = ("供给型", "环境型", "需求型")  # Rothwell & Zegveld, in the order of data/taxonomy.yaml


UNKNOWN_YEAR = "年份不详"


MATRIX_BY = {"document": "主题 × 文件", "year": "主题 × 年份"}


ROOT_LABEL = "全部"


# A drilled-in theme shows at most this many headings (an 8 × 8 grid keeps boxes ~130 × 60 px on a
# 1,040 × 480 plot, room for two lines of 7 characters); the rest are one box "其余 N 条".
LEAVES_PER_THEME = 64


def _pairs(measures: pd.DataFrame, column: str, index: LabelIndex | None) -> pd.DataFrame:
    """One row per (measure, label) of a list column, a label once per measure: row (the measure's
    position in `measures`), label (Categorical, alphabetical). `index`: the column's LabelIndex of
    `measures` if at hand (store.labels_within), built here otherwise."""
    return (index or index_labels(measures[column])).pairs()


def _document_ranks(measures: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Each measure's document as an integer that sorts like its doc_id, and the doc_ids by that integer."""
    codes, doc_ids = pd.factorize(measures.doc_id, sort=True)
    return codes, pd.Index(doc_ids)


def _doc_label(year, title: str, width: int = 11, lines: int = 3) -> str:
    """'2021·天津市科技创新“十四五”规划' wrapped for an axis: short lines, at most `lines` of them."""
    text = f"{int(year) if pd.notna(year) else '?'}·{title}"
    parts = [text[i : i + width] for i in range(0, len(text), width)]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], parts[lines - 1][: width - 1] + "…"]
    return "<br>".join(parts)


def theme_matrix(
    measures: pd.DataFrame,
    documents: pd.DataFrame,
    by: str = "document",
    max_columns: int = MAX_DOCUMENT_COLUMNS,
    themes: LabelIndex | None = None,
) -> pd.DataFrame:
    """Measures per (theme, document) or (theme, year): columns theme, column (axis label), column_name
    (for the hover), column_rank, n, theme_total; largest theme first, columns by year then title.
    By document, only the `max_columns` documents with the most tagged measures are kept (theme_total
    still counts all): a wider grid is unreadable. `matrix_documents` says how many there were."""
    columns = ["theme", "column", "column_name", "column_rank", "n", "theme_total"]
    pairs = _pairs(measures, "themes", themes).rename(columns={"label": "theme"})
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    totals = pairs.groupby("theme").size().rename("theme_total")
    if by == "year":
        pairs["year"] = measures.year.to_numpy(dtype=float, na_value=np.nan)[pairs.row.to_numpy()]
        counts = pairs.groupby(["theme", "year"], dropna=False).size().rename("n").reset_index()
        counts = counts[counts.n > 0]
        counts["column"] = counts.year.map(lambda y: str(int(y)) if pd.notna(y) else UNKNOWN_YEAR)
        counts["column_name"] = counts.column.map(lambda c: c if c == UNKNOWN_YEAR else f"{c} 年")
        counts["column_rank"] = counts.year.fillna(9999).astype(int)
    else:
        doc_codes, doc_ids = _document_ranks(measures)
        pairs["doc"] = doc_codes[pairs.row.to_numpy()]
        tagged = pd.Series(np.bincount(doc_codes[distinct(pairs.row.to_numpy())], minlength=len(doc_ids)))
        largest = tagged[tagged > 0].sort_values(ascending=False, kind="stable").head(max_columns)  # ties: doc_id order
        counts = pairs[pairs.doc.isin(largest.index)].groupby(["theme", "doc"]).size().rename("n").reset_index()
        counts = counts[counts.n > 0]
        docs = documents.set_index("doc_id")
        used = pd.DataFrame({"doc": largest.index, "doc_id": doc_ids[largest.index]})
        used["title"] = used.doc_id.map(docs.title).fillna(used.doc_id)
        used["year"] = used.doc_id.map(docs.year)
        used = used.sort_values(["year", "title", "doc_id"], na_position="last").reset_index(drop=True)
        lines = 3 if len(used) <= WRAPPED_COLUMNS else 1  # many columns: one slanted line each
        used["column"] = unique_labels(
            pd.Series(
                [_doc_label(y, t, width=11 if lines == 3 else 18, lines=lines) for y, t in zip(used.year, used.title)]
            ),
            used.doc_id,
        )
        used["column_rank"] = range(len(used))
        counts = counts.join(used.set_index("doc")[["column", "title", "column_rank"]], on="doc").rename(
            columns={"title": "column_name"}
        )
    counts = counts.join(totals, on="theme").astype({"theme": object})
    counts = counts.sort_values(["theme_total", "theme", "column_rank"], ascending=[False, True, True])
    return counts[columns].reset_index(drop=True)


def matrix_documents(measures: pd.DataFrame, themes: LabelIndex | None = None) -> int:
    """How many documents have a measure with a theme (the matrix by document shows at most
    `max_columns` of them)."""
    tagged = distinct((themes or index_labels(measures["themes"])).rows)
    return int(measures.doc_id.iloc[tagged].nunique())


def _box_label(heading: str, width: int = 7, lines: int = 2) -> str:
    """A heading in at most two short lines, so treemap boxes keep a readable font size."""
    if len(heading) > width * lines:
        heading = heading[: width * lines - 1] + "…"
    return "<br>".join(heading[i : i + width] for i in range(0, len(heading), width))


def theme_tree(
    measures: pd.DataFrame, documents: pd.DataFrame, leaves: int = LEAVES_PER_THEME, themes: LabelIndex | None = None
) -> pd.DataFrame:
    """Nodes of the theme → measure treemap: columns id, parent, label, value, theme, hover.
    Root 全部 → every theme (value = its measures) → the headings of its measures (one unit each)."""
    columns = ["id", "parent", "label", "value", "theme", "hover"]
    pairs = _pairs(measures, "themes", themes).rename(columns={"label": "theme"})
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    titles = documents.set_index("doc_id").title
    rows = pairs.row.to_numpy()
    sizes = pairs.groupby("theme").size()
    sizes = sizes[sizes > 0].sort_values(ascending=False, kind="stable")  # ties: A→Z (the categories' order)
    # The measures most specific to a theme (fewest other themes) come first, then reading order.
    ordered = pairs.assign(
        spread=np.bincount(rows, minlength=len(measures))[rows],
        doc=_document_ranks(measures)[0][rows],
        ordinal=measures.ordinal.to_numpy()[rows],
    ).sort_values(["spread", "doc", "ordinal"], kind="stable")
    heads = ordered.groupby("theme").head(leaves)
    leaf = measures[["measure_id", "doc_id", "heading"]].iloc[heads.row.to_numpy()].assign(theme=heads.theme.to_numpy())
    shown = dict(iter(leaf.groupby("theme", sort=False)))
    nodes = [
        {
            "id": ROOT_LABEL,
            "parent": "",
            "label": ROOT_LABEL,
            "value": int(sizes.sum()),
            "theme": "",
            "hover": f"{len(measures)} 条措施（一条措施可属多个主题）",
        }
    ]
    for theme, size in sizes.items():
        nodes.append(
            {
                "id": theme,
                "parent": ROOT_LABEL,
                "label": theme,
                "value": int(size),
                "theme": theme,
                "hover": f"{theme}：{size} 条措施",
            }
        )
        for row in shown[theme].itertuples():
            nodes.append(
                {
                    "id": f"{theme}/{row.measure_id}",
                    "parent": theme,
                    "label": _box_label(row.heading),
                    "value": 1,
                    "theme": theme,
                    "hover": f"{row.heading}<br>{titles.get(row.doc_id, row.doc_id)}",
                }
            )
        rest = int(size) - len(shown[theme])
        if rest > 0:
            nodes.append(
                {
                    "id": f"{theme}/其余",
                    "parent": theme,
                    "label": f"其余 {rest} 条",
                    "value": rest,
                    "theme": theme,
                    "hover": f"{theme} 的其余 {rest} 条措施见下方措施明细",
                }
            )
    return pd.DataFrame(nodes, columns=columns)


def instrument_counts(measures: pd.DataFrame, instruments: LabelIndex | None = None) -> pd.DataFrame:
    """Measures per policy instrument: columns top (供给型…), sub, label ('供给型·人才支持'), n, top_n
    (measures with any sub-type of the top type); top types in INSTRUMENT_TYPES order, sub-types by n."""
    columns = ["top", "sub", "label", "n", "top_n"]
    pairs = _pairs(measures, "instruments", instruments)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    counts = pairs.groupby("label").size().rename("n").reset_index().astype({"label": object})
    counts = counts[counts.n > 0]
    counts["top"] = counts.label.str.split("·").str[0]
    counts["sub"] = counts.label.str.split("·").str[-1]
    # A measure with two sub-types of one type counts once for the type.
    top_n = (
        pairs.assign(top=pairs.label.map(dict(zip(counts.label, counts.top))))
        .drop_duplicates(["row", "top"])
        .groupby("top")
        .size()
    )
    counts = counts.join(top_n.rename("top_n"), on="top")
    rank = {t: n for n, t in enumerate(INSTRUMENT_TYPES)}
    counts["rank"] = counts.top.map(lambda t: rank.get(t, len(rank)))
    counts = counts.sort_values(["rank", "top", "n", "sub"], ascending=[True, True, False, True])
    return counts[columns].reset_index(drop=True)


def with_tag_clauses(tree: pd.DataFrame, clauses: dict[str, list[str]], width: int = 36) -> pd.DataFrame:
    """The treemap's measure boxes with, on hover, the clause that gave the measure its theme (tag_clauses
    of the measures shown, by measure_id)."""
    if tree.empty or not clauses:
        return tree

    def hover(node: str, theme: str, text: str) -> str:
        measure_id = node.split("/", 1)[1] if "/" in node else ""
        prefix = f"主题·{theme}←"
        clause = next((c[len(prefix) :] for c in clauses.get(measure_id, ()) if c.startswith(prefix)), None)
        if clause is None:
            return text
        lines = [clause[i : i + width] for i in range(0, len(clause), width)]
        return f"{text}<br>依据：“{'<br>'.join(lines)}”"

    return tree.assign(hover=[hover(n, t, h) for n, t, h in zip(tree.id, tree.theme, tree.hover)])


def tag_rules_text() -> str:
    """data/taxonomy.yaml as written, comments included: the rules that make the tags, for officials to read."""
    return TAXONOMY_YAML.read_text(encoding="utf-8")


def measure_table(measures: pd.DataFrame, documents: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """措施明细: one row per measure with its document, tags, the words that triggered them and (when the
    frame has tag_clauses) the clauses they stand in; the first `limit` in reading order when given."""
    titles = documents.set_index("doc_id").title
    ordered = first_in_reading_order(measures, limit)

    def joined(values) -> str:
        return "、".join(values) if values is not None else ""

    def evidence(values) -> str:
        # Districts and target groups are not on this page; their evidence would only add noise.
        return "；".join(v for v in (values if values is not None else []) if v.startswith(("主题·", "产业·", "工具·")))

    return pd.DataFrame(
        {
            "措施": ordered.heading.values,
            "文件": ordered.doc_id.map(titles).fillna(ordered.doc_id).values,
            "年份": ordered.year.values,
            "位置": ordered.outline.values,
            "主题": ordered.themes.map(joined).values,
            "产业": ordered.industries.map(joined).values,
            "政策工具": ordered.instruments.map(joined).values,
            "标注依据": ordered.tag_evidence.map(evidence).values,
            **(
                {"依据原文": ordered.tag_clauses.map(evidence).values}  # the clause each tag came from
                if "tag_clauses" in ordered.columns
                else {}
            ),
            permalinks.LINK_COLUMN: permalinks.measure_links(ordered.measure_id),
        }
    )
