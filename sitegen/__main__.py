"""``python -m sitegen`` is the same as the ``sitegen`` command."""

from sitegen.cli import run

run()
