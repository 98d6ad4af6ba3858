"""Interface labels in English (data/i18n.yaml); document text is never translated."""

from __future__ import annotations

from lib.config import DATA_DIR
from lib.reference import load_yaml

I18N_YAML = DATA_DIR / "i18n.yaml"


def translate(label: str, language: str) -> str:
    """The label in the chosen language ("English" or anything else for Chinese); unknown labels stay as written."""
    if language != "English":
        return label
    return load_yaml(I18N_YAML).get(label, label)
