"""Shared fixtures: the seed tables are built once per test session (the build is pure and deterministic).

Tests build into a folder of their own, never the working tree's data/build/: a dashboard running from the
working tree reads that one, and two test runs must not share it. lib.config reads the variable when imported,
so it is set here, before any test imports lib; servers and subprocesses the tests start inherit it."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DASHBOARD_BUILD_DIR", tempfile.mkdtemp(prefix="dashboard-tests-build-"))

import pandas as pd
import pytest

from lib.build.run import build_tables
from lib.config import SEEDS_DIR
from lib.contract import to_frame


def _frames(use_manifest: bool) -> dict[str, pd.DataFrame]:
    tables, report = build_tables(SEEDS_DIR, use_manifest=use_manifest)
    frames = {name: to_frame(table) for name, table in tables.items()}  # as the dashboard holds them
    frames["report"] = report
    return frames


@pytest.fixture(scope="session")
def seed_tables() -> dict[str, pd.DataFrame]:
    """The four tables built from seeds/ with the curator manifest."""
    return _frames(use_manifest=True)


@pytest.fixture(scope="session")
def seed_tables_without_manifest() -> dict[str, pd.DataFrame]:
    """The same build ignoring data/documents.yaml: what the automatic extraction finds alone."""
    return _frames(use_manifest=False)


def doc_by_prefix(tables: dict[str, pd.DataFrame], prefix: str) -> pd.Series:
    """The documents row whose source file starts with prefix ("003")."""
    docs = tables["documents"]
    return docs[docs.source_file.str.startswith(prefix)].iloc[0]


def rows_of(tables: dict[str, pd.DataFrame], table: str, prefix: str) -> pd.DataFrame:
    """Rows of a table that belong to the document whose file starts with prefix."""
    frame = tables[table]
    return frame[frame.doc_id == doc_by_prefix(tables, prefix).doc_id]


# Debian's chromium, never a downloaded one; every browser test module shares this fixture.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
