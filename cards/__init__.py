"""Dataset card templates, shipped inside the package as ``ctpairs.cards`` (see pyproject.toml)."""
