"""Build-time SVG charts for templates (placeholder until the theme issue lands).

``TEMPLATE_HELPERS`` is registered as Jinja globals by the renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TEMPLATE_HELPERS: dict[str, Callable[..., Any]] = {}
