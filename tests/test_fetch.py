"""fetch_to_store against a real local HTTP server: complete runs, resumes after errors and after kill -9."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ctgov_server import PHELAN, PHELAN_PARAMS, VERSION, FakeCTGov, Fault, load_page, page_nct_ids

from ctpairs.errors import ApiError, CtpairsError
from ctpairs.fetch import fetch_to_store, query_key, since_filter
from ctpairs.sources.client import CTGovClient
from ctpairs.store import Store

REPO = Path(__file__).resolve().parent.parent
PAGE_TOKENS = [load_page(name).get("nextPageToken") for name in PHELAN]
ALL_IDS = sorted({nct for name in PHELAN for nct in page_nct_ids(load_page(name))})

KILL_SCRIPT = """
import json, sys
from ctpairs.fetch import fetch_to_store
from ctpairs.sources.client import CTGovClient
from ctpairs.store import Store

fetch_to_store(Store(sys.argv[1]), CTGovClient(sys.argv[2], rate=0, backoff_factor=0.01),
               json.loads(sys.argv[3]), progress=False)
"""


def fast_client(api: FakeCTGov, **kwargs: object) -> CTGovClient:
    options: dict = {"rate": 0, "backoff_factor": 0.01}
    options.update(kwargs)
    return CTGovClient(api.url, **options)


def reference_rows(api: FakeCTGov, path: Path) -> list[tuple]:
    """The store rows of an uninterrupted fetch of the Phelan query (server requests not kept)."""
    api.clear_faults()
    with Store(path) as store, fast_client(api) as client:
        result = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert result.finished
        rows = list(store.iter_rows())
    api.reset_requests()
    return rows


def test_fetch_stores_every_study(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        result = fetch_to_store(store, client, PHELAN_PARAMS, progress=True)
        assert store.nct_ids() == ALL_IDS
        checkpoint = store.checkpoint(result.query_key)
        assert {row[2] for row in store.iter_rows()} == {VERSION["dataTimestamp"]}
    assert result.finished
    assert (result.pages, result.studies, result.resumed_from_page) == (3, 13, 0)
    assert result.total_count == 21
    assert result.data_timestamp == VERSION["dataTimestamp"]
    assert checkpoint is not None and checkpoint.finished and checkpoint.next_page_token is None
    assert checkpoint.pages_done == 3


def test_a_finished_query_starts_a_new_pass(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        ctgov_server.reset_requests()
        again = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert store.nct_ids() == ALL_IDS
    assert (again.pages, again.resumed_from_page, again.finished) == (3, 0, True)
    assert [r.page for r in ctgov_server.requests()] == [1, 2, 3]


def test_error_mid_run_keeps_page_one_and_resumes_at_page_two(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    expected = reference_rows(ctgov_server, tmp_path / "reference.sqlite")
    ctgov_server.add_fault(Fault.bad_request(), page=2, times=None)
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        with pytest.raises(ApiError):
            fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        key = query_key(PHELAN_PARAMS)
        checkpoint = store.checkpoint(key)
        assert checkpoint is not None and not checkpoint.finished
        assert (checkpoint.pages_done, checkpoint.next_page_token) == (1, PAGE_TOKENS[0])
        assert store.nct_ids() == sorted(page_nct_ids(load_page(PHELAN[0])))

        ctgov_server.clear_faults()
        ctgov_server.reset_requests()
        result = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert list(store.iter_rows()) == expected
    assert (result.resumed_from_page, result.pages, result.finished) == (1, 3, True)
    assert result.total_count == 21  # from the checkpoint: page 1 was the only one to carry it
    assert [r.page for r in ctgov_server.requests()] == [2, 3]


def test_truncated_page_is_never_stored(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    ctgov_server.add_fault(Fault.truncated(), page=2, times=None)
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server, retries=2) as client:
        with pytest.raises(CtpairsError, match="gave up"):
            fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert store.nct_ids() == sorted(page_nct_ids(load_page(PHELAN[0])))
        assert store.checkpoint(query_key(PHELAN_PARAMS)).next_page_token == PAGE_TOKENS[0]


def test_kill_9_mid_run_then_resume(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    expected = reference_rows(ctgov_server, tmp_path / "reference.sqlite")
    ctgov_server.add_fault(Fault.hang(), page=3, times=None)
    path = tmp_path / "killed.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(path), ctgov_server.url, json.dumps(PHELAN_PARAMS)], env=env
    )
    try:
        ctgov_server.wait_for_request(page=3)
        key = query_key(PHELAN_PARAMS)
        with Store(path) as observer:
            deadline = time.monotonic() + 10
            while (cp := observer.checkpoint(key)) is None or cp.pages_done < 2:
                assert time.monotonic() < deadline, "page 2 was never committed"
                time.sleep(0.02)
        assert proc.poll() is None, "the fetch ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    ctgov_server.clear_faults()
    ctgov_server.reset_requests()
    with Store(path) as store, fast_client(ctgov_server) as client:
        checkpoint = store.checkpoint(key)
        assert (checkpoint.pages_done, checkpoint.next_page_token, checkpoint.finished) == (2, PAGE_TOKENS[1], False)
        result = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert list(store.iter_rows()) == expected
    assert (result.resumed_from_page, result.pages, result.finished) == (2, 3, True)
    assert [r.page for r in ctgov_server.requests()] == [3]


def test_max_pages_then_resume_or_restart(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        first = fetch_to_store(store, client, PHELAN_PARAMS, max_pages=1, progress=False)
        assert (first.pages, first.finished) == (1, False)
        second = fetch_to_store(store, client, PHELAN_PARAMS, max_pages=1, progress=False)
        assert (second.resumed_from_page, second.pages, second.finished) == (1, 2, False)
        ctgov_server.reset_requests()
        restarted = fetch_to_store(store, client, PHELAN_PARAMS, restart=True, progress=False)
        assert (restarted.resumed_from_page, restarted.pages, restarted.finished) == (0, 3, True)
        assert [r.page for r in ctgov_server.requests()] == [1, 2, 3]
        with pytest.raises(CtpairsError, match="max_pages"):
            fetch_to_store(store, client, PHELAN_PARAMS, max_pages=0, progress=False)


def test_records_without_nct_id_are_skipped(
    ctgov_server: FakeCTGov, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = load_page(PHELAN[0])
    dropped = broken["studies"][3]["protocolSection"]["identificationModule"].pop("nctId")
    ctgov_server.set_pages([broken, PHELAN[1], PHELAN[2]])
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        with caplog.at_level(logging.WARNING, logger="ctpairs.fetch"):
            result = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert store.nct_ids() == [nct for nct in ALL_IDS if nct != dropped]
    assert result.studies == 12 and result.finished
    assert "skipping study 3" in caplog.text


def test_since_adds_the_last_update_filter(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    params = {**PHELAN_PARAMS, "filter.advanced": "AREA[Phase]PHASE2"}
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        result = fetch_to_store(store, client, PHELAN_PARAMS, since="2025-01-01", progress=False)
        fetch_to_store(store, client, params, since="2025-01-01", progress=False)
    queries = [r.query for r in ctgov_server.requests()]
    assert [q["filter.advanced"] for q in queries] == ["AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]"] * 3 + [
        "(AREA[Phase]PHASE2) AND AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]"
    ] * 3
    assert result.query_key != query_key(PHELAN_PARAMS)
    for bad in ("01/02/2025", "2025-13-01", "2025-01"):
        with pytest.raises(CtpairsError, match="YYYY-MM-DD"):
            since_filter(bad)


def test_version_failure_is_tolerated(ctgov_server: FakeCTGov, tmp_path: Path) -> None:
    ctgov_server.add_fault(Fault.bad_request("down for maintenance"), route="version", times=None)
    with Store(tmp_path / "s.sqlite") as store, fast_client(ctgov_server) as client:
        result = fetch_to_store(store, client, PHELAN_PARAMS, progress=False)
        assert store.nct_ids() == ALL_IDS
    assert result.finished and result.data_timestamp is None


def test_query_key_is_stable() -> None:
    key = query_key(PHELAN_PARAMS)
    reordered = dict(reversed(list(PHELAN_PARAMS.items())))
    assert query_key(reordered) == key
    assert query_key({**PHELAN_PARAMS, "fields": "|".join(PHELAN_PARAMS["fields"])}) == key
    assert query_key({**PHELAN_PARAMS, "pageToken": "abc", "pageSize": 1000, "countTotal": False}) == key
    assert query_key({**PHELAN_PARAMS, "query.cond": "melanoma"}) != key
