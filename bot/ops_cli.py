"""`backoffice init`, `backup`, `restore`: running it for real (#16); registered by bot.cli.build_parser."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the operations subcommands to the `backoffice` parser."""
