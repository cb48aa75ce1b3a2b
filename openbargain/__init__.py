"""openbargain: members direct the people they elected, in the open.

The factory is imported on first use so that `openbargain.tally` (and its standalone verifier)
can be imported without Flask or SQLAlchemy installed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> "Flask":
    from openbargain.app import create_app as factory

    return factory(config)
