"""Resumable fetching of ``GET /studies`` pages into the local store.

Each page is stored together with the checkpoint that follows it (the next page token) in one
transaction, so a run stopped at any moment, even by ``kill -9``, loses at most the page in
flight. Running the same query again resumes from the checkpoint; once a pass has finished, the
next run starts a new pass, which is how a re-fetch picks up updated records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from ctpairs.errors import ApiUnreachableError, BadRecordError, CtpairsError
from ctpairs.sources.client import PAGING_PARAMS, CTGovClient, build_params
from ctpairs.store import Checkpoint, Store, record_nct_id

log = logging.getLogger(__name__)

#: The ``source`` recorded with every study stored by :func:`fetch_to_store`.
SOURCE = "ctgov-api"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FetchResult:
    """What a :func:`fetch_to_store` run did.

    ``pages`` and ``studies`` count the whole pass, pages stored by an interrupted earlier run
    included; ``resumed_from_page`` is how many pages that earlier run had stored (0 for a fresh pass).
    ``finished`` is false when ``max_pages`` stopped the run before the last page.
    """

    query_key: str
    pages: int
    studies: int
    resumed_from_page: int
    finished: bool
    data_timestamp: str | None
    total_count: int | None


def query_key(params: Mapping[str, Any]) -> str:
    """A stable hash of a query: its parameters as sent, sorted, without the paging ones.

    ``pageToken``, ``pageSize`` and ``countTotal`` are left out: the API allows them to change from
    page to page of the same query, so changing the page size does not lose a checkpoint.
    """
    query = {k: v for k, v in build_params(params).items() if k not in PAGING_PARAMS}
    digest = hashlib.sha256(json.dumps(query, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return digest.hexdigest()[:16]


def since_filter(date: str, existing: str | None = None) -> str:
    """The ``filter.advanced`` expression for records last updated on or after ``date`` (``YYYY-MM-DD``).

    An ``existing`` expression is kept and combined with it by ``AND``.
    """
    if not _DATE.match(date) or not _is_date(date):
        raise CtpairsError(f"--since wants a date as YYYY-MM-DD, got {date!r}")
    expression = f"AREA[LastUpdatePostDate]RANGE[{date},MAX]"
    return f"({existing}) AND {expression}" if existing else expression


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def fetch_to_store(
    store: Store,
    client: CTGovClient,
    params: Mapping[str, Any],
    *,
    since: str | None = None,
    max_pages: int | None = None,
    restart: bool = False,
    progress: bool = True,
) -> FetchResult:
    """Fetch every page of the ``GET /studies`` query ``params`` into ``store``, resumably.

    An unfinished checkpoint of the same query is resumed (unless ``restart``); a finished one starts a
    new pass. ``since`` restricts the query to records updated on or after that date (a different query,
    with its own checkpoint). ``max_pages`` stops after that many pages in this run. Records without an
    NCT id are logged and skipped. Errors propagate (:class:`~ctpairs.errors.ApiError`, other
    :class:`~ctpairs.errors.CtpairsError`, :class:`~ctpairs.errors.ApiUnreachableError` when the API cannot be
    reached);
    every page stored before them stays, with the checkpoint to resume from.
    """
    if max_pages is not None and max_pages < 1:
        raise CtpairsError(f"max_pages must be at least 1, got {max_pages}")
    query = build_params(params)
    query.pop("pageToken", None)
    if since:
        query["filter.advanced"] = since_filter(since, query.get("filter.advanced"))
    key = query_key(query)
    data_timestamp = _data_timestamp(client)

    checkpoint = store.checkpoint(key)
    if checkpoint and not checkpoint.finished and checkpoint.next_page_token and not restart:
        token: str | None = checkpoint.next_page_token
        pages, studies, total = checkpoint.pages_done, checkpoint.studies_seen, checkpoint.total_count
        log.info("resuming query %s at page %d", key, pages + 1)
    else:
        token, pages, studies, total = None, 0, 0, None
    resumed_from = pages
    finished = False

    with tqdm(
        total=total, initial=studies, unit="study", desc="fetch", postfix={"pages": pages}, disable=not progress
    ) as bar:
        for page in client.iter_pages(query, token):
            if total is None and page.total_count is not None:
                total = page.total_count
                bar.total = total
            records = _valid_records(page.studies)
            pages += 1
            studies += len(records)
            finished = page.next_page_token is None
            store.put_page(
                records,
                Checkpoint(key, query, page.next_page_token, pages, studies, total, finished),
                data_timestamp=data_timestamp,
                source=SOURCE,
            )
            bar.update(len(records))
            bar.set_postfix(pages=pages)
            if max_pages is not None and pages - resumed_from >= max_pages:
                break

    return FetchResult(key, pages, studies, resumed_from, finished, data_timestamp, total)


def _data_timestamp(client: CTGovClient) -> str | None:
    """The API's data timestamp, or ``None`` (with a warning) if ``/version`` answers with an error.

    A network failure propagates: the pages could not be fetched either.
    """
    try:
        return client.version().get("dataTimestamp")
    except ApiUnreachableError:
        raise
    except CtpairsError as exc:
        log.warning("could not read the API data timestamp, records keep their own: %s", exc)
        return None


def _valid_records(studies: list[dict]) -> list[dict]:
    """The records of a page that have an NCT id; the others are logged and dropped."""
    records = []
    for index, record in enumerate(studies):
        try:
            record_nct_id(record)
        except BadRecordError as exc:
            log.warning("skipping study %d of the page: %s", index, exc)
            continue
        records.append(record)
    return records
