"""The dataset card: statistics of one packaged build, plots, and the README with its YAML.

The prose lives in the template ``cards/dataset_card.md`` (shipped as ``ctpairs.cards``);
this module fills its ``${placeholders}`` with real numbers of the build, draws the plots
under ``images/`` and puts the Hub metadata (``configs``, ``dataset_info``, license, task
categories...) in the YAML header through :class:`huggingface_hub.DatasetCardData`.
"""

from __future__ import annotations

import math
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ctpairs.columns import field_values
from ctpairs.curate import DROP_REASONS
from ctpairs.errors import CtpairsError
from ctpairs.labels import (
    ALPHA,
    MIN_N_PER_SIDE,
    SIMILAR_EFFECT_LIMIT,
    SIMILAR_SHARE_DIFFERENCE,
    SIMILAR_SPREAD_RATIO,
)
from ctpairs.pairing import IMPLAUSIBLE_RESPONSE, SPREAD_CHECK_MIN_N
from ctpairs.schema import LABEL_DIRECTIONS

if TYPE_CHECKING:
    from huggingface_hub import DatasetCard, DatasetCardData

TEMPLATE_PACKAGE = "ctpairs.cards"
TEMPLATE_NAME = "dataset_card.md"
PRETTY_NAME = "ctpairs: counterfactual pairs from ClinicalTrials.gov results"
DEFAULT_REPO_ID = "deepimagine/ct-counterfactuals"
PAPER_URL = "https://arxiv.org/abs/2604.23054"
LICENSE_NAME = "clinicaltrials-gov-terms"
LICENSE_LINK = "https://clinicaltrials.gov/about-site/terms-conditions"
TASK_CATEGORIES = ["text-generation", "text-classification"]
TAGS = ["clinical-trials", "clinicaltrials.gov", "counterfactual", "medical", "biomedical", "dose-response"]
LABEL_PLOT = "images/label_balance.png"
DOSE_PLOT = "images/dose_response.png"
TOP_N = 10
_DROP_COLUMNS = DROP_REASONS

