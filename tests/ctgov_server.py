"""A scripted fake of the ClinicalTrials.gov API v2, served over real HTTP on 127.0.0.1.

It serves real recorded ``GET /studies`` pages (``tests/data/pages``) chained by their
``nextPageToken``, records every request, and injects faults on demand::

    with FakeCTGov() as api:                      # phelan p1 -> p2 -> terminal
        api.add_fault(Fault.unavailable(), page=2, times=2)
        client = CTGovClient(api.url, rate=0, backoff_factor=0.01)

Routes (under ``/api/v2``): ``/studies`` (page chosen by ``pageToken``), ``/studies/<nctId>``,
``/version`` and ``/stats/size``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES_DIR = Path(__file__).parent / "data" / "pages"
#: The recorded Phelan-McDermid query: three pages, the last without ``nextPageToken``.
PHELAN = ("page-phelan-p1.json", "page-phelan-p2.json", "page-phelan-limit50-terminal.json")
#: The query those pages were recorded with (see SOURCES.md).
PHELAN_PARAMS = {
    "query.cond": "Phelan-McDermid Syndrome",
    "countTotal": True,
    "pageSize": 5,
    "fields": [
        "NCTId",
        "BriefTitle",
        "OverallStatus",
        "Phase",
        "StudyType",
        "Condition",
        "InterventionName",
        "LeadSponsorName",
        "EnrollmentCount",
        "BriefSummary",
        "StartDate",
        "CompletionDate",
        "MinimumAge",
        "MaximumAge",
    ],
}
VERSION = {"apiVersion": "2.0.5", "dataTimestamp": "2026-08-11T09:00:05"}
#: The plain-text message the real API gives for an unknown parameter.
BAD_PARAM_MESSAGE = "`query.recrs` is unknown parameter"
HANG_LIMIT_S = 60.0

ROUTES = ("studies", "study", "version", "stats")


def load_page(name: str) -> dict:
    """A recorded page from ``tests/data/pages``, parsed."""
    return json.loads((PAGES_DIR / name).read_text(encoding="utf-8"))


def page_nct_ids(page: dict) -> list[str]:
    """The NCT ids of a page's studies, in order."""
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


@dataclass
class Fault:
    """A scripted misbehaviour: an error status, a truncated or stalled body, or a hang until released."""

    kind: str
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    released: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        return cls("status", 429, "Too Many Requests", {"Retry-After": str(retry_after)})

    @classmethod
    def unavailable(cls) -> Fault:
        return cls("status", 503, "Service Unavailable")

    @classmethod
    def bad_request(cls, message: str = BAD_PARAM_MESSAGE) -> Fault:
        return cls("status", 400, message)

    @classmethod
    def truncated(cls) -> Fault:
        """Send half the body under the full body's Content-Length, then close the connection."""
        return cls("truncate")

    @classmethod
    def stalled(cls) -> Fault:
        """Send half the body under the full body's Content-Length, then stall until released."""
        return cls("stall")

    @classmethod
    def hang(cls) -> Fault:
        """Hold the request until :meth:`FakeCTGov.release_hangs` (then answer normally)."""
        return cls("hang")


@dataclass
class _Rule:
    fault: Fault
    route: str
    page: int | None
    request: int | None
    times: int | None


@dataclass(frozen=True)
class Request:
    """One request the fake received. ``page`` is the 1-based page asked for (``/studies`` only)."""

    route: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    time: float
    page: int | None


