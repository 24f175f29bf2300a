"""The ``reproduce`` command line: one thin module per command, loaded lazily."""
