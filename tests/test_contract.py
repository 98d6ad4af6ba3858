"""The contract's one written form that holds two values: agencies.renamed_from, "市科委（2018年更名）"."""

import pytest

from lib.contract import Renaming, parse_renamed_from, renamed_from_text, renaming_label


@pytest.mark.parametrize(
    "text, renaming",
    [
        ("市科委（2018年更名）", Renaming("市科委", 2018)),
        ("市工业和信息化委（2018更名）", Renaming("市工业和信息化委", 2018)),
        ("市经信委", Renaming("市经信委", None)),  # another form: the name, year unknown
    ],
)
def test_a_renaming_is_read_back_as_name_and_year(text, renaming):
    assert parse_renamed_from(text) == renaming


def test_what_the_build_writes_reads_back():
    assert parse_renamed_from(renamed_from_text("市科委", 2018)) == Renaming("市科委", 2018)
    assert renaming_label(Renaming("市科委", 2018)) == "市科委（2018）" and renaming_label(Renaming("甲", None)) == "甲"
