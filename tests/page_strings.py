"""Every string each page hands to Streamlit, as JSON lines on stdout, for tests/test_injection.py.

Run in a fresh process with DASHBOARD_BUILD_DIR (and the other DASHBOARD_* paths) set, since lib.config
reads them at import: `python tests/page_strings.py '{"q": "..."}'` (the URL query of every page).
Each line: [page, element type, field, text]; a plotly chart's spec is walked to its strings (field
"plotly:<keys>", e.g. "plotly:layout.xaxis.title.text").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from lib.config import ROOT  # noqa: E402
from lib.ui.i18n import translate  # noqa: E402

PAGES = [
    "overview",
    "themes",
    "agencies",
    "districts",
    "targets",
    "evolution",
    "benchmark",
    "catalogue",
    "reader",
    "tables",
    "review",
    "importer",
]


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every string of a JSON value; the path names keys only ("data.hovertemplate")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, path)


def _proto_strings(proto: Any) -> Iterator[tuple[str, str]]:
    """(field, text) of every string field of a protobuf message, nested messages included."""
    for field, value in proto.ListFields():
        values = value if isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated") else [value]
        for item in values:
            if isinstance(item, str):
                yield field.name, item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def page_strings(page: str, query: dict[str, str], tab: tuple[str, str] | None = None) -> Iterator[list[str]]:
    """The strings of one page; with tab (session-state key, label), of that tab of the page."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if tab:
        app.session_state[tab[0]] = tab[1]
    if page != "overview" or tab:
        app.switch_page(f"app_pages/{page}.py").run()
    if app.exception:
        yield [page, "exception", "message", str(app.exception)]
    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if node.type == "dataframe":  # a table: its headers and text cells (the Arrow bytes hold them)
            table = pa.ipc.open_stream(proto.arrow_data.data).read_all()  # .value cannot read list columns
            names = [c for c in table.column_names if not c.startswith("__index_level_")]  # a hidden index
            yield from ([page, node.type, "column", c] for c in names)
            for column in table.columns:
                if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                    yield from ([page, node.type, "cell", v] for v in set(column.to_pylist()) if v)
            continue
        if node.type == "plotly_chart":
            for path, text in _json_strings(json.loads(proto.spec)):
                yield [page, node.type, f"plotly:{path}", text]
            continue
        for field, text in _proto_strings(proto):
            yield [page, node.type, field, text]


# The pages that show one tab at a time: (session-state key, the tabs' Chinese labels).
TABS = {
    "themes": ("themes_section", ["主题矩阵", "主题与措施", "产业与政策工具", "关键词", "措施明细"]),
    "evolution": (
        "evolution_section",
        ["主题与工具构成", "新兴与淡出的词语", "各机构的措施", "同一指标的目标", "对比两份文件或两个年份", "承接关系"],
    ),
    "tables": ("tables_shown", ["措施", "目标与参数", "文件", "机构"]),
}


if __name__ == "__main__":
    # page_strings.py QUERY [--tabs] [PAGE ...]: with --tabs, every tab of the pages that have them too
    query = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    every_tab = "--tabs" in sys.argv[2:]
    language = "English" if query.get("lang") == "en" else "中文"
    for name in [a for a in sys.argv[2:] if a != "--tabs"] or PAGES:
        key, labels = TABS.get(name, ("", []))
        runs = [(key, translate(label, language)) for label in labels[1:]] if every_tab else []
        for tab in [None, *runs]:
            for row in page_strings(name, query, tab):
                print(json.dumps(row, ensure_ascii=False))