class FakeCTGov:
    """The fake API. ``pages`` are file names in ``tests/data/pages`` or page dicts, chained in order."""

    def __init__(self, pages: tuple[str | dict, ...] | list[str | dict] = PHELAN):
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._requests: list[Request] = []
        self.set_pages(pages)
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-ctgov", daemon=True
        )

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeCTGov:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release_hangs()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeCTGov:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:PORT/api/v2``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    # -- script ----------------------------------------------------------------
    def set_pages(self, pages: tuple[str | dict, ...] | list[str | dict]) -> None:
        """Serve these pages, chained by their ``nextPageToken`` (the last one's token, if any, is ignored)."""
        bodies, parsed = [], []
        for page in pages:
            if isinstance(page, str):
                raw = (PAGES_DIR / page).read_bytes()
                bodies.append(raw)
                parsed.append(json.loads(raw))
            else:
                bodies.append(json.dumps(page).encode("utf-8"))
                parsed.append(page)
        if parsed and parsed[-1].get("nextPageToken"):
            parsed[-1] = {k: v for k, v in parsed[-1].items() if k != "nextPageToken"}
            bodies[-1] = json.dumps(parsed[-1]).encode("utf-8")
        with self._lock:
            self.pages: list[dict] = parsed
            self._bodies = bodies
            self._token_page = {p["nextPageToken"]: i + 1 for i, p in enumerate(parsed[:-1])}

    def add_fault(
        self,
        fault: Fault,
        *,
        route: str = "studies",
        page: int | None = None,
        request: int | None = None,
        times: int | None = 1,
    ) -> Fault:
        """Misbehave on ``route`` for ``page`` (1-based) and/or the ``request``-th request to it, ``times`` times (None: always)."""
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}")
        with self._lock:
            self._rules.append(_Rule(fault, route, page, request, times))
        return fault

    def clear_faults(self) -> None:
        """Drop every fault (hung requests are released)."""
        self.release_hangs()
        with self._lock:
            self._rules.clear()

    def release_hangs(self) -> None:
        with self._lock:
            for rule in self._rules:
                rule.fault.released.set()

    # -- inspection ------------------------------------------------------------
    def requests(self, route: str | None = "studies") -> list[Request]:
        """The requests received so far (to ``route``; None: all)."""
        with self._lock:
            return [r for r in self._requests if route is None or r.route == route]

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def wait_for_request(self, *, page: int, timeout: float = 20.0) -> Request:
        """Block until a request for ``page`` has arrived; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for request in self.requests():
                if request.page == page:
                    return request
            time.sleep(0.02)
        raise TimeoutError(f"no request for page {page} within {timeout}s")

    # -- serving (called from handler threads) -----------------------------------
    def _record(self, request: Request) -> int:
        with self._lock:
            self._requests.append(request)
            return sum(1 for r in self._requests if r.route == request.route)

    def _fault_for(self, route: str, page: int | None, number: int) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.route != route or rule.times == 0:
                    continue
                if rule.page is not None and rule.page != page:
                    continue
                if rule.request is not None and rule.request != number:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule.fault
        return None

    def _page_for(self, token: str | None) -> int | None:
        """1-based page number for a ``pageToken`` (None: an unknown token)."""
        if token is None:
            return 1
        with self._lock:
            index = self._token_page.get(token)
        return None if index is None else index + 1

    def _page_body(self, page: int) -> bytes:
        with self._lock:
            return self._bodies[page - 1]

    def _study(self, nct_id: str) -> dict | None:
        for page in self.pages:
            for study in page["studies"]:
                if study["protocolSection"]["identificationModule"]["nctId"].upper() == nct_id.upper():
                    return study
        return None

    def _stats_size(self) -> dict:
        count = sum(len(p["studies"]) for p in self.pages)
        return {"averageSizeBytes": 2048, "largestStudies": [], "percentiles": {}, "ranges": [], "totalStudies": count}


class _Server(ThreadingHTTPServer):
    """Does not wait for handler threads on close, and stays quiet when a client hangs up (e.g. a killed one)."""

    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(api: FakeCTGov) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            path = parts.path.rstrip("/")
            page = None
            if path == "/api/v2/studies":
                route = "studies"
                page = api._page_for(query.get("pageToken"))
            elif path.startswith("/api/v2/studies/"):
                route = "study"
            elif path == "/api/v2/version":
                route = "version"
            elif path == "/api/v2/stats/size":
                route = "stats"
            else:
                self._send(404, b"Not Found", "text/plain")
                return
            number = api._record(Request(route, path, query, dict(self.headers), time.monotonic(), page))

            fault = api._fault_for(route, page, number)
            if fault is not None and fault.kind == "hang":
                fault.released.wait(HANG_LIMIT_S)
                fault = None
            if fault is not None and fault.kind == "status":
                self._send(fault.status, fault.body.encode("utf-8"), "text/plain", fault.headers)
                return

            status, body, ctype = self._answer(route, path, page, query)
            if fault is not None and fault.kind in ("truncate", "stall"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if fault.kind == "stall":
                    fault.released.wait(HANG_LIMIT_S)
                self.close_connection = True
                return
            self._send(status, body, ctype)

        def _answer(self, route: str, path: str, page: int | None, query: dict[str, str]) -> tuple[int, bytes, str]:
            if route == "studies":
                if page is None:
                    return 400, f"Invalid pageToken: {query.get('pageToken')}".encode(), "text/plain"
                return 200, api._page_body(page), "application/json"
            if route == "study":
                nct_id = path.rsplit("/", 1)[1]
                study = api._study(nct_id)
                if study is None:
                    return 404, f"Study {nct_id} not found".encode(), "text/plain"
                return 200, json.dumps(study).encode("utf-8"), "application/json"
            if route == "version":
                return 200, json.dumps(VERSION).encode("utf-8"), "application/json"
            return 200, json.dumps(api._stats_size()).encode("utf-8"), "application/json"

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
