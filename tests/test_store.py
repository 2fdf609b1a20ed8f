import gzip
import json
import zlib

import pytest

from ctpairs.errors import BadRecordError, StoreError
from ctpairs.export import export_jsonl
from ctpairs.store import Checkpoint, Store, decode_record, decode_text, encode_record
from tests._data import real_records


def test_put_get_and_export_unchanged(tmp_path):
    records = real_records()[:30]
    with Store(tmp_path / "s.sqlite") as store:
        assert store.put_many(records, source="test") == 30
        store.put_many(records[:5], source="test")  # re-put replaces, never duplicates
        assert len(store) == 30
        rid = records[3]["protocolSection"]["identificationModule"]["nctId"]
        assert store.get(rid) == records[3]
        assert export_jsonl(store, tmp_path / "out.jsonl.gz") == 30
    with gzip.open(tmp_path / "out.jsonl.gz", "rt") as fh:
        exported = [json.loads(line) for line in fh]
    by_id = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in records}
    assert exported == [by_id[k] for k in sorted(by_id)]


def test_records_are_compact_json_in_zstd_and_zlib_stores_still_read(tmp_path):
    records = real_records()[:5]
    old_text = [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") for r in records]
    for record, text in zip(records, old_text):
        blob = encode_record(record)
        assert blob[:4] == b"\x28\xb5\x2f\xfd" and len(blob) < len(text) / 3  # a zstd frame
        assert decode_text(blob) == text  # the same compact text as before
        assert decode_record(zlib.compress(text, 6)) == record  # a store written by an older version
    with Store(tmp_path / "s.sqlite") as store:
        store.put_many(records)
        store._db.execute(
            "UPDATE studies SET record=? WHERE nct_id=?", (zlib.compress(old_text[0]), store.nct_ids()[0])
        )
        assert sorted(text for _, text in store.iter_texts()) == sorted(old_text)


def test_store_uses_wal_and_keeps_dates(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.put_many(real_records()[:2], data_timestamp="2026-08-11T00:00:00")
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = next(store.iter_rows())
        assert row[1] and row[2] == "2026-08-11T00:00:00"


def test_failed_page_write_loses_nothing(tmp_path):
    good = real_records()[:3]
    with Store(tmp_path / "s.sqlite") as store:
        store.put_many(good)
        cp = Checkpoint("q", {}, "tok", 1, 3, None, False)
        with pytest.raises(BadRecordError):
            store.put_page(good[:1] + [{"not": "a study"}], cp, data_timestamp=None, source="x")
        assert len(store) == 3 and store.checkpoint("q") is None


def test_not_a_store(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)
