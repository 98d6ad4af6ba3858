"""The README documents every table of the contract, and its layout tree names every page and every module."""

from lib.config import ROOT
from lib.contract import TABLES

README = (ROOT / "README.md").read_text(encoding="utf-8")
LAYOUT = README[README.index("## Layout") : README.index("## The build")]


def test_readme_names_every_table():
    assert all(f"{name}.parquet" in README for name in TABLES)


def test_the_layout_tree_names_every_page_and_module():
    files = [*(ROOT / "app_pages").glob("*.py"), *(p for p in (ROOT / "lib").rglob("*.py") if p.name != "__init__.py")]
    assert not [p.relative_to(ROOT).as_posix() for p in files if p.name not in LAYOUT]
    packages = [p.parent.relative_to(ROOT / "lib").as_posix() for p in (ROOT / "lib").rglob("__init__.py")]
    assert not [pkg for pkg in packages if pkg != "." and f"{pkg.split('/')[-1]}/" not in LAYOUT]
