"""The pipeline: pure stages from one document's bytes to its rows, reading the reference files from the active
snapshot (lib/reference.py). normalize → structure → metadata → agencies → targets → tagging; citations; and
document.process_document, which runs them in order. Nothing here writes a file or imports the read side."""
