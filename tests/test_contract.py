"""The contract's one written form that holds two values: agencies.renamed_from, "市科委（2018年更名）"."""

import pyarrow as pa
import pytest

from lib.contract import Renaming, one_chunk, parse_renamed_from, renamed_from_text, renaming_label, to_frame


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


class OverflowingColumn:
    """A column whose strings do not fit one chunk with 32-bit offsets, as the measures' texts near 100,000
    documents (over 2 GiB): combining it raises as Arrow does, unless its strings are large strings first."""

    def __init__(self, column):
        self.column, self.type = column, column.type

    def combine_chunks(self):
        raise pa.ArrowInvalid("offset overflow while concatenating arrays")

    def cast(self, arrow_type):
        return self.column.cast(arrow_type)


@pytest.mark.parametrize(
    "values, arrow_type, large_type",
    [
        (["建设中试平台", None, "培育企业"], pa.string(), pa.large_string()),
        ([["人才", "平台"], [], None], pa.list_(pa.string()), pa.list_(pa.large_string())),
        ([1, 2, None], pa.int64(), pa.int64()),
    ],
)
def test_a_column_too_large_for_one_chunk_keeps_its_values_as_large_strings(values, arrow_type, large_type):
    column = pa.chunked_array([values[:1], values[1:]], type=arrow_type)
    assert one_chunk(column).num_chunks == 1 and one_chunk(column).type == arrow_type  # fits: the type unchanged
    if arrow_type == large_type:
        return
    spilled = one_chunk(OverflowingColumn(column))
    assert spilled.num_chunks == 1 and spilled.type == large_type and spilled.to_pylist() == values


def test_a_frame_with_large_strings_reads_like_one_with_strings():
    lists = pa.chunked_array([[["人才", "平台"]], [[], None]], type=pa.list_(pa.string()))
    large = pa.table(
        {"themes": lists.cast(pa.list_(pa.large_string())), "text": pa.array(["甲", "乙", "丙"], pa.large_string())}
    )
    frame = to_frame(large)
    assert frame.themes.list.len().fillna(-1).tolist() == [2, 0, -1] and frame.text.tolist() == ["甲", "乙", "丙"]
