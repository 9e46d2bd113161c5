"""What the understanding layer says to people (e.g. asking them to confirm a reading), in Japanese and English;
merged into bot.i18n.CATALOG, asked for with bot.i18n.t."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {}
