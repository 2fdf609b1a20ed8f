"""Where ctpairs keeps its files by default."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CTPAIRS_HOME"


def ctpairs_home() -> Path:
    """The per-user data folder: ``$CTPAIRS_HOME``, else ``$XDG_DATA_HOME/ctpairs``, else ``~/.local/share/ctpairs``."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ctpairs"


def default_store_path() -> Path:
    """Default location of the SQLite store of raw study records."""
    return ctpairs_home() / "store.sqlite"
