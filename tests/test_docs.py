"""The README documents every table of the contract and every page of the dashboard."""
from lib.config import ROOT
from lib.contract import TABLES


def test_readme_names_every_table_and_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"{name}.parquet" in readme for name in TABLES)
    assert all(f"pages/content/{page.name}" in readme for page in (ROOT / "pages" / "content").glob("*.py"))
