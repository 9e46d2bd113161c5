"""People the pure rule tests decide for, without a directory or a database."""

from __future__ import annotations

import datetime as dt

from bot.models import Employee

# Shota Watanabe of the demo company: an engineer, hired 2020-01-06, managed by e006.
WATANABE = Employee(
    id="e007",
    name_ja="渡辺 翔太",
    name_en="Shota Watanabe",
    email="watanabe@hikari-works.example",
    team="engineering",
    manager_id="e006",
    hire_date=dt.date(2020, 1, 6),
)
