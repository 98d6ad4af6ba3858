"""Where things live. Every path derives from this file, never from the working directory."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# The three places that imports and builds write to can be moved (tests run a server on a private
# copy so an upload never touches the repository): DASHBOARD_SEEDS_DIR, DASHBOARD_BUILD_DIR, DASHBOARD_MANIFEST.
SEEDS_DIR = Path(os.environ.get("DASHBOARD_SEEDS_DIR", ROOT / "seeds"))
BUILD_DIR = Path(os.environ.get("DASHBOARD_BUILD_DIR", DATA_DIR / "build"))

AGENCIES_YAML = DATA_DIR / "agencies.yaml"
PLACES_YAML = DATA_DIR / "places.yaml"
TAXONOMY_YAML = DATA_DIR / "taxonomy.yaml"
DOCUMENTS_YAML = Path(os.environ.get("DASHBOARD_MANIFEST", DATA_DIR / "documents.yaml"))
BOILERPLATE_YAML = DATA_DIR / "boilerplate.yaml"
EVENTS_YAML = DATA_DIR / "events.yaml"
JURISDICTIONS_YAML = DATA_DIR / "jurisdictions.yaml"
KINDS_YAML = DATA_DIR / "kinds.yaml"
JIEBA_USERDICT = DATA_DIR / "jieba_userdict.txt"
STOPWORDS_TXT = DATA_DIR / "stopwords.txt"
# The reference files the pipeline reads: a build reads them once into a snapshot (lib.reference.Snapshot),
# every stage reads them from it, and its digest enters the build's fingerprint. documents.yaml is not among
# them: each document's own entry enters that document's key.
PIPELINE_REFERENCE = (
    AGENCIES_YAML,
    PLACES_YAML,
    TAXONOMY_YAML,
    BOILERPLATE_YAML,
    EVENTS_YAML,
    JURISDICTIONS_YAML,
    KINDS_YAML,
    JIEBA_USERDICT,
    STOPWORDS_TXT,
)

# The dashboard's own place: its reference data (agencies, districts, renamings) is Tianjin's, a document that
# names no other place is Tianjin's, and the pages show Tianjin unless an official chooses another place.
HOME = "天津市"

# Bump when any stage's output changes, so cached per-document results are not reused.
PIPELINE_VERSION = "1"
