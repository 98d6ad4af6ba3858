"""Shared fixtures: the seed tables are built once per test session (the build is pure and deterministic).

Tests build into a folder of their own, never the working tree's data/build/: a dashboard running from the
working tree reads that one, and two test runs must not share it. lib.config reads the variable when imported,
so it is set here, before any test imports lib; servers and subprocesses the tests start inherit it."""

from __future__ import annotations

import os
import shutil
import tempfile

os.environ.setdefault("DASHBOARD_BUILD_DIR", tempfile.mkdtemp(prefix="dashboard-tests-build-"))

import pandas as pd
import pytest

from lib.build.cli import main as build_main
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


@pytest.fixture()
def store(tmp_path):
    """A private copy of seeds/, an empty manifest (its corrections file next to it) and a build of them: what
    `python -m lib.build --add`, corrections and damage work on. (seeds, build folder, manifest)"""
    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    shutil.copytree(SEEDS_DIR, seeds)
    manifest.write_text("# curated overrides\n", encoding="utf-8")
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    return seeds, out, manifest
