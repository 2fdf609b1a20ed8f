import gzip
import json
import zipfile

import pytest

from ctpairs.errors import CtpairsError
from ctpairs.ingest import ingest_path
from ctpairs.sources.files import BadRecord, GoodRecord, iter_file_records
from ctpairs.store import Store
from tests._data import real_records


@pytest.fixture(scope="module")
def records():
    return real_records()[:20]


def _ids(items):
    return [i.record["protocolSection"]["identificationModule"]["nctId"] for i in items if isinstance(i, GoodRecord)]


def test_bulk_zip_one_json_per_study(tmp_path, records):
    path = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for r in records:
            zf.writestr(f"{r['protocolSection']['identificationModule']['nctId']}.json", json.dumps(r))
        zf.writestr("broken.json", "{not json")
    items = list(iter_file_records(path))
    assert len(_ids(items)) == 20
    bad = [i for i in items if isinstance(i, BadRecord)]
    assert len(bad) == 1 and bad[0].location.endswith("broken.json:1") and "malformed JSON" in bad[0].reason


def test_jsonl_gz_with_bad_lines_keeps_the_rest(tmp_path, records):
    path = tmp_path / "studies.jsonl.gz"
    lines = [json.dumps(r) for r in records[:5]]
    lines.insert(2, '{"protocolSection": ')  # truncated line
    lines.insert(4, json.dumps({"studies": "nope"}))  # not a study
    lines.insert(5, json.dumps({"hasResults": True}))  # missing protocolSection
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    items = list(iter_file_records(path))
    assert len(_ids(items)) == 5
    reasons = {i.location: i.reason for i in items if isinstance(i, BadRecord)}
    assert reasons["studies.jsonl.gz:3"].startswith("malformed JSON")
    assert "no protocolSection" in reasons["studies.jsonl.gz:5"]
    assert "no protocolSection" in reasons["studies.jsonl.gz:6"]


def test_json_array_envelope_and_directory(tmp_path, records):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "array.json").write_text(json.dumps(records[:3]))
    (tmp_path / "d" / "page.json").write_text(json.dumps({"studies": records[3:6], "nextPageToken": "x"}))
    (tmp_path / "d" / "one.json").write_text(json.dumps(records[6]))
    (tmp_path / "d" / "notes.txt").write_text("ignored")
    assert len(_ids(iter_file_records(tmp_path / "d" / "array.json"))) == 3
    assert len(_ids(iter_file_records(tmp_path / "d" / "page.json"))) == 3
    assert len(_ids(iter_file_records(tmp_path / "d"))) == 7


def test_missing_and_unsupported_paths(tmp_path):
    with pytest.raises(CtpairsError, match="does not exist"):
        list(iter_file_records(tmp_path / "nope.json"))
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(CtpairsError, match="unsupported"):
        list(iter_file_records(tmp_path / "x.csv"))


def test_ingest_into_store_reports_bad_records(tmp_path, records):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([json.dumps(records[0]), "[1, 2", json.dumps(records[1])]) + "\n")
    with Store(tmp_path / "s.sqlite") as store:
        report = ingest_path(store, path)
        assert report.stored == 2 and len(store) == 2
        assert [b.location for b in report.bad] == ["in.jsonl:2"]