#: What every column means, by dotted path (struct fields) and ``[]`` for list items.
FIELD_DOCS: dict[str, str] = {
    "pair_id": "Stable id of the pair: a hash of the axis, both trials and the source pointers of both results.",
    "schema_version": "Version of the pair schema (`2`).",
    "axis": "The controlled attribute that differs between the sides; the config name.",
    "kind": "`natural` (both sides from one trial) or `approximate` (sides from two matched trials).",
    "nct_id": "NCT id of the trial of the factual side.",
    "cf_nct_id": "NCT id of the trial of the counterfactual side (equal to `nct_id` for natural pairs).",
    "builder": "Name of the builder that made the pair.",
    "builder_version": "Version of that builder.",
    "trial": "What a model may be shown about the factual trial.",
    "trial.title": "Brief title of the trial.",
    "trial.phases": "Trial phases, e.g. `PHASE2`.",
    "trial.conditions": "Conditions studied, as registered.",
    "trial.interventions": "Interventions as `TYPE: name`, e.g. `DRUG: metformin`.",
    "trial.enrollment": "Number of participants enrolled (actual, else anticipated).",
    "trial.allocation": "`RANDOMIZED`, `NON_RANDOMIZED` or `NA`.",
    "trial.masking": "Blinding: `NONE`, `SINGLE`, `DOUBLE`, `TRIPLE` or `QUADRUPLE`.",
    "trial.primary_purpose": "Primary purpose, e.g. `TREATMENT`.",
    "trial.countries": "Countries of the trial sites.",
    "trial.start_date": "Start date (`YYYY-MM-DD` or `YYYY-MM`).",
    "trial.completion_date": "Completion date.",
    "trial.results_first_posted": "Date the results were first posted (used by the date split).",
    "factual": "The factual side: one result group on one outcome (and category).",
    "counterfactual": "The counterfactual side, with the same fields as `factual`.",
    "factual.group_id": "Result group id in the source record, e.g. `OG001`.",
    "factual.group_title": "Title of the result group.",
    "factual.group_description": "Description of the result group.",
    "factual.arm_label": "Label of the protocol arm matched to the group, if any.",
    "factual.arm_type": "Type of that arm, e.g. `EXPERIMENTAL`, `PLACEBO_COMPARATOR`.",
    "factual.interventions": "Interventions of that arm.",
    "factual.dose": "The group's parsed dose, when there is one.",
    "factual.dose.value": "Dose amount.",
    "factual.dose.unit": "Dose unit, e.g. `mg`.",
    "factual.dose.per": "Basis of the dose, e.g. `kg` for mg/kg, or `m2`.",
    "factual.dose.frequency": "Dosing frequency, e.g. `QD`, `BID`.",
    "factual.dose.route": "Route, e.g. `oral`.",
    "factual.dose.text": "The dose as written in the record.",
    "factual.outcome": "The outcome measure.",
    "factual.outcome.title": "Outcome measure title.",
    "factual.outcome.description": "Outcome measure description.",
    "factual.outcome.time_frame": "When the outcome was measured.",
    "factual.outcome.type": "`PRIMARY`, `SECONDARY` or `OTHER_PRE_SPECIFIED`.",
    "factual.outcome.param_type": "Statistic posted, e.g. `mean`, `median`, `count_of_participants`.",
    "factual.outcome.dispersion_type": "Spread posted, e.g. `standard_deviation`, `confidence_interval_95`.",
    "factual.outcome.unit": "Unit of measure of the outcome.",
    "factual.result": "The posted result of the group on the outcome.",
    "factual.result.value": "Posted value.",
    "factual.result.spread": "Posted spread (see `outcome.dispersion_type`).",
    "factual.result.lower": "Lower limit (confidence interval or range), if posted.",
    "factual.result.upper": "Upper limit, if posted.",
    "factual.result.n": "Participants analysed in the group for this outcome.",
    "factual.result.category": "Class and category titles (`/`-joined) when the measure has them.",
    "change": "What differs between the sides.",
    "change.attribute": "The attribute that differs, e.g. `dose`.",
    "change.from": "Its value on the factual side, as text.",
    "change.to": "Its value on the counterfactual side, as text.",
    "change.ratio": "Counterfactual / factual, for doses.",
    "label": "How the counterfactual result moved against the factual one (see Label definitions).",
    "label.direction": "`higher`, `lower`, `similar` or `indeterminate` (no evidence; only in `*-all` configs).",
    "label.delta": "Counterfactual minus factual, on the compared statistic (the proportion for counts).",
    "label.relative_delta": "`delta` divided by the absolute factual value (null when that is 0).",
    "label.significant": "Whether the difference is significant at 0.05 (null when there is no evidence).",
    "label.p_value": "The p-value the direction rests on (the trial's or our test's).",
    "label.p_value_bound": "`<`, `<=`, `>` or `>=` when the trial posted its p-value as a bound (`<0.001`), else null.",
    "label.method": "What the direction rests on: `trial_analysis`, the name of our test, or `none`.",
    "label.test_p_value": "Our test's p-value from the posted numbers (also when the trial's analysis is used).",
    "label.test_method": "Our test's name (see Label definitions); null when no test applies.",
    "label.statistic": "What was compared: `mean`, `proportion`, `geometric_mean`, `median`, `count`...",
    "label.verifiable": "True when the direction rests on the trial's analysis or a test.",
    "provenance": "Where every number came from.",
    "provenance.data_timestamp": "Last update of the source record(s).",
    "provenance.sources": "One entry per pair field taken from a record.",
    "provenance.sources[].field": "The pair field, e.g. `factual.result.value`.",
    "provenance.sources[].pointer": "RFC 6901 JSON pointer into the ClinicalTrials.gov v2 record.",
    "provenance.sources[].nct_id": "The record the pointer refers to.",
    "similarity": "Approximate pairs: embedding similarity of the two sides (null for natural pairs).",
    "matched_on": "Attributes held equal between the sides.",
    "prompt": "Task input: the question put to a model about this pair (plain text).",
    "completion": "Reference reply to `prompt` (plain text, for supervised fine-tuning).",
    "messages": "The same task as a chat: a list of `{role, content}` turns.",
    "messages[].role": "`system`, `user` or `assistant`.",
    "messages[].content": "Text of the turn.",
    "answer": "The verifiable answer (the label asked for), for rewards and exact-match scoring.",
    "reasoning": "`-traces` configs only: the teacher's reasoning trace, also the `completion`.",
}


