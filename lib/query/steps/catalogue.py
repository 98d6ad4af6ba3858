"""文件's step: the catalogue's rows under the filters that describe documents."""

import datetime as dt

from lib.query import catalogue, store


# Computed once per build, filters and day, and shared by every session (store.per_view).
@store.per_view
def rows(f, today: str):
    """The catalogue of the documents in view on `today` (ISO: validity is derived from the date)."""
    tables = store.load_tables()
    documents = tables["documents"]
    return catalogue.catalogue(
        documents[catalogue.in_view(documents, f)], tables["measures"], dt.date.fromisoformat(today)
    )


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    rows(f, dt.date.today().isoformat())
