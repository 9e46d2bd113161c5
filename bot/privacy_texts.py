"""What the bot says about personal data it will not keep (a My Number or card number typed in chat), in
Japanese and English; merged into bot.i18n.CATALOG, asked for with bot.i18n.t."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {}
