"""The read side: store (the only reader of the tables), the shared filters, indexes, search, the named reshaping
steps of the pages (views, steps/) and the analyses they draw on (evolution, lineage, network, textstats, geo)."""
