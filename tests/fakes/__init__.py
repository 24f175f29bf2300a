"""Fakes at the edge for tests: real local servers speaking real protocols, simple documents."""
