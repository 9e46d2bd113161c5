"""What kind of answer a question wants, and whether a passage has one: 「何日もらえる?」 wants a number of
days, 「いくら」 an amount, 「誰が」 a role, 「いつまでに」 a time limit. A passage of the right section that has
no such thing in it (the grant rule's first item, when the days are in the table) is not the answer yet: the
quote reaches for the unit that has it, and an answer whose quote still has none is not a confident one.
"""

from __future__ import annotations

import re

_ASKS = (
    ("deadline", re.compile(
        r"いつまで|何日以内|何日前|何日までに|期限|締め?切|\bby when\b"
        r"|\bhow (?:far in advance|soon|long do i have|late)\b"
        r"|\bdeadline\b|\bwithin how\b", re.I)),
    ("hours", re.compile(r"何時間|\bhow many hours\b", re.I)),
    ("days", re.compile(
        r"何日|\bhow many (?:days|vacation days|paid days|sick days|pto days)\b|\bhow many\b.{0,20}\bdays\b", re.I)),
    ("amount", re.compile(
        r"いくら|何円|金額|上限|\bhow much\b|\b(?:limit|cap|maximum|max)\b(?! of days)", re.I)),
    ("who", re.compile(r"誰|どなた|どの部署|\bwho\b|\bwhich (?:team|person|department)\b|\bwhose\b", re.I)),
)  # fmt: skip

_HAS = {
    "deadline": re.compile(
        r"\d+\s*(?:日|営業日|か月|ヶ月|カ月|週間|days?|working days|months?|weeks?)\s*"
        r"(?:以内|前|まで|後|を過ぎ|経過|before|after|of|in advance|within)"
        r"|(?:以内|までに|前日|当日|in advance|within|no later than|before|翌月|月末)", re.I),
    "hours": re.compile(r"\d+\s*(?:時間|hours?)", re.I),
    "days": re.compile(r"\d+(?:\.\d+)?\s*(?:日|days?)|[一二三四五六七八九十]+日", re.I),
    "amount": re.compile(r"[¥￥]\s?\d|\d[\d,]*\s*(?:円|万円|yen|JPY)|JPY\s?\d|実費|actual cost", re.I),
    "who": re.compile(
        r"上長|経理|人事|法務|代表取締役|社長|管理者|部門長|本人|\b(?:manager|finance|hr|legal|ceo|admin|approver|"
        r"the requester|department head)\b", re.I),
}  # fmt: skip


def asked_type(question: str) -> str | None:
    """The kind of answer the question wants, or None (a yes/no, a how-to)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


def has_type(text: str, kind: str | None) -> bool:
    return kind is None or bool(_HAS[kind].search(text))
