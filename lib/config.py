"""Where things live. Every path derives from this file, never from the working directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "data"
BUILD_DIR = DATA_DIR / "build"

AGENCIES_YAML = DATA_DIR / "agencies.yaml"
PLACES_YAML = DATA_DIR / "places.yaml"
TAXONOMY_YAML = DATA_DIR / "taxonomy.yaml"
DOCUMENTS_YAML = DATA_DIR / "documents.yaml"
BOILERPLATE_YAML = DATA_DIR / "boilerplate.yaml"
EVENTS_YAML = DATA_DIR / "events.yaml"
KINDS_YAML = DATA_DIR / "kinds.yaml"
JIEBA_USERDICT = DATA_DIR / "jieba_userdict.txt"
STOPWORDS_TXT = DATA_DIR / "stopwords.txt"

# Bump when any stage's output changes, so cached per-document results are not reused.
PIPELINE_VERSION = "1"
