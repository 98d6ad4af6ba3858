"""Property tests: normalisation, parsing and target extraction never raise on arbitrary input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lib.pipeline import structure, targets
from lib.pipeline.document import process_document
from lib.pipeline.normalize import normalize_text

POLICY_ALPHABET = st.sampled_from(
    list(
        "一二三四五六七八九十、（）()。，；：*.——是第章条年月日%家件个项亿万元到至达突破不低于超过以上责任单位区科技局市關(guān)于印發的通知\n 0123456789"
    )
    + ["\ufffd", "〔", "〕", "号"]
)
policy_like = st.lists(POLICY_ALPHABET, max_size=400).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=400), policy_like))
def test_normalize_structure_and_targets_never_raise(text):
    normalized = normalize_text(text)
    tree = structure.parse(normalized.text)
    for leaf in tree.leaves:
        targets.extract(leaf.text, 2021)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "b.html", "c.docx", "d.pdf", "e.exe", "f"]))
def test_any_bytes_are_either_built_or_rejected_with_a_message(raw, name):
    result = process_document(name, raw, None)
    assert result.status in ("ok", "warning", "rejected")
    assert result.status != "rejected" or result.messages
