"""The compressed trial shelf the approximate builders read the corpus from."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ctpairs.model.parse import parse_trial
from ctpairs.shelf import TrialShelf
from tests._data import real_records


@pytest.fixture(scope="module")
def trials():
    return [parse_trial(r) for r in real_records()[:40]]


def test_shelf_gives_back_equal_trials_in_order(trials) -> None:
    shelf = TrialShelf(trials, cached=3)
    assert len(shelf) == len(trials)
    assert list(shelf) == trials  # dataclass equality: every field, results included
    assert shelf[trials[7].nct_id] == trials[7] and trials[7].nct_id in shelf and "NCT00000000" not in shelf
    assert shelf.fingerprint == tuple((t.nct_id, t.last_update_posted) for t in trials)
    with pytest.raises(KeyError):
        shelf["NCT00000000"]


def test_shelf_is_smaller_than_the_json_and_caches_only_a_few(trials) -> None:
    import orjson

    shelf = TrialShelf(trials, cached=3)
    json_bytes = sum(len(orjson.dumps(r)) for r in real_records()[:40])
    assert shelf.compressed_bytes < json_bytes / 3
    for trial in trials:
        assert shelf[trial.nct_id].nct_id == trial.nct_id
    assert len(shelf._cache) == 3
    # the same trial asked for twice in a row is the same object (a partner met again is not unpickled again)
    assert shelf[trials[-1].nct_id] is shelf[trials[-1].nct_id]


def test_a_repeated_study_id_is_iterated_twice_and_looked_up_as_the_later(trials) -> None:
    first = trials[0]
    later = replace(trials[5], nct_id=first.nct_id)  # another study under the id of trial 0
    shelf = TrialShelf([first, trials[1], later])
    assert [t.nct_id for t in shelf] == [first.nct_id, trials[1].nct_id, first.nct_id]
    assert shelf[first.nct_id].brief_title == later.brief_title
