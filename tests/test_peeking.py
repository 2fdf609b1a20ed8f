"""The no-peeking check (ctpairs.peeking) on real pairs and hand-written real text cases, and over a
packaged build of all the shared records."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from ctpairs.build import build_pairs
from ctpairs.package import PackageError, package_pairs
from ctpairs.peeking import PeekError, _magnitudes, check_no_peek, find_peeks, numbers
from ctpairs.tasks import RESTATING_TEMPLATE, format_number, task_columns
from tests._data import real_records
from tests._pairs import axes_only, build_small_pairs

BEVACIZUMAB = "0a68ed86f0a212ddb8f2"  # NCT00700180 bevacizumab, 7.5 -> 15 mg: 42.86% -> 47.69% (n 77 -> 65), +11.3%
BEVACIZUMAB_ALL = "510aa18bc4da32c8a245"  # NCT00700180, another outcome: 83.1 (n=154) -> 85.9 (n=149)
AE_COUNT = "c48eca1cf5a48e012f81"  # NCT01183858, a dose step: 29 of 154 -> 35 of 158 participants with an AE
AVANAFIL = (
    "be32282feb2f0ba5432a"  # NCT00809471, placebo -> avanafil 200 mg: 13.6 (SE 2.77, n=127) -> 34.0 (SE 2.76, n=126)
)


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    out = build_small_pairs(tmp_path_factory.mktemp("pairs"))
    return {
        r["pair_id"]: r
        for p in sorted(out.glob("*.parquet"))
        for r in pq.read_table(p).to_pylist()
        if r["label"]["verifiable"]  # task columns are rendered for verifiable labels only
    }


def _prompt(row):
    return task_columns(row)["prompt"]


def test_the_pairs_are_the_ones_described(rows):
    b, a, c = rows[BEVACIZUMAB], rows[AVANAFIL], rows[AE_COUNT]
    assert (b["factual"]["result"]["value"], b["counterfactual"]["result"]["value"]) == (42.86, 47.69)
    assert (b["factual"]["result"]["n"], b["counterfactual"]["result"]["n"]) == (77, 65)
    assert rows[BEVACIZUMAB_ALL]["counterfactual"]["result"]["n"] == 149
    assert (a["counterfactual"]["result"]["value"], a["counterfactual"]["result"]["spread"]) == (34.0, 2.76)
    assert (a["factual"]["result"]["n"], a["counterfactual"]["result"]["n"]) == (127, 126)
    assert (c["counterfactual"]["result"]["value"], c["counterfactual"]["result"]["n"]) == (35, 158)


@pytest.mark.parametrize(
    ("pair", "text", "field"),
    [
        (BEVACIZUMAB, "At 15 mg the rate would reach 47.69%.", "counterfactual.result.value"),
        (BEVACIZUMAB, "I expect about 47.7 at the higher dose.", "counterfactual.result.value"),
        (BEVACIZUMAB, "Roughly 48 percent would respond.", "counterfactual.result.value"),
        (BEVACIZUMAB, "Expect an 11.3% relative increase.", "label.relative_delta"),
        (BEVACIZUMAB, "That is about 11 percent more.", "label.relative_delta"),
        (BEVACIZUMAB, "A rise of 4.83 points.", "counterfactual - factual"),
        (BEVACIZUMAB, "A rise of 0.048 in the proportion.", "label.delta"),
        (BEVACIZUMAB_ALL, "The 15 mg group (n=149) should do better.", "counterfactual.result.n"),
        (AE_COUNT, "About 22% would have an adverse event.", "counterfactual proportion"),
        (BEVACIZUMAB, "About 1.11 times the factual rate.", "counterfactual/factual"),
        (AVANAFIL, "The mean should rise to 34.0.", "counterfactual.result.value"),
        (AVANAFIL, "with a standard error of 2.76", "counterfactual.result.spread"),
        (AVANAFIL, "a 150% higher mean", "label.relative_delta"),
        (AVANAFIL, "a change of -20.40", "label.delta"),
        (AVANAFIL, "2.5 times the factual mean", "counterfactual/factual"),
    ],
)
def test_peeks_are_found(rows, pair, text, field):
    row = rows[pair]
    peeks = find_peeks(text, row, _prompt(row))
    assert [p.field for p in peeks] == [field]
    with pytest.raises(PeekError, match=field.replace("/", ".")):
        check_no_peek(text, row, _prompt(row))


@pytest.mark.parametrize(
    ("pair", "text"),
    [
        (
            BEVACIZUMAB,
            "Doubling the dose from 7.5 mg to 15 mg raises exposure roughly 2-fold; with more VEGF blockade the response "
            "rate usually climbs with exposure, so the rate should be above 42.86.\nAnswer: higher",
        ),
        (BEVACIZUMAB, "About 50% at most; around 43 now. Under the 5% threshold? No.\nAnswer: higher"),
        (BEVACIZUMAB, "NCT00700180 reports the factual rate of 42.86 (n=82)."),
        (AVANAFIL, "The placebo group had n=127 and a mean of 13.6 (SE 2.77).\nAnswer: higher"),
        (AVANAFIL, "p < 0.05 would make it significant."),
    ],
)
def test_reasoning_from_the_prompt_is_not_a_peek(rows, pair, text):
    row = rows[pair]
    assert find_peeks(text, row, _prompt(row)) == []
    check_no_peek(text, row, _prompt(row))


def test_numbers_are_read_as_written():
    found = numbers("NCT00700180: 2.5mg, 1,234.5 and 15.7% or 16 percent; p=0.05; -3.2; v2")
    assert [(n.text, n.value, n.decimals, n.digits, n.percent) for n in found] == [
        ("2.5", 2.5, 1, 2, False),
        ("1,234.5", 1234.5, 1, 5, False),
        ("15.7%", 15.7, 1, 3, True),
        ("16 percent", 16.0, 0, 2, True),
        ("0.05", 0.05, 2, 1, False),
        ("3.2", 3.2, 1, 2, False),
    ]


def test_every_counterfactual_value_is_a_peek_unless_the_prompt_shows_it(rows):
    peeking = 0
    for row in rows.values():
        prompt = _prompt(row)
        value = format_number(abs(row["counterfactual"]["result"]["value"]))
        digits = len(value.replace(".", "").lstrip("0"))
        decimals = len(value.split(".")[1]) if "." in value else 0
        shown = any(
            n.value == float(value) or digits >= 2 and round(n.value, decimals) == float(value) for n in numbers(prompt)
        )
        assert bool(find_peeks(f"It would be {value}.", row, prompt)) != shown, row["pair_id"]
        peeking += not shown
        assert _magnitudes(prompt) == [n.value for n in numbers(prompt)]  # the cheap read the check uses
        for number in numbers(prompt):
            assert find_peeks(f"The prompt says {number.text}.", row, prompt) == [], (row["pair_id"], number)
    assert peeking > len(rows) // 2


@pytest.mark.slow
def test_no_packaged_default_completion_states_a_counterfactual_value(tmp_path):
    """Over a build of all 685 shared records: the packager checks each completion, and so does this test."""
    pairs = build_pairs(real_records(), ["all"], tmp_path / "pairs", inputs=["tests"], progress=False)
    assert sum(a.pairs for a in pairs.axes.values()) > 10_000
    package_pairs(tmp_path / "pairs", tmp_path / "repo", "1.0.0")
    checked = 0
    for path in sorted((tmp_path / "repo" / "data").glob("*/*.parquet")):
        for row in pq.read_table(path).to_pylist():
            if row["completion"] is None:  # `<axis>-all` rows without a verifiable label have no task
                assert not row["label"]["verifiable"]
                continue
            assert find_peeks(row["completion"], row, row["prompt"]) == [], row["pair_id"]
            checked += 1
    assert checked > 1_000


def test_restating_template_is_packaged_as_declared_peeking(rows, tmp_path):
    row = rows[BEVACIZUMAB]
    with pytest.raises(PeekError, match="counterfactual.result.value"):
        check_no_peek(task_columns(row, RESTATING_TEMPLATE)["completion"], row, _prompt(row))
    pairs = axes_only(build_small_pairs(tmp_path / "pairs"), tmp_path / "dose-pairs")
    package_pairs(pairs, tmp_path / "restating", "1.0.0", template="restating")
    manifest = json.loads((tmp_path / "restating" / "ctpairs-manifest.json").read_text())
    assert manifest["template"] == {"name": "restating", "version": "v1", "peeks": True}
    table = pq.read_table(next((tmp_path / "restating" / "data" / "dose").glob("*.parquet")))
    assert all("counterfactual group" in c for c in table.column("completion").to_pylist())
    with pytest.raises(PackageError, match="unknown template"):
        package_pairs(pairs, tmp_path / "bad", "1.0.0", template="nope")
