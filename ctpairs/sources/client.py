"""A polite client of the ClinicalTrials.gov REST API v2.

Transport failures (connection errors, read timeouts, 429 and 5xx answers) are retried
by urllib3's :class:`~urllib3.util.Retry`, mounted on the session's adapter; ``Retry-After``
is honoured. A body that arrives short or garbled is only noticed once urllib3 has handed
the response over, so it is retried under the *same* ``Retry`` policy object
(``retry.increment`` / ``retry.sleep``): a truncated page is never returned.

Any other error answer (400 for a bad query, 404 for an unknown study...) raises
:class:`~ctpairs.errors.ApiError` carrying the API's own plain-text message. When the API cannot
be reached once the retries are spent, :class:`~ctpairs.errors.ApiUnreachableError` is raised; a
host name that does not resolve (offline, or a typo) is not retried at all, since five more
lookups a few seconds apart will not find it either. Other failures (a body still bad after the
retries, an unusable URL) raise :class:`~ctpairs.errors.CtpairsError`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, MaxRetryError, NameResolutionError, ProtocolError, ReadTimeoutError
from urllib3.util import Retry

from ctpairs import __version__
from ctpairs.errors import ApiError, ApiUnreachableError, CtpairsError

API_URL_ENV = "CTPAIRS_API_URL"
DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
USER_AGENT = f"ctpairs/{__version__} (+https://github.com/deepimagine/ctpairs)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Parameters that may differ between the pages of one query (the API spec says so).
PAGING_PARAMS = frozenset({"pageToken", "pageSize", "countTotal"})


@dataclass(frozen=True)
class Page:
    """One page of ``GET /studies``: its studies, the token of the next page, and the total (first page only)."""

    studies: list[dict]
    next_page_token: str | None
    total_count: int | None


def build_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Turn query parameters (raw API names: ``query.cond``, ``filter.advanced``, ``fields``...) into strings.

    ``None`` values are dropped, lists and tuples are pipe-joined (the spec's ``pipeDelimited`` style,
    e.g. ``fields`` or ``filter.overallStatus``), booleans become ``true``/``false`` and numbers text.
    The result is what is sent, and what :func:`ctpairs.fetch.query_key` hashes.
    """
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[name] = "|".join(str(item) for item in value)
        else:
            out[name] = str(value)
    return out


