"""CTGovClient against a real local HTTP server serving recorded API pages."""

from __future__ import annotations

import time

import pytest
from ctgov_server import BAD_PARAM_MESSAGE, PHELAN, PHELAN_PARAMS, VERSION, FakeCTGov, Fault, load_page, page_nct_ids

from ctpairs.errors import ApiError, ApiUnreachableError, CtpairsError
from ctpairs.sources.client import API_URL_ENV, CTGovClient, build_params


def fast_client(api: FakeCTGov, **kwargs: object) -> CTGovClient:
    options: dict = {"rate": 0, "backoff_factor": 0.01}
    options.update(kwargs)
    return CTGovClient(api.url, **options)


def test_iter_pages_follows_tokens_to_the_last_page_repeating_params(ctgov_server: FakeCTGov) -> None:
    with fast_client(ctgov_server) as client:
        pages = list(client.iter_pages(PHELAN_PARAMS))

    recorded = [load_page(name) for name in PHELAN]
    assert len(pages) == 3
    assert [[s["protocolSection"]["identificationModule"]["nctId"] for s in p.studies] for p in pages] == [
        page_nct_ids(r) for r in recorded
    ]
    assert [p.studies for p in pages] == [r["studies"] for r in recorded]
    assert pages[0].total_count == 21
    assert pages[-1].next_page_token is None

    requests = ctgov_server.requests()
    assert [r.page for r in requests] == [1, 2, 3]
    assert "pageToken" not in requests[0].query
    assert [r.query["pageToken"] for r in requests[1:]] == [recorded[0]["nextPageToken"], recorded[1]["nextPageToken"]]
    first = requests[0].query
    assert first == build_params(PHELAN_PARAMS)
    assert first["fields"].startswith("NCTId|BriefTitle|")
    for later in requests[1:]:
        assert {k: v for k, v in later.query.items() if k != "pageToken"} == first


def test_iter_pages_can_start_from_a_token(ctgov_server: FakeCTGov) -> None:
    token = load_page(PHELAN[0])["nextPageToken"]
    with fast_client(ctgov_server) as client:
        pages = list(client.iter_pages(PHELAN_PARAMS, token))
    assert len(pages) == 2
    assert [r.page for r in ctgov_server.requests()] == [2, 3]


def test_429_with_retry_after_is_waited_out(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.too_many_requests(retry_after=1), page=1)
    with fast_client(ctgov_server) as client:
        started = time.monotonic()
        page = client.get_page(PHELAN_PARAMS)
        elapsed = time.monotonic() - started
    assert page.studies == load_page(PHELAN[0])["studies"]
    assert elapsed >= 0.9
    requests = ctgov_server.requests()
    assert len(requests) == 2
    assert requests[1].time - requests[0].time >= 0.9


def test_503s_are_retried(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.unavailable(), page=2, times=3)
    with fast_client(ctgov_server) as client:
        pages = list(client.iter_pages(PHELAN_PARAMS))
    assert len(pages) == 3
    assert [r.page for r in ctgov_server.requests()] == [1, 2, 2, 2, 2, 3]


def test_503_forever_gives_up_with_the_api_status(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.unavailable(), times=None)
    with fast_client(ctgov_server, retries=2) as client, pytest.raises(ApiError) as info:
        client.get_page(PHELAN_PARAMS)
    assert info.value.status == 503
    assert info.value.api_message == "Service Unavailable"
    assert len(ctgov_server.requests()) == 3


def test_truncated_body_is_retried_and_the_full_page_returned(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.truncated(), page=1, times=2)
    with fast_client(ctgov_server) as client:
        page = client.get_page(PHELAN_PARAMS)
    recorded = load_page(PHELAN[0])
    assert page.studies == recorded["studies"]
    assert page.next_page_token == recorded["nextPageToken"]
    assert len(ctgov_server.requests()) == 3


def test_truncated_body_forever_raises_instead_of_returning_a_partial_page(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.truncated(), times=None)
    with fast_client(ctgov_server, retries=2) as client, pytest.raises(CtpairsError, match="gave up"):
        client.get_page(PHELAN_PARAMS)
    assert len(ctgov_server.requests()) == 3


def test_body_read_timeout_is_retried(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.stalled(), page=1, times=1)
    with fast_client(ctgov_server, timeout=0.5) as client:
        page = client.get_page(PHELAN_PARAMS)
    assert page.studies == load_page(PHELAN[0])["studies"]
    assert len(ctgov_server.requests()) == 2