@dataclass
class DoseSeries:
    """A dose-response example: one trial, one outcome, the result at each dose."""

    nct_id: str
    outcome: str
    unit: str | None
    dose_unit: str
    points: list[tuple[float, float]]  # (dose, result value), sorted by dose


@dataclass
class CardStats:
    """The numbers of one packaged build that the card shows."""

    version: str
    ctpairs_version: str
    data_timestamp: str | None
    inputs: list[str]
    builders: dict[str, str]  # config -> "Builder version"
    split_description: str
    counts: dict[str, dict[str, int]]  # config -> split -> pairs
    trials: dict[str, dict[str, int]]  # config -> split -> trials
    total_trials: int
    labels: dict[str, dict[str, int]]  # config -> direction -> pairs
    top_conditions: list[tuple[str, int]]
    top_drugs: list[tuple[str, int]]
    dose_series: DoseSeries | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # config -> cross-split pairs dropped
    repo_id: str = DEFAULT_REPO_ID  # where the dataset is published, for the card's loading snippet
    audits: dict[str, dict[str, Any]] = field(default_factory=dict)  # config -> ctpairs.audit.audit_rows
    curation: dict[str, Any] | None = None  # the CurationPolicy, as a dict; None: not curated
    curation_dropped: dict[str, dict[str, Any]] = field(default_factory=dict)  # axis -> pairs in, kept, dropped
    task_notes: str = ""  # how the task columns were made (template, traces), see task_notes()


def task_notes(template_version: str, peeks: bool, traces: Mapping[str, Any] | None) -> str:
    """The card's paragraph on how `completion` was made: the template, and the traces run if any."""
    if peeks:
        text = (
            f"Completions use the *restating* template ({template_version}): they state the counterfactual "
            "group's posted result, which the prompt does not show. Use them for analysis, not as an SFT target."
        )
    else:
        text = (
            f"Completions use the *reasoning* template ({template_version}): they reason from what the prompt "
            "shows and end with the answer; none states a counterfactual value (each was checked)."
        )
    if traces:
        settings = ", ".join(f"{k} {v}" for k, v in sorted(traces["sampling"].items()))
        configs = ", ".join(f"`{c}` ({n:,} pairs)" for c, n in traces["configs"].items()) or "none"
        text += (
            f"\n\nThe `-traces` configs ({configs}) hold the pairs with a synthetic reasoning trace in `reasoning` "
            f"(also the `completion` and the assistant turn of `messages`): written by `{traces['model']}` "
            f"through `{traces['generator']}` with teacher prompt {traces['template_version']} ({settings}), "
            "kept only when its answer equals the label, it states no counterfactual value and its length is "
            "within bounds."
        )
    return text


# -- statistics -----------------------------------------------------------------------------


def label_balance(table: pa.Table) -> dict[str, int]:
    """Pairs per ``label.direction``, in :data:`~ctpairs.schema.LABEL_DIRECTIONS` order (zeros kept)."""
    counts = Counter(field_values(table, "label", "direction"))
    return {d: counts.get(d, 0) for d in LABEL_DIRECTIONS}


