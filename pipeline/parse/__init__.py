"""Parsing: a paper file -> a :class:`~pipeline.parse.document.Document`."""
