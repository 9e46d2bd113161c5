"""Chat commands of #16 (transfers); merged into handlers.command_table."""

from __future__ import annotations

from handlers.base import Command

COMMANDS: dict[str, Command] = {}
