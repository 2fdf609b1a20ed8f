"""Frozen dataclasses -> an Arrow table, one column at a time (and back: :func:`field_values`;
some rows of a large table: :func:`take_rows`).

The schema drives the conversion: every Arrow field is read from the attribute of the same name
(a Python keyword gets a trailing underscore: the ``from`` column is ``Change.from_``), struct
fields recurse into the nested dataclass, and lists of structs are flattened into one child
array with offsets. So a field added to a dataclass and to the Arrow schema flows through with
no change here. Building columns with list comprehensions instead of a dict per row is what
makes writing pairs cheap: there is no per-row Python object at all.
"""

from __future__ import annotations

import keyword
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import accumulate
from operator import attrgetter
from typing import Any

import pyarrow as pa


@cache
def attribute(name: str) -> str:
    """The Python attribute an Arrow field name is read from (``from`` -> ``from_``)."""
    return f"{name}_" if keyword.iskeyword(name) else name


def objects_table(items: Sequence[Any], schema: pa.Schema, constants: Mapping[str, Any] | None = None) -> pa.Table:
    """A table of ``items`` (dataclass instances) in ``schema``, rows in the order given.

    ``constants`` fills columns that are not attributes (e.g. the schema version) with one value.
    """
    constants = constants or {}
    columns = []
    for f in schema:
        if f.name in constants:
            columns.append(pa.array([constants[f.name]] * len(items), type=f.type))
        else:
            columns.append(_array(list(map(attrgetter(attribute(f.name)), items)), f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _array(values: list[Any], type_: pa.DataType) -> pa.Array:
    if pa.types.is_struct(type_):
        return _struct_array(values, type_)
    if pa.types.is_list(type_) and pa.types.is_struct(type_.value_type):
        return _list_of_structs(values, type_)
    return pa.array(values, type=type_)


def _struct_array(values: list[Any], type_: pa.StructType) -> pa.Array:
    nulls = [v is None for v in values]
    children = []
    for f in type_:
        get = attrgetter(attribute(f.name))
        children.append(
            _array([None if v is None else get(v) for v in values] if any(nulls) else list(map(get, values)), f.type)
        )
    return pa.StructArray.from_arrays(children, fields=list(type_), mask=pa.array(nulls) if any(nulls) else None)


def _list_of_structs(values: list[Any], type_: pa.ListType) -> pa.Array:
    nulls = [v is None for v in values]
    offsets = pa.array([0, *accumulate(len(v or ()) for v in values)], type=pa.int32())
    flat = _struct_array([item for v in values if v for item in v], type_.value_type)
    return pa.ListArray.from_arrays(offsets, flat, type=type_, mask=pa.array(nulls) if any(nulls) else None)


def field_values(table: pa.Table, *path: str, rows: Sequence[int] | None = None) -> list[Any]:
    """One (nested) field of every row of ``table`` (or of the ``rows`` at these positions) as
    Python values, e.g. ``("label", "method")``: the one field is converted, never the whole row
    around it."""
    import pyarrow.compute as pc

    values = table.column(path[0])
    for name in path[1:]:
        values = pc.struct_field(values, name)
    if rows is None:
        return values.to_pylist()
    # after the field is reached: only it is copied, not the structs around it, and chunk by chunk
    groups, order = _by_chunk([len(c) for c in values.chunks], rows)
    if not groups:
        return []
    taken = pa.concat_arrays([values.chunk(k).take(local) for k, local in groups])
    return (taken if order is None else taken.take(order)).to_pylist()


def _by_chunk(lengths: Sequence[int], indices: Sequence[int]) -> tuple[list[tuple[int, pa.Array]], pa.Array | None]:
    """Where the rows at ``indices`` lie in chunks of these lengths: (chunk, positions in it) in
    chunk order, and the order that puts the rows so taken back in the order of ``indices``
    (``None`` when they already are)."""
    starts = list(accumulate(lengths, initial=0))
    by_chunk: dict[int, list[tuple[int, int]]] = {}  # chunk -> (position in the chunk, position in `indices`)
    for position, index in enumerate(indices):
        if not 0 <= index < starts[-1]:
            raise IndexError(f"row {index} of a table of {starts[-1]} rows")
        k = bisect_right(starts, index) - 1
        by_chunk.setdefault(k, []).append((index - starts[k], position))
    groups, positions = [], []
    for k, wanted in sorted(by_chunk.items()):
        groups.append((k, pa.array([i for i, _ in wanted], pa.int64())))
        positions += [p for _, p in wanted]
    if positions == sorted(positions):
        return groups, None
    order = [0] * len(positions)  # the row taken for each position of `indices`
    for row, position in enumerate(positions):
        order[position] = row
    return groups, pa.array(order, pa.int64())


def take_rows(table: pa.Table, indices: Sequence[int]) -> pa.Table:
    """The rows of ``table`` at ``indices``, in that order: ``table.take(indices)``, read one record
    batch at a time.

    pyarrow's ``Table.take`` concatenates each column's chunks before it takes (pyarrow 26), so every
    call copied whole columns into memory: from a memory-mapped table of a million pairs, gigabytes
    for each few thousand rows taken. Here each record batch gives only its own rows
    (:func:`field_values` takes a field's rows the same way).

    Raises:
        IndexError: an index outside the table.
    """
    batches = table.to_batches()
    groups, order = _by_chunk([b.num_rows for b in batches], indices)
    if not groups:
        return table.slice(0, 0)
    pieces = [batches[k].take(local) for k, local in groups]
    taken = pa.Table.from_batches(pieces, schema=table.schema).combine_chunks()  # just the rows taken
    return taken if order is None else taken.take(order)
