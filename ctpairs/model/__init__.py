"""The normalized trial model: raw v2 JSON -> typed :class:`Trial`."""
