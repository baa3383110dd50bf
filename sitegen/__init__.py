"""sitegen: a static site generator for archived live blogs."""

__version__ = "0.1.0"