def top_trial_items(
    trials: Mapping[str, Mapping[str, Any]],
    key: str,
    n: int = TOP_N,
    prefixes: tuple[str, ...] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> list[tuple[str, int]]:
    """The ``n`` most frequent values of list field ``key`` of the trial contexts, counted once per trial.

    Values are compared case-insensitively and shown in their most common spelling. With
    ``prefixes`` (e.g. ``("DRUG", "BIOLOGICAL")``), only ``"TYPE: name"`` items of those types
    count, by name; ``exclude`` lists lower-case names to leave out. Ties are broken by name,
    so the result is deterministic.
    """
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for trial in trials.values():
        names = set()
        for item in trial.get(key) or []:
            if prefixes is not None:
                kind, sep, item = item.partition(":")
                if not sep or kind.strip().upper() not in prefixes:
                    continue
            item = item.strip()
            if item and item.casefold() not in exclude:
                names.add(item.casefold())
                spellings.setdefault(item.casefold(), Counter())[item] += 1
        counts.update(names)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [(min(spellings[k].items(), key=lambda kv: (-kv[1], kv[0]))[0], c) for k, c in ranked]


def dose_series(table: pa.Table) -> DoseSeries | None:
    """The trial outcome (and category) with the most distinct doses in a dose config, or ``None``."""
    groups: dict[tuple, dict[float, float]] = {}
    meta: dict[tuple, tuple[str | None, str]] = {}
    for row in table.select(["nct_id", "factual", "counterfactual"]).to_pylist():
        for side in (row["factual"], row["counterfactual"]):
            dose, outcome = side["dose"], side["outcome"]
            if not dose or dose["value"] is None:
                continue
            key = (
                row["nct_id"],
                outcome["title"],
                outcome["time_frame"],
                side["result"]["category"],
                dose["unit"],
                dose["per"],
                dose["frequency"],
                dose["route"],
            )
            groups.setdefault(key, {})[dose["value"]] = side["result"]["value"]
            meta[key] = (outcome["unit"], dose["unit"] + (f"/{dose['per']}" if dose["per"] else ""))
    if not groups:
        return None
    best = min(groups, key=lambda k: (-len(groups[k]), tuple("" if v is None else str(v) for v in k)))
    unit, dose_unit = meta[best]
    category = f" ({best[3]})" if best[3] else ""
    return DoseSeries(best[0], f"{best[1]}{category}", unit, dose_unit, sorted(groups[best].items()))


def size_category(n: int) -> str:
    """The Hub's ``size_categories`` value for ``n`` examples."""
    if n < 1000:
        return "n<1K"
    bounds = ["1K", "10K", "100K", "1M", "10M", "100M", "1B", "10B", "100B", "1T"]
    k = min(int(math.log10(n)) - 3, len(bounds) - 2)
    return f"{bounds[k]}<n<{bounds[k + 1]}" if k + 1 < len(bounds) else "n>1T"


# -- plots ------------------------------------------------------------------------------------


def write_plots(stats: CardStats, repo_dir: Path) -> list[str]:
    """Draw the label-balance plot (and the dose-response one when there is an example) under
    ``repo_dir/images``; return their paths relative to ``repo_dir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (repo_dir / "images").mkdir(parents=True, exist_ok=True)
    meta = {"Software": None}  # no version string in the PNG: the bytes depend on the data alone
    written = []

    configs = sorted(stats.labels)
    fig, ax = plt.subplots(figsize=(7, 1.4 + 0.5 * len(configs)))
    left = [0.0] * len(configs)
    colors = {"higher": "#4c72b0", "lower": "#dd8452", "similar": "#8c8c8c", "indeterminate": "#e5e5e5"}
    for direction in LABEL_DIRECTIONS:
        shares = [100 * stats.labels[c][direction] / (sum(stats.labels[c].values()) or 1) for c in configs]
        ax.barh(configs, shares, left=left, label=direction, color=colors[direction])
        left = [a + b for a, b in zip(left, shares)]
    ax.set_yticks(range(len(configs)), [f"{c} ({sum(stats.labels[c].values()):,})" for c in configs])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of pairs")
    ax.set_title(f"Label balance per config (v{stats.version})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(configs) < 3 else -0.25), ncol=3, fontsize="small")
    fig.tight_layout()
    fig.savefig(repo_dir / LABEL_PLOT, dpi=100, metadata=meta)
    plt.close(fig)
    written.append(LABEL_PLOT)

    series = stats.dose_series
    if series is not None:
        fig, ax = plt.subplots(figsize=(7, 4))
        xs, ys = zip(*series.points)
        ax.plot(xs, ys, marker="o")
        ax.set_xlabel(f"dose ({series.dose_unit})")
        ax.set_ylabel(series.unit or "result")
        ax.set_title(f"{series.nct_id}: {_shorten(series.outcome, 70)}", fontsize="small")
        fig.tight_layout()
        fig.savefig(repo_dir / DOSE_PLOT, dpi=100, metadata=meta)
        plt.close(fig)
        written.append(DOSE_PLOT)
    return written


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- card -------------------------------------------------------------------------------------


def card_metadata(stats: CardStats) -> DatasetCardData:
    """The YAML header as :class:`huggingface_hub.DatasetCardData`, without ``configs`` and
    ``dataset_info``: the package step adds those with ``datasets``' own writers
    (``MetadataConfigs`` and ``DatasetInfosDict``), as ``push_to_hub`` does."""
    from huggingface_hub import DatasetCardData

    total = sum(sum(s.values()) for s in stats.counts.values())
    return DatasetCardData(
        pretty_name=PRETTY_NAME,
        license="other",
        license_name=LICENSE_NAME,
        license_link=LICENSE_LINK,
        language=["en"],
        multilinguality="monolingual",
        annotations_creators=["machine-generated"],
        language_creators=["found"],
        source_datasets=["original"],
        size_categories=[size_category(total)],
        task_categories=TASK_CATEGORIES,
        tags=TAGS,
    )


def load_template() -> str:
    """The card template shipped with ctpairs (``cards/dataset_card.md``)."""
    return files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")


def render_card(stats: CardStats, schema: pa.Schema, metadata: DatasetCardData) -> str:
    """The full README.md: YAML header from ``metadata`` and the template filled with ``stats``."""
    configs = sorted(stats.counts)
    values = {
        "pretty_name": PRETTY_NAME,
        "version": stats.version,
        "ctpairs_version": stats.ctpairs_version,
        "data_timestamp": stats.data_timestamp or "unknown",
        "config_list": ", ".join(f"`{c}`" for c in configs),
        "first_config": configs[0] if configs else "default",
        "repo_id": stats.repo_id,
        "total_pairs": f"{sum(sum(s.values()) for s in stats.counts.values()):,}",
        "total_trials": f"{stats.total_trials:,}",
        "counts_table": _counts_table(stats),
        "fields_table": fields_table(schema),
        "alpha": f"{ALPHA:g}",
        "min_n": str(MIN_N_PER_SIDE),
        "similar_limit": f"{SIMILAR_EFFECT_LIMIT:g}",
        "similar_points": f"{SIMILAR_SHARE_DIFFERENCE * 100:g}",
        "similar_spread_ratio": f"{SIMILAR_SPREAD_RATIO:g}",
        "implausible_response": f"{IMPLAUSIBLE_RESPONSE:g}",
        "spread_check_min_n": str(SPREAD_CHECK_MIN_N),
        "balance_table": _balance_table(stats),
        "evidence_table": _evidence_table(stats),
        "curation_text": _curation_text(stats),
        "inputs": ", ".join(public_inputs(stats.inputs)) or "unknown",
        "config_splits": config_splits_sentence(stats.counts),
        "builders": ", ".join(f"`{c}`: {b}" for c, b in sorted(stats.builders.items())) or "unknown",
        "split_description": stats.split_description,
        "label_table": _label_table(stats),
        "conditions_table": _ranked_table("condition", stats.top_conditions),
        "drugs_table": _ranked_table("drug or biological", stats.top_drugs),
        "dose_example": _dose_text(stats.dose_series),
        "task_notes": stats.task_notes,
    }
    body = string.Template(load_template()).substitute(values)
    return f"---\n{metadata.to_yaml()}\n---\n\n{body}"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> str:
    """A Markdown table of ``rows`` (cells already formatted) under ``headers``; ``align`` has one
    letter per column, ``l`` (left) or ``r`` (right); by default the first column is left-aligned
    and the others (numbers) right-aligned."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = "|" + "".join("---:|" if a == "r" else "---|" for a in align)
    return "\n".join(["| " + " | ".join(headers) + " |", rule, *("| " + " | ".join(row) + " |" for row in rows)])


def fields_table(schema: pa.Schema) -> str:
    """A Markdown table of every column and nested field of ``schema`` with its type and meaning.

    Raises :class:`CtpairsError` when a field has no entry in :data:`FIELD_DOCS`, so the card
    cannot silently leave a field unexplained.
    """
    rows = []
    for path, arrow_type in _walk(schema):
        doc_key = path.replace("counterfactual.", "factual.", 1) if path.startswith("counterfactual.") else path
        if doc_key not in FIELD_DOCS:
            raise CtpairsError(f"the card has no description of field {path!r}; add it to ctpairs.card.FIELD_DOCS")
        rows.append((f"`{path}`", _type_name(arrow_type), table_cell(FIELD_DOCS[doc_key])))
    return markdown_table(("field", "type", "meaning"), rows, align="lll")


def _walk(fields: Iterable[pa.Field], prefix: str = "") -> Iterable[tuple[str, pa.DataType]]:
    for f in fields:
        path = f"{prefix}{f.name}"
        yield path, f.type
        inner = f.type
        suffix = ""
        if pa.types.is_list(inner) or pa.types.is_large_list(inner):
            inner, suffix = inner.value_type, "[]"
        if pa.types.is_struct(inner):
            yield from _walk([inner.field(i) for i in range(inner.num_fields)], f"{path}{suffix}.")


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return f"list of {_type_name(t.value_type)}"
    if pa.types.is_struct(t):
        return "struct"
    return str(t)


def table_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell: a ``|`` (as in ``|factual value|``) is escaped."""
    return text.replace("|", "\\|")


def public_inputs(inputs: Iterable[str]) -> list[str]:
    """The build inputs as a card may show them: what kind of input, and a file's name, never a
    local path of the machine that built it (``store /home/me/store.sqlite`` -> ``a ctpairs store``)."""
    out = []
    for label in inputs:
        if label.startswith("store "):
            out.append("a ctpairs store")
        elif "/" in label or "\\" in label:
            out.append(f"`{PureWindowsPath(label).name}`")  # splits on both / and \\
        else:
            out.append(label)
    return out


def config_splits_sentence(counts: dict[str, dict[str, int]]) -> str:
    """Which splits the configs have (a split with no pairs is not declared), in one sentence."""
    have = {c: [s for s, n in splits.items() if n] for c, splits in sorted(counts.items())}
    if all(len(s) == len(counts[c]) for c, s in have.items()):
        return "Every config has the splits `train`, `validation` and `test`:"
    listed = "; ".join(f"`{c}`: {', '.join(f'`{s}`' for s in splits)}" for c, splits in have.items())
    return f"A split with no pairs is not declared; the splits of each config: {listed}."


def _counts_table(stats: CardStats) -> str:
    rows = []
    for config in sorted(stats.counts):
        c, t = stats.counts[config], stats.trials[config]
        rows.append(
            (f"`{config}`", *(f"{c[s]:,}" for s in ("train", "validation", "test")), f"{sum(c.values()):,}")
            + (f"{sum(t.values()):,}", f"{stats.dropped.get(config, 0):,}")
        )
    headers = ("config", "train", "validation", "test", "total pairs", "trials", "cross-split pairs dropped")
    return markdown_table(headers, rows)


def _balance_table(stats: CardStats) -> str:
    """Per config: trials, the top trial's share, the effective number of trials, and the
    measures with the top measure's share."""
    rows = [
        (
            f"`{config}`",
            f"{audit['pairs']:,}",
            f"{audit['balance']['trials']:,}",
            audit["balance"]["top_trial"] or "-",
            f"{100 * audit['balance']['top_trial_share']:.1f}%",
            f"{audit['balance']['effective_trials']:,.1f}",
            f"{audit['balance']['measures']:,}",
            f"{100 * audit['balance']['top_measure_share']:.1f}%",
        )
        for config, audit in sorted(stats.audits.items())
    ]
    headers = (
        "config",
        "pairs",
        "trials",
        "top trial",
        "top trial's share",
        "effective trials",
        "measures",
        "top measure's share",
    )
    return markdown_table(headers, rows, align="lrrlrrrr")


def _evidence_table(stats: CardStats) -> str:
    """Per config: verifiable share, the main label methods, and our test's agreement with the trial."""
    rows = []
    for config, audit in sorted(stats.audits.items()):
        methods = {m: v["share"] for m, v in audit["methods"].items()}
        trial, none = methods.get("trial_analysis", 0.0), methods.get("none", 0.0)
        agree = audit["agreement"]
        rate = f"{100 * agree['rate']:.1f}% ({agree['pairs']:,})" if agree["rate"] is not None else "-"
        shares = (audit["verifiable_share"], trial, 1 - trial - none, none)
        rows.append((f"`{config}`", *(f"{100 * share:.1f}%" for share in shares), rate))
    headers = (
        "config",
        "verifiable",
        "trial analysis",
        "our test",
        "none",
        "agreement with the trial's analysis (pairs)",
    )
    return markdown_table(headers, rows)


def _curation_text(stats: CardStats) -> str:
    if not stats.curation:
        return "This release is not curated: every config holds every pair of the build."
    p = stats.curation
    lines = [
        f"Each training config keeps only verifiable labels ({'yes' if p['verifiable_only'] else 'no'}), "
        f"drops pairs where both sides posted 0 ({'yes' if p['drop_zero_vs_zero'] else 'no'}), keeps at most "
        f"{p['max_per_measure']} pairs per measure of a trial and {p['max_per_trial']} per trial, and caps every "
        f"trial at {100 * p['max_trial_share']:g}% of the config when the config has enough trials for that. "
        "Primary outcomes and labels from the trial's own analysis are kept first. "
        "The `<axis>-all` configs hold every pair of the build, uncurated.",
        "",
    ]
    rows = [
        (
            f"`{axis}`",
            f"{info['pairs_in']:,}",
            f"{info['kept']:,}",
            *(f"{info['dropped'].get(r, 0):,}" for r in _DROP_COLUMNS),
        )
        for axis, info in sorted(stats.curation_dropped.items())
    ]
    lines.append(markdown_table(("config", "pairs built", "kept", *_DROP_COLUMNS), rows))
    return "\n".join(lines)


def _label_table(stats: CardStats) -> str:
    rows = []
    for config in sorted(stats.labels):
        counts = stats.labels[config]
        total = sum(counts.values()) or 1
        rows.append((f"`{config}`", *(f"{counts[d]:,} ({100 * counts[d] / total:.1f}%)" for d in LABEL_DIRECTIONS)))
    return markdown_table(("config", *LABEL_DIRECTIONS), rows)


def _ranked_table(what: str, items: list[tuple[str, int]]) -> str:
    if not items:
        return f"No {what} in this build."
    return markdown_table((what, "trials"), [(name.replace("|", "/"), f"{count:,}") for name, count in items])


def _dose_text(series: DoseSeries | None) -> str:
    if series is None:
        return "This build has no `dose` config, so there is no dose-response example."
    points = ", ".join(f"{d:g} {series.dose_unit} → {v:g}" for d, v in series.points)
    return (
        f"The outcome with the most doses in the `dose` config: **{series.nct_id}**, "
        f"*{series.outcome}* ({series.unit or 'no unit'}): {points}.\n\n"
        f"![Dose-response example]({DOSE_PLOT})"
    )


def validate_card(text: str) -> DatasetCard:
    """Parse README text as a :class:`huggingface_hub.DatasetCard` and check its metadata offline.

    Checks that the YAML round-trips through ``DatasetCardData``, declares the Hub fields this
    dataset needs, and that ``datasets`` reads its ``configs`` and ``dataset_info`` (the Hub's own
    ``/api/validate-yaml`` runs again on upload). Returns the card; raises ``CtpairsError``.
    """
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard, DatasetCardData

    card = DatasetCard(text)
    data = card.data.to_dict()
    if DatasetCardData(**data).to_dict() != data:
        raise CtpairsError("the card metadata does not round-trip through DatasetCardData")
    missing = [
        k
        for k in (
            "license",
            "license_name",
            "license_link",
            "task_categories",
            "size_categories",
            "pretty_name",
            "tags",
            "configs",
            "dataset_info",
        )
        if not data.get(k)
    ]
    if missing:
        raise CtpairsError(f"the card metadata lacks {', '.join(missing)}")
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    if set(configs) != set(infos):
        raise CtpairsError(f"configs {sorted(configs)} and dataset_info {sorted(infos)} name different configs")
    return card
