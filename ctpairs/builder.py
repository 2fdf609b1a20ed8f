"""The pair-builder protocol and how builders are found.

A builder turns ONE trial into pairs. It yields :class:`~ctpairs.schema.Pair` objects and,
for everything it looked at and did not pair, a :class:`Skip` with a short reason, so the
build report can say why a trial gave no pairs. The runner owns files, workers and progress.
A natural builder is only called on trials with posted results: the runner counts a study without
them under :data:`SKIP_NO_RESULTS` on every natural axis, unparsed (``ctpairs.build.Unposted``).

An *approximate* builder (``kind = "approximate"``) pairs across trials, so it needs the whole
corpus first: it also has ``prepare(trials, *, index_dir, model, device)``, which the runner
calls once with every parsed trial (an iterable of the trials in input order, or a
:class:`~ctpairs.shelf.TrialShelf` of them: kept compressed, with lookup by NCT id; ``index_dir``: the FAISS index
and embedding cache folder, or None for in memory; ``model``/``device``: the embedding model
and where it runs) before calling ``build`` on each trial, in input order. The first approximate
builder gets the parsed trials as a stream and puts them on the shelf, which it then exposes as
``corpus``; the runner hands that shelf to the others. ``prepare`` should keep what it decides,
not the pairs: ``build`` makes a trial's pairs when it is called.
Approximate builders run in the main process.

Builders are registered under the ``ctpairs.builders`` entry-point group, the built-in ones
included (see ``pyproject.toml``); a third-party package registers its own the same way::

    [project.entry-points."ctpairs.builders"]
    my-axis = "my_package.my_module:MyBuilder"
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from ctpairs.errors import UnknownAxisError
from ctpairs.model.trial import Measure, Trial
from ctpairs.schema import Pair

ENTRY_POINT_GROUP = "ctpairs.builders"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skip:
    """Something a builder considered and did not pair, and why (a short, fixed phrase)."""

    reason: str
    detail: str | None = None


@runtime_checkable
class Builder(Protocol):
    """What a pair builder is: a name (the axis), a version, a kind, and ``build``."""

    name: str  # the axis, e.g. "dose"; what ``ctpairs build --axis`` takes
    version: str  # bump when the pairs it makes change
    kind: str  # "natural" (inside one trial) or "approximate" (across trials)
    description: str  # one line for ``ctpairs builders``

    def build(self, trial: Trial) -> Iterable[Pair | Skip]:
        """Yield the pairs of one trial and a Skip for each thing left unpaired."""
        ...


SKIP_REPEATED = "the same contrast posted under another measure"
SKIP_NO_RESULTS = "no posted results"


def _contrast(pair: Pair) -> tuple | None:
    """What makes two single-value pairs of one trial the same contrast: both groups and every
    number of both sides; ``None`` for a row of a table (a class or category) or a value without
    a dispersion on either side (small counts, "2 of 8 against 3 of 5", recur by chance)."""
    f, c = pair.factual.result, pair.counterfactual.result
    if any(r.category is not None or (r.spread is None and r.lower is None and r.upper is None) for r in (f, c)):
        return None
    return pair.factual.group_title, pair.counterfactual.group_title, f, c


class PerMeasureBuilder:
    """Base for natural builders that pair groups inside one outcome measure at a time:
    subclasses implement ``build_measure``; trials without posted results are skipped here, and so
    is a pair that repeats, with every number, a single-value contrast of the same two groups on an
    earlier measure: one result posted twice, such as overall survival posted once per comparison
    of a three-arm trial (:data:`SKIP_REPEATED`)."""

    def build(self, trial: Trial) -> Iterator[Pair | Skip]:
        if not trial.results.outcome_measures:
            yield Skip(SKIP_NO_RESULTS)
            return
        first: dict[tuple, Measure] = {}
        for measure in trial.results.outcome_measures:
            for item in self.build_measure(trial, measure):
                key = _contrast(item) if isinstance(item, Pair) else None
                if key is not None and first.setdefault(key, measure) is not measure:
                    yield Skip(SKIP_REPEATED, f"{measure.title} / {first[key].title}")
                    continue
                yield item

    def build_measure(self, trial: Trial, measure: Measure) -> Iterator[Pair | Skip]:
        raise NotImplementedError


def available_builders() -> dict[str, type]:
    """Every registered builder class by axis name (built-in and third-party), sorted by name."""
    found: dict[str, type] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            continue
        try:
            found[ep.name] = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not hide the others
            log.warning("builder %r (%s) failed to load and is left out: %s", ep.name, ep.value, exc)
    return dict(sorted(found.items()))


def load_builders(axes: Iterable[str]) -> list[Builder]:
    """Instantiate the builders of the named axes (``"all"`` means every natural one)."""
    registry = available_builders()
    names: list[str] = []
    for axis in axes:
        if axis == "all":
            names += [n for n, cls in registry.items() if getattr(cls, "kind", "natural") == "natural"]
        elif axis in registry:
            names.append(axis)
        else:
            known = ", ".join(registry) or "none"
            raise UnknownAxisError(f"unknown axis {axis!r}; registered builders: {known}. See `ctpairs builders`.")
    builders = [registry[n]() for n in dict.fromkeys(names)]
    for b in builders:
        if not isinstance(b, Builder):
            raise UnknownAxisError(
                f"{type(b).__name__} does not implement the Builder protocol (name, version, kind, description, build)"
            )
    return builders
