"""The column-wise Arrow conversion of pairs gives the very table (and Parquet bytes) that the
row-wise reference conversion (``dataclasses.asdict`` -> ``Table.from_pylist``) gives."""

from __future__ import annotations

import io
import keyword
from dataclasses import fields, is_dataclass

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctpairs.builder import Skip, load_builders
from ctpairs.columns import attribute, field_values, take_rows
from ctpairs.model.parse import parse_trial
from ctpairs.schema import PAIR_SCHEMA, SCHEMA_VERSION, pairs_table
from tests._data import real_records
from tests._pairs import PAIR_TRIALS


def _reference_row(value):
    """The row-wise conversion: dataclasses to dicts, a keyword attribute (``from_``) to its field name."""
    if is_dataclass(value):
        return {
            f.name[:-1] if keyword.iskeyword(f.name[:-1]) else f.name: _reference_row(getattr(value, f.name))
            for f in fields(value)
        }
    if isinstance(value, list):
        return [_reference_row(v) for v in value]
    return value


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


@pytest.fixture(scope="module")
def pairs():
    builders = load_builders(["all"])
    found = []
    for record in real_records():
        if record["protocolSection"]["identificationModule"]["nctId"] in PAIR_TRIALS:
            trial = parse_trial(record)
            found += [p for b in builders for p in b.build(trial) if not isinstance(p, Skip)]
    return sorted(found, key=lambda p: p.pair_id)


def test_columns_equal_the_row_wise_reference(pairs):
    # real pairs with and without doses (a null struct), with several provenance sources (a list of structs)
    assert {p.axis for p in pairs} >= {"dose", "arm", "outcome"}
    assert any(p.factual.dose is None for p in pairs) and any(p.factual.dose is not None for p in pairs)
    rows = [{**_reference_row(p), "schema_version": SCHEMA_VERSION} for p in pairs]
    reference = pa.Table.from_pylist(rows, schema=PAIR_SCHEMA)
    table = pairs_table(list(reversed(pairs)))  # sorted by pair_id whatever the order given
    assert table.schema == PAIR_SCHEMA
    assert table.equals(reference)
    assert _parquet(table) == _parquet(reference)


def test_empty_and_keyword_fields():
    assert pairs_table([]).num_rows == 0
    assert attribute("from") == "from_" and attribute("title") == "title"


def test_field_values_of_some_rows(pairs):
    """One nested field, of every row or of the rows at some positions (in the order given)."""
    table = pairs_table(pairs)
    methods = [p.label.method for p in pairs]
    assert field_values(table, "label", "method") == methods
    rows = [len(pairs) - 1, 0, 2]
    assert field_values(table, "label", "method", rows=rows) == [methods[i] for i in rows]
    assert field_values(table, "pair_id", rows=[]) == []


@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    picks=st.lists(st.integers(0, 10**6), max_size=30),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_take_rows_equals_arrow_take(pairs, sizes, picks):
    """Rows taken a record batch at a time are Arrow's own take: any order, repeats, across batches."""
    whole = pairs_table(pairs)
    batches, start = [], 0
    for size in sizes:  # a table of several record batches, as a memory-mapped spill file is
        if start < whole.num_rows:
            batches += whole.slice(start, size).to_batches()
            start += size
    table = pa.Table.from_batches(batches, schema=whole.schema)
    indices = [p % table.num_rows for p in picks]
    taken = take_rows(table, indices)
    assert taken.equals(table.take(pa.array(indices, pa.int64())))
    assert taken.column("pair_id").to_pylist() == [table.column("pair_id")[i].as_py() for i in indices]
    # one field of those rows is taken chunk by chunk the same way
    assert field_values(table, "label", "method", rows=indices) == [
        row["method"] for row in taken.column("label").to_pylist()
    ]


def test_take_rows_refuses_rows_outside_the_table(pairs):
    table = pairs_table(pairs[:3])
    with pytest.raises(IndexError, match="row 3 of a table of 3 rows"):
        take_rows(table, [0, 3])
    with pytest.raises(IndexError, match="row 3 of a table of 3 rows"):
        field_values(table, "pair_id", rows=[3])
    assert take_rows(table, []).num_rows == 0 and take_rows(table, []).schema == table.schema
