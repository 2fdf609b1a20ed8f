"""Parsed trials kept compressed in memory, in input order, for builders that see the whole corpus.

The approximate (cross-trial) builders pair a trial with trials anywhere else in the corpus,
so they need every trial at hand, twice: once to find the anchors, once to make the pairs of
each trial with its partners. Python objects of a parsed trial take several times the size of
its JSON text; a :class:`TrialShelf` keeps each one pickled and zstd-compressed (Arrow's codec)
instead, and unpickles it when asked, with a small cache of the last ones asked for (partners
are asked for again and again while the pairs of neighbouring trials are made).
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterable, Iterator

import pyarrow as pa

from ctpairs.model.trial import Trial

CACHED_TRIALS = 256  # unpickled trials kept at hand (the most recently asked for)


class TrialShelf:
    """Trials in input order, compressed; iterate them in order or look one up by NCT id.

    A study id met twice keeps both trials for iteration; a lookup gets the later one.
    :attr:`fingerprint` ((NCT id, last update) of each trial, in order) tells two shelves of the
    same corpus apart from different ones without unpickling anything.
    """

    def __init__(self, trials: Iterable[Trial], *, cached: int = CACHED_TRIALS):
        self._blobs: list[tuple[int, bytes]] = []  # (pickle size, zstd frame)
        self._position: dict[str, int] = {}
        keys: list[tuple[str, str | None]] = []
        for trial in trials:
            data = pickle.dumps(trial, protocol=pickle.HIGHEST_PROTOCOL)
            self._position[trial.nct_id] = len(self._blobs)
            self._blobs.append((len(data), pa.compress(data, codec="zstd", asbytes=True)))
            keys.append((trial.nct_id, trial.last_update_posted))
        self.fingerprint: tuple[tuple[str, str | None], ...] = tuple(keys)
        self._cached = cached
        self._cache: OrderedDict[int, Trial] = OrderedDict()

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, nct_id: object) -> bool:
        return nct_id in self._position

    def __iter__(self) -> Iterator[Trial]:
        for i in range(len(self._blobs)):
            yield self._load(i)

    def __getitem__(self, nct_id: str) -> Trial:
        """The trial with this NCT id (``KeyError`` when the shelf has none)."""
        return self._load(self._position[nct_id])

    @property
    def compressed_bytes(self) -> int:
        """What the shelf holds, in bytes of compressed pickles."""
        return sum(len(blob) for _, blob in self._blobs)

    def _load(self, i: int) -> Trial:
        if i in self._cache:
            self._cache.move_to_end(i)
            return self._cache[i]
        size, blob = self._blobs[i]
        trial = pickle.loads(pa.decompress(blob, size, codec="zstd", asbytes=True))
        self._cache[i] = trial
        if len(self._cache) > self._cached:
            self._cache.popitem(last=False)
        return trial
