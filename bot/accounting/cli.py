"""`backoffice` subcommands of bot.accounting; registered by bot.cli.build_parser."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this package's subcommands to the `backoffice` parser."""
