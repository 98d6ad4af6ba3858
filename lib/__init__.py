"""Tianjin S&T policy pipeline: seeds → normalize → structure → metadata/agencies/targets/tagging → tables."""