class NoDnsRetry(Retry):
    """urllib3's :class:`~urllib3.util.Retry`, except that a name that does not resolve fails at once."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # noqa: D102
        if isinstance(error, NameResolutionError):
            raise MaxRetryError(_pool, url, error)  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


class RateLimiter:
    """Keeps at least ``1 / rate`` seconds between the starts of successive requests (``rate=0``: no limit)."""

    def __init__(self, rate: float):
        if rate < 0:
            raise ValueError(f"rate must be >= 0 requests per second, got {rate}")
        self.interval = 1.0 / rate if rate else 0.0
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        """Block until the next request may start, and reserve that slot."""
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


class CTGovClient:
    """Client of the ClinicalTrials.gov API v2. Use as a context manager or call :meth:`close`.

    ``base_url`` defaults to ``$CTPAIRS_API_URL``, else ``https://clinicaltrials.gov/api/v2``.
    ``rate`` is the most requests per second (0 = unlimited). ``retries`` bounds the retries of one
    request (connection and read errors, 429/5xx answers, short or garbled bodies) and
    ``backoff_factor`` sets urllib3's exponential backoff between them.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        rate: float = 1.0,
        timeout: float = 30.0,
        retries: int = 5,
        backoff_factor: float = 1.0,
        user_agent: str | None = None,
    ):
        self.base_url = (base_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout
        self.retry = NoDnsRetry(
            total=retries,
            backoff_factor=backoff_factor,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._limiter = RateLimiter(rate)
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": user_agent or USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> CTGovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying HTTP session."""
        self.session.close()

    # -- endpoints ---------------------------------------------------------------
    def get_page(self, params: Mapping[str, Any], page_token: str | None = None) -> Page:
        """Fetch one page of ``GET /studies`` with ``params`` (and ``pageToken`` when given)."""
        query = build_params(params)
        query.pop("pageToken", None)
        if page_token:
            query["pageToken"] = page_token
        data = self._get_object("/studies", query)
        studies = data.get("studies")
        if not isinstance(studies, list):
            raise CtpairsError(
                f"{self.base_url}/studies answered without a 'studies' list; "
                "check that the API URL points at a ClinicalTrials.gov v2 API"
            )
        return Page(
            studies=studies, next_page_token=data.get("nextPageToken") or None, total_count=data.get("totalCount")
        )

    def iter_pages(self, params: Mapping[str, Any], page_token: str | None = None) -> Iterator[Page]:
        """Yield pages from ``page_token`` (or the first page) to the last, repeating every other parameter."""
        token = page_token
        while True:
            page = self.get_page(params, token)
            yield page
            if page.next_page_token is None:
                return
            if page.next_page_token == token:
                raise CtpairsError(
                    f"the API returned the page token it was given ({token!r}) as the next one; stopping to avoid a loop"
                )
            token = page.next_page_token

    def study(self, nct_id: str, fields: list[str] | str | None = None) -> dict:
        """Fetch one study record (``GET /studies/{nctId}``), optionally restricted to ``fields``."""
        return self._get_object(f"/studies/{quote(nct_id, safe='')}", build_params({"fields": fields}))

    def version(self) -> dict:
        """The API and data versions (``GET /version``): ``apiVersion`` and ``dataTimestamp``."""
        return self._get_object("/version", {})

    def stats_size(self) -> dict:
        """Statistics of study JSON sizes (``GET /stats/size``), including ``totalStudies``."""
        return self._get_object("/stats/size", {})

    # -- transport ---------------------------------------------------------------
    def _get_object(self, path: str, query: dict[str, str]) -> dict:
        """GET ``path`` and decode its JSON object, retrying short or garbled bodies under :attr:`retry`."""
        url = self.base_url + path
        retry = self.retry
        while True:
            self._limiter.wait()
            try:
                response = self.session.get(url, params=query, timeout=self.timeout)
                data = response.json() if response.ok else None
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
                requests.exceptions.JSONDecodeError,
                requests.exceptions.ConnectionError,
            ) as exc:
                error = _body_error(exc)
                if error is None:  # the network failed and urllib3's retries are spent
                    raise ApiUnreachableError(
                        f"cannot reach {self.base_url} ({_reason(exc)}); check the network or --base-url"
                    ) from exc
                try:
                    retry = retry.increment(method="GET", url=url, error=error)
                except MaxRetryError as gave_up:
                    raise CtpairsError(
                        f"gave up on {url} after {len(retry.history) + 1} bad responses: {error}; try again later"
                    ) from gave_up
                retry.sleep()
                continue
            except requests.exceptions.RequestException as exc:
                raise CtpairsError(f"could not get {url}: {exc}; check the API URL") from exc
            if not response.ok:
                raise ApiError(response.status_code, response.text.strip() or response.reason, response.url)
            if not isinstance(data, dict):
                raise CtpairsError(
                    f"{url} answered with JSON that is not an object; "
                    "check that the API URL points at a ClinicalTrials.gov v2 API"
                )
            return data


def _reason(exc: Exception) -> str:
    """The innermost cause of a connection failure, in a few words (``Name or service not known``)."""
    inner: BaseException | None = exc
    while True:
        nxt = getattr(inner, "reason", None) or (inner.args[0] if getattr(inner, "args", None) else None)
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner)
    return text.split(": ", 1)[-1] if isinstance(inner, NameResolutionError) else text


def _body_error(exc: requests.exceptions.RequestException) -> Exception | None:
    """The urllib3 error behind a failure to read a response body, or ``None`` if ``exc`` is not one.

    requests raises ChunkedEncodingError (a short body: ProtocolError), ContentDecodingError
    (DecodeError) or ConnectionError (ReadTimeoutError) while reading a body, and ConnectionError
    wrapping MaxRetryError once urllib3's own retries are spent; an unparsable body is a ProtocolError.
    """
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return ProtocolError(f"response body is not valid JSON ({exc})")
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, (ProtocolError, DecodeError, ReadTimeoutError)):
        return inner
    return None
