"""Every string each page hands to Streamlit, as JSON lines on stdout, for tests/test_injection.py.

Run in a fresh process with DASHBOARD_BUILD_DIR (and the other DASHBOARD_* paths) set, since lib.config
reads them at import: `python tests/page_strings.py '{"q": "..."}'` (the URL query of every page).
Each line: [page, element type, field, text]; a plotly chart's spec is walked to its strings (field "plotly").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lib.config import ROOT  # noqa: E402

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


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _proto_strings(proto: Any) -> Iterator[tuple[str, str]]:
    """(field, text) of every string field of a protobuf message, nested messages included."""
    for field, value in proto.ListFields():
        values = value if isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated") else [value]
        for item in values:
            if isinstance(item, str):
                yield field.name, item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def page_strings(page: str, query: dict[str, str]) -> Iterator[list[str]]:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py").run()
    if app.exception:
        yield [page, "exception", "message", str(app.exception)]
    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if node.type == "plotly_chart":
            for text in _json_strings(json.loads(proto.spec)):
                yield [page, node.type, "plotly", text]
            continue
        for field, text in _proto_strings(proto):
            yield [page, node.type, field, text]


if __name__ == "__main__":
    query = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    for name in sys.argv[2:] or PAGES:
        for row in page_strings(name, query):
            print(json.dumps(row, ensure_ascii=False))
