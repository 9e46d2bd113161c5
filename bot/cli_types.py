"""Argument types shared by the `backoffice` subcommands of several packages (argparse `type=`)."""

from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """YYYY-MM-DD, or argparse's usage error naming what was typed."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