def test_invalid_json_body_is_retried(ctgov_server: FakeCTGov) -> None:
    ctgov_server.set_pages([load_page(PHELAN[2])])
    ctgov_server.add_fault(Fault("status", 200, '{"studies": [{"protocolSec'), times=1)
    with fast_client(ctgov_server) as client:
        page = client.get_page(PHELAN_PARAMS)
    assert page.studies == load_page(PHELAN[2])["studies"]
    assert len(ctgov_server.requests()) == 2


def test_400_raises_api_error_with_the_api_message(ctgov_server: FakeCTGov) -> None:
    ctgov_server.add_fault(Fault.bad_request(), times=None)
    with fast_client(ctgov_server) as client, pytest.raises(ApiError) as info:
        client.get_page({**PHELAN_PARAMS, "query.recrs": "COMPLETED"})
    assert info.value.status == 400
    assert info.value.api_message == BAD_PARAM_MESSAGE
    assert BAD_PARAM_MESSAGE in str(info.value)
    assert len(ctgov_server.requests()) == 1  # a 400 is not retried


def test_rate_limiter_spaces_requests(ctgov_server: FakeCTGov) -> None:
    with CTGovClient(ctgov_server.url, rate=10, backoff_factor=0.01) as client:
        list(client.iter_pages(PHELAN_PARAMS))
    times = [r.time for r in ctgov_server.requests()]
    assert len(times) == 3
    assert all(b - a >= 0.08 for a, b in zip(times, times[1:]))


def test_user_agent_is_descriptive(ctgov_server: FakeCTGov) -> None:
    with fast_client(ctgov_server) as client:
        client.version()
    agent = ctgov_server.requests("version")[0].headers["User-Agent"]
    assert agent.startswith("ctpairs/")
    assert "(+https://github.com/deepimagine/ctpairs)" in agent


def test_base_url_from_env(ctgov_server: FakeCTGov, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_URL_ENV, ctgov_server.url)
    with CTGovClient(rate=0) as client:
        assert client.base_url == ctgov_server.url
        assert client.version() == VERSION
    monkeypatch.delenv(API_URL_ENV)
    assert CTGovClient().base_url == "https://clinicaltrials.gov/api/v2"


def test_study_version_and_stats(ctgov_server: FakeCTGov) -> None:
    with fast_client(ctgov_server) as client:
        study = client.study("NCT05105685", fields=["NCTId", "BriefTitle"])
        assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT05105685"
        assert ctgov_server.requests("study")[0].query == {"fields": "NCTId|BriefTitle"}
        assert client.version()["dataTimestamp"] == VERSION["dataTimestamp"]
        assert client.stats_size()["totalStudies"] == 13
        with pytest.raises(ApiError) as info:
            client.study("NCT00000001")
    assert info.value.status == 404
    assert "NCT00000001" in info.value.api_message


def test_unreachable_server_raises_connection_error() -> None:
    with FakeCTGov() as api:
        url = api.url
    with CTGovClient(url, rate=0, retries=1, backoff_factor=0.01, timeout=2) as client:
        with pytest.raises(ApiUnreachableError):
            client.version()


def test_unusable_url_raises_ctpairs_error() -> None:
    with CTGovClient("127.0.0.1:1/api/v2", rate=0) as client, pytest.raises(CtpairsError, match="check the API URL"):
        client.version()


def test_build_params() -> None:
    assert build_params(
        {"query.cond": "melanoma", "countTotal": True, "pageSize": 50, "fields": ["NCTId", "Phase"], "sort": None}
    ) == {"query.cond": "melanoma", "countTotal": "true", "pageSize": "50", "fields": "NCTId|Phase"}


def test_a_name_that_does_not_resolve_is_not_retried() -> None:
    """Offline or a typo in the host: one lookup, one typed error; not five lookups with backoff between."""
    started = time.monotonic()
    with CTGovClient("http://ctgov-offline.invalid/api/v2", rate=0, retries=5, backoff_factor=10) as client:
        with pytest.raises(ApiUnreachableError, match=r"cannot reach http://ctgov-offline.invalid/api/v2 \(Failed"):
            client.version()
    assert time.monotonic() - started < 10  # five retries would sleep 10 + 20 + 40 + 80 s
