"""What officials take away: the filtered tables as Excel and CSV (tables), a page's charts as a PPTX deck (deck)."""
