"""Fuzz harness: damaged records and files never crash ctpairs, and nothing readable is lost.

* Records mutated from real ones (fields removed, wrong types, strings for numbers, huge and empty
  lists, unicode, deep nesting) go through ``parse_trial`` and every registered builder: a record
  either parses or is refused with ``BadRecordError`` (its adverse events, parsed when read, too),
  and every builder then yields pairs that fit the Parquet schema, or skips, without raising.
* Files of real records, damaged (truncated, bytes flipped, random bytes, the wrong compression for
  the name, good and bad lines mixed) go through the readers, ``ingest`` and ``build``: no uncaught
  exception, and every record that is still readable in the damaged bytes is kept. What is readable
  is decided here independently of the readers: lines of a gzip stream are the output of feeding the
  damaged bytes to zlib one byte at a time, up to the first error.

The default hypothesis profile (tests/conftest.py) is derandomized: the same examples every run, the
whole file in well under a minute. Run longer with ``--hypothesis-profile=long``.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, note, settings
from hypothesis import strategies as st

from ctpairs.build import REPORT_NAME, build_pairs
from ctpairs.builder import Skip, available_builders, load_builders
from ctpairs.errors import BadRecordError, NoStudiesError
from ctpairs.ingest import ingest_path
from ctpairs.inputs import open_input
from ctpairs.model.parse import parse_trial
from ctpairs.schema import Pair, pairs_table
from ctpairs.sources.files import GoodRecord, iter_file_records
from ctpairs.store import Store, record_nct_id
from tests._data import real_records

# 40 real records with results, spread over the test data (dose, arm, outcome pairs among them).
RECORDS = [r for r in real_records() if r.get("resultsSection")][::14]
NATURAL = [n for n, cls in available_builders().items() if getattr(cls, "kind", "natural") == "natural"]
APPROXIMATE = [n for n, cls in available_builders().items() if getattr(cls, "kind", "natural") == "approximate"]

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
NUMBER_TEXT = st.sampled_from(["", "NA", "NaN", "12.5 mg", "1e309", "-0", "≥ 5", "1,000", "  7  ", "0x1F", "∞"])
MUTATIONS = ("remove", "junk", "number as text", "empty", "huge", "unicode", "deep")


def _paths(obj: Any, path: tuple = ()) -> list[tuple]:
    """The path of every value inside a JSON document (dict keys and list indexes)."""
    if isinstance(obj, dict):
        items = list(obj.items())
    elif isinstance(obj, list):
        items = list(enumerate(obj))
    else:
        return []
    out = []
    for key, value in items:
        out.append((*path, key))
        out += _paths(value, (*path, key))
    return out


def _mutate(draw, record: dict) -> str:
    """Apply one mutation at a drawn place of ``record``; returns what it did (for the failure report)."""
    path = draw(st.sampled_from(_paths(record)))
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    key, value = path[-1], parent[path[-1]]
    op = draw(st.sampled_from(MUTATIONS))
    if op == "remove":
        del parent[key]
    elif op == "junk":
        parent[key] = draw(JUNK)
    elif op == "number as text":
        parent[key] = draw(st.one_of(st.integers(), st.floats())) if isinstance(value, str) else draw(NUMBER_TEXT)
    elif op == "empty":
        parent[key] = type(value)() if isinstance(value, (list, dict, str)) else None
    elif op == "huge":
        parent[key] = (value if isinstance(value, list) else [value]) * draw(st.integers(20, 60))
    elif op == "unicode":
        parent[key] = draw(st.text(min_size=1, max_size=40))
    else:
        for level in range(draw(st.integers(50, 300))):
            value = [value] if level % 2 else {"v": value}
        parent[key] = value
    return f"{op} at {'/'.join(map(str, path))}"


@st.composite
def mutated_records(draw) -> dict:
    record = copy.deepcopy(draw(st.sampled_from(RECORDS)))
    name = record_nct_id(record)
    for _ in range(draw(st.integers(1, 4))):
        note(f"{name}: {_mutate(draw, record)}")
    return record


# Real records are large: shrinking a failing one takes minutes and the notes already say what was
# mutated, so these tests report the first failing example as it is. Heavier tests scale with the profile.
FUZZ = settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
FEW = max(3, settings().max_examples // 4)


@FUZZ
@given(mutated_records())
def test_mutated_records_parse_or_are_refused_and_every_natural_builder_copes(record):
    try:
        trial = parse_trial(record)
    except BadRecordError:
        return
    with contextlib.suppress(BadRecordError):  # adverse events are parsed when read, and may be refused then
        trial.results.adverse_events  # noqa: B018
    for builder in load_builders(NATURAL):
        items = list(builder.build(trial))
        assert all(isinstance(item, (Pair, Skip)) for item in items)
        pairs_table([item for item in items if isinstance(item, Pair)])  # what the runner writes fits the schema


@settings(FUZZ, max_examples=max(1, FEW // 10))
@given(st.lists(mutated_records(), min_size=3, max_size=4))
def test_mutated_records_through_the_approximate_builders(records):
    """Embedding is the slow part: one corpus in the default profile (more with ``long``)."""
    trials = [parse_trial(r) for r in copy.deepcopy(RECORDS[:3])]  # unmutated real records always parse
    for record in records:
        try:
            trials.append(parse_trial(record))
        except BadRecordError:
            continue
    ids = {t.nct_id for t in trials}
    for builder in load_builders(APPROXIMATE):
        builder.prepare(trials)
        for trial in trials:
            items = list(builder.build(trial))
            assert all(isinstance(item, (Pair, Skip)) for item in items)
            pairs = [item for item in items if isinstance(item, Pair)]
            for pair in pairs:  # a cross-trial pair joins the anchor to another prepared trial
                assert pair.nct_id == trial.nct_id and pair.cf_nct_id in ids and pair.cf_nct_id != pair.nct_id
            assert pairs_table(pairs).num_rows == len(pairs)  # what the runner writes fits the schema


# -- damaged files --------------------------------------------------------------------------------


def _lines(records: list[dict]) -> list[bytes]:
    return [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in records]


def _readable_gzip(data: bytes) -> bytes:
    """What zlib decompresses from ``data`` before the first error, fed one byte at a time."""
    d, out = zlib.decompressobj(16 + zlib.MAX_WBITS), []
    for i in range(len(data)):
        try:
            out.append(d.decompress(data[i : i + 1]))
        except zlib.error:
            break
        if d.eof:
            break
    return b"".join(out)


def _intact_ids(text: bytes, originals: list[bytes]) -> set[str]:
    """NCT ids of the original lines found whole (newline-terminated) in ``text``."""
    whole = set(text.split(b"\n")[:-1])
    return {record_nct_id(json.loads(line)) for line in originals if line in whole}


DAMAGES = ("truncate", "flip", "random bytes", "garbage lines", "wrong name")


@st.composite
def damaged_files(draw) -> tuple[str, bytes, set[str]]:
    """(file name, damaged bytes, NCT ids that must be read from them)."""
    records = draw(st.lists(st.sampled_from(RECORDS), min_size=2, max_size=8, unique_by=record_nct_id))
    lines = _lines(records)
    gz = draw(st.booleans())
    damage = draw(st.sampled_from(DAMAGES))
    if damage == "garbage lines":
        junk = draw(st.lists(st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b), max_size=4))
        mixed = lines + junk
        order = draw(st.permutations(range(len(mixed))))
        plain = b"\n".join(mixed[i] for i in order) + b"\n"
    else:
        plain = b"\n".join(lines) + b"\n"
    data = gzip.compress(plain, mtime=0) if gz else plain
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "random bytes":
        data = draw(st.binary(min_size=0, max_size=2000))
    name = "studies.jsonl" + (".gz" if gz != (damage == "wrong name") else "")
    readable = _readable_gzip(data) if data[:2] == b"\x1f\x8b" else data
    return name, data, _intact_ids(readable, lines)


def _good_ids(path: Path) -> list[str]:
    return [record_nct_id(i.record) for i in iter_file_records(path) if isinstance(i, GoodRecord)]


@FUZZ
@given(damaged_files())
def test_damaged_files_keep_every_readable_record(tmp_path_factory, damaged):
    name, data, must_keep = damaged
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    assert must_keep <= set(_good_ids(path))


@settings(FUZZ, max_examples=FEW)
@given(damaged_files())
def test_damaged_files_through_ingest_and_build(tmp_path_factory, damaged):
    name, data, must_keep = damaged
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "in").mkdir()
    path = folder / "in" / name
    path.write_bytes(data)
    (folder / "in" / "good.jsonl").write_bytes(b"\n".join(_lines(RECORDS[-2:])) + b"\n")  # not stopped by the bad file
    with Store(folder / "store.sqlite") as store:
        report = ingest_path(store, folder / "in")
        stored = set(store.nct_ids())
    assert must_keep | {record_nct_id(r) for r in RECORDS[-2:]} <= stored
    assert report.stored >= len(stored)
    try:
        build = build_pairs(open_input(path=path), ["dose"], folder / "pairs", inputs=[name], progress=False)
    except NoStudiesError:
        assert not must_keep and not (folder / "pairs").exists()
        return
    assert build.studies >= len(must_keep)
    assert json.loads((folder / "pairs" / REPORT_NAME).read_text())["bad_records"] == build.bad_records


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.95])
def test_a_cut_bulk_zip_keeps_every_whole_member(tmp_path, cut):
    """An interrupted download of ctg-studies.json.zip: no central directory, members read front to back."""
    import zipfile

    full = tmp_path / "full.zip"
    with zipfile.ZipFile(full, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for r in RECORDS[:10]:
            zf.writestr(f"{record_nct_id(r)}.json", json.dumps(r))
    data = full.read_bytes()
    path = tmp_path / "ctg-studies.json.zip"
    path.write_bytes(data[: int(len(data) * cut)])
    with zipfile.ZipFile(full) as zf:
        whole = [
            i
            for i in zf.infolist()
            if i.header_offset + len(i.FileHeader()) + i.compress_size <= len(path.read_bytes())
        ]
    items = list(iter_file_records(path))
    assert [record_nct_id(i.record) for i in items if isinstance(i, GoodRecord)] == [
        i.filename.removesuffix(".json") for i in whole
    ]
    assert not isinstance(items[-1], GoodRecord) and "damaged" in items[-1].reason
