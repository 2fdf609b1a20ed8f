"""Frozen dataclasses -> an Arrow table, one column at a time (and back: :func:`field_values`).

The schema drives the conversion: every Arrow field is read from the attribute of the same name
(a Python keyword gets a trailing underscore: the ``from`` column is ``Change.from_``), struct
fields recurse into the nested dataclass, and lists of structs are flattened into one child
array with offsets. So a field added to a dataclass and to the Arrow schema flows through with
no change here. Building columns with list comprehensions instead of a dict per row is what
makes writing pairs cheap: there is no per-row Python object at all.
"""

from __future__ import annotations

import keyword
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
    if rows is not None:  # after the field is reached: only it is copied, not the structs around it
        values = values.take(pa.array(rows, pa.int64()))
    return values.to_pylist()
