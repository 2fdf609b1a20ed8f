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


def test_a_trial_cut_down_to_some_measures_keeps_their_indices_and_pointers(trials) -> None:
    trial = next(t for t in trials if len(t.results.outcome_measures) >= 3)
    whole = trial.results.outcome_measures
    cut = trial.with_outcome_measures({whole[0].index, whole[2].index})
    assert cut.results.outcome_measures == [whole[0], whole[2]]  # same index and pointers, as in the record
    assert cut.results.adverse_events is None and cut.arm_groups == trial.arm_groups
    assert replace(cut, results=trial.results) == trial  # nothing else differs


def test_partners_give_the_anchors_of_the_whole_trials(trials) -> None:
    """A partner unpickled from the cut-down shelf is the same anchor (text, group, measure, dose,
    arm) as one read from the whole trial, for every anchor the shelf was made with (every other
    anchor of the corpus, so most trials are cut down)."""
    from ctpairs.retrieval import collect_anchors
    from ctpairs.retrieval.approximate import AnchorFacts, Partners
    from ctpairs.retrieval.texts import Anchor, iter_anchors

    shelf = TrialShelf(trials)
    facts, _ = collect_anchors(trials, AnchorFacts.of)
    assert len({f.nct_id for f in facts}) > 5
    partners = Partners(shelf, facts[::2])
    whole = {a.key: a for t in trials for a in iter_anchors(t) if isinstance(a, Anchor)}
    for f in facts[::2]:
        got, want = partners.anchor(f.nct_id, f.key), whole[f.key]
        assert (got.text, got.group, got.measure, got.dose, got.arm) == (
            want.text,
            want.group,
            want.measure,
            want.dose,
            want.arm,
        )
        assert got.trial.results.outcome_measures != [] and len(got.trial.results.outcome_measures) <= len(
            want.trial.results.outcome_measures
        )
    assert partners._shelf.compressed_bytes < shelf.compressed_bytes / 2
