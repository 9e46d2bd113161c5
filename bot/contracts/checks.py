"""The C2 checklist, judged offline: words, patterns and numbers, the same answer every time.

Each mechanism (`check:` in contracts.yaml) reads the clauses for one kind of item; the words it
looks for and the limits it applies come from the rule file. Who a clause binds matters (a cap on
the counterparty's liability is not a cap on ours), so sentences are read for their subject:
a mutual word ("甲及び乙は", "either party"), or the label of one party ("甲は", "Company shall").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot.contracts.clauses import Clause, Contract, Sentence
from bot.contracts.extract import ContractMeta
from bot.contracts.model import Citation, ItemResult, ItemStatus, Message
from bot.contracts.text import NUM, fold, folded_words, number, word_pattern
from bot.rules.schema import (
    DAYS_PER_UNIT,
    ConfidentialityCheck,
    ContractPolicy,
    Duration,
    GoverningLawCheck,
    IpCheck,
    JurisdictionCheck,
    LiabilityCheck,
    NonCompeteCheck,
    PaymentCheck,
    PresenceCheck,
    RenewalCheck,
    TerminationCheck,
)

US, THEM = "us", "them"
BOTH = frozenset({US, THEM})

# Mechanism words: grammar of contracts rather than a company's policy, so they live here.
_NEGATION = re.compile(
    r"負わない|負わず|免責|免れる|責任を負いません|shall not be liable|not be liable|no liability|in no event"
)
_RIGHT = re.compile(
    r"できる|できます|ことができ|権利を有|may\b|is entitled|shall have the right|has the right|reserves the right"
)
_CONVENIENCE = re.compile(
    r"理由の如何を問わず|理由のいかんを問わず|いつでも|任意に|前までに.{0,20}通知|前に.{0,10}通知|予告"
    r"|for convenience|at any time|without cause|for any reason|upon\s+\w+\s*\(?\d*\)?\s*(?:days|months)"
)
_DUTY = re.compile(
    r"開示しては|開示しない|漏洩|漏えい|漏らし|第三者に開示|目的外|目的以外|使用しては|秘密を保持|秘密として保持|秘密として管理|保持する義務"
    r"|not\s+disclose|keep\b.{0,60}\bconfidential|hold\b.{0,60}\bin\s+confidence|maintain\b.{0,40}\bconfiden|not\s+use"
)
_ROLE_PARTY = re.compile(
    r"受領者|受領当事者|開示者|開示当事者|情報受領者|receiving party|disclosing party|recipient|discloser"
)
_UNIT = r"(?P<unit>か月|ヶ月|ケ月|カ月|箇月|ヵ月|ヶ月|ケ年|カ年|年|週間|日|months?|years?|weeks?|days?)"
_PERIOD = re.compile(rf"(?P<n>{NUM})\s*{_UNIT}")
_EN_WORD_NUM = re.compile(
    r"\b(?P<w>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|thirty|forty-five|sixty"
    r"|ninety|a|an)\s*(?:\((?P<n>\d+)\)\s*)?(?P<unit>months?|years?|weeks?|days?)\b"
)
_WORD_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "thirty": 30, "forty-five": 45, "sixty": 60,
    "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_BEFORE = re.compile(r"前|prior|before|in advance|preceding")
_AFTER_END = re.compile(
    r"終了後|満了後|終了した後|満了した後|終了の日から|終了日から|解除後|after\b.{0,30}(termination|expiration|expiry|end)|following\b.{0,30}(termination|expiration)|thereafter"
)
_FOREVER = re.compile(
    r"期間の定めなく|期限の定めなく|永久|無期限|indefinite|perpetu|in perpetuity|at any time thereafter"
)
_DURING_TERM = re.compile(r"(本契約|契約)(の)?(有効)?期間中|有効期間内|during the term|term of this agreement")
# A court is named by its place in kanji (東京, 名古屋; さいたま): "管轄する地方裁判所" names none.
_COURT = re.compile(
    r"(?P<court>(?:さいたま|[一-龥々ヶ]{1,6})(?:地方|簡易|家庭|高等)裁判所|[a-z]+ (?:district|summary) court)"
)
# A foreign court in Japanese: シンガポールの裁判所, ニューヨーク州の州裁判所, 米国の裁判所.
_COURT_JA_ABROAD = re.compile(
    r"(?P<court>(?:[ァ-ヶー・]{2,15}(?:共和国|国|州|市)?|[一-龥]{1,6}(?:国|州))の?(?:州|連邦|地方|高等|最高)?裁判所)"
)
# Courts in English: "the courts of Singapore", "the Singapore courts", "the High Court of Singapore",
# "the state and federal courts located in New York County". The place is read after "of/in" or
# before "court(s)", leaving out words that name no place.
_COURT_WORD_EN = re.compile(r"(?<![a-z])courts?(?![a-z])")
_PLACE_AFTER_EN = re.compile(
    r"^\s+(?:(?:of|in|at|for|located\s+in|sitting\s+in|situated\s+in|seated\s+in)\s+)"
    r"(?:the\s+)?(?:(?:state|city|republic|county|province|kingdom|commonwealth|prefecture|district)\s+of\s+)?"
    r"(?P<place>[a-z]+(?:\s+(?!(?:for|over|with|in|to|and|or|which|that|shall|will|having|as|regarding|of)\b)[a-z]+){0,2})"
)
_NOT_PLACE = frozenset(
    {"the", "a", "an", "competent", "appropriate", "relevant", "proper", "ordinary", "any", "all", "such", "state",
     "federal", "national", "local", "district", "summary", "high", "supreme", "superior", "circuit", "county",
     "commercial", "international", "and", "or", "of", "courts", "court", "law", "civil", "exclusive",
     "non-exclusive", "jurisdiction", "to", "by", "in", "with", "before", "submit", "submits", "its", "their",
     "located", "having", "which", "shall", "will", "be", "is", "are", "agreed", "chosen", "first", "instance"}
)  # fmt: skip
_VENUE_EN = re.compile(
    r"\b(?:venue|forum)\b[^.;]{0,50}?\b(?:shall|will|must)\s+(?:be|lie)\s+(?:exclusively\s+|solely\s+)?"
    r"(?:in\s+)?(?:the\s+)?(?P<place>[a-z]+(?:\s+(?!(?:for|over|with|in|to|and|or|which|that|shall|will)\b)[a-z]+){0,2})"
)
_JAPAN = frozenset({"japan", "japanese", "日本", "日本国", "わが国", "我が国"})
_NON_EXCLUSIVE = re.compile(r"(?:non-?\s?|not\s+|非)$")


def court_names(text: str) -> list[tuple[str, str]]:
    """(the court as named, its place) for every court a folded sentence names, in order. A court named
    only as Japan's ("the courts of Japan", 日本の裁判所) has the place "japan": not foreign, not Tokyo."""
    found: list[tuple[int, str, str]] = []
    for m in _COURT.finditer(text):
        found.append((m.start(), m.group("court"), m.group("court")))
    for m in _COURT_JA_ABROAD.finditer(text):
        if any(start <= m.start() < start + len(c) for start, c, _ in found):
            continue
        place = re.sub(r"の?(?:州|連邦|地方|高等|最高)?裁判所$", "", m.group("court"))
        if place in ("管轄", "合意管轄", "専属的合意管轄") or not place:
            continue
        found.append((m.start(), m.group("court"), "japan" if place in _JAPAN else place))
    for m in _COURT_WORD_EN.finditer(text):
        if any(start <= m.start() < start + len(c) for start, c, _ in found):
            continue
        after = _PLACE_AFTER_EN.match(text[m.end() :])
        before_words = re.findall(r"[a-z][a-z-]*", text[max(0, m.start() - 40) : m.start()])[-3:]
        # Only the words right before "courts" name its place ("the Singapore courts"): "an order of a court" names
        # none, so a word like "a" or "any" right before it means no place is said there.
        before: list[str] = []
        for w in reversed(before_words):
            if w in _NOT_PLACE:
                break
            before.insert(0, w)
        if after and after.group("place").split()[0] not in _NOT_PLACE:
            place = after.group("place")
            named = text[m.start() : m.end() + after.end()]
        elif before:
            place = " ".join(before)
            named = f"{place} {m.group(0)}"
        else:
            continue
        found.append((m.start(), named.strip(), "japan" if place in _JAPAN else place))
    for m in _VENUE_EN.finditer(text):
        place = m.group("place")
        if place.split()[0] in _NOT_PLACE or any(m.start() <= start < m.end() for start, _, _ in found):
            continue
        found.append((m.start(), f"courts of {place}", "japan" if place in _JAPAN else place))
    return [(c, p) for _, c, p in sorted(found)]


def _exclusive(text: str, words: re.Pattern[str]) -> bool:
    """An exclusive court: "exclusive jurisdiction", 専属的合意管轄, but never "non-exclusive" / 非専属."""
    return any(not _NON_EXCLUSIVE.search(text[max(0, m.start() - 5) : m.start()]) for m in words.finditer(text))


_SEAT = re.compile(r"(?P<who>[^\s、。()（）]{1,12}?)の(?:本店|本社|住所|所在地|主たる事務所)")
_ARBITRATION = re.compile(r"仲裁|arbitrat|icc\b|siac|jcaa|hkiac|aaa\b")
_LAW_WORD = re.compile(r"法|law")
# 20日締め翌月末払い, 月末締め、翌々月末日払い, 毎月末日締切り翌月25日支払
_CLOSING_PAY = re.compile(
    rf"(?P<cut>末日|月末|(?P<cutn>{NUM})日)\s*(?:締め?|締切り?|〆)(?:切り?)?(?:とし)?[、,]?\s*(?:その)?(?P<when>当月|翌月|翌々月|翌翌月|(?P<mn>{NUM})\s*(?:か月|ヶ月|ケ月|カ月|ヵ月)後)の?"
    rf"(?P<day>末日|末|(?P<dayn>{NUM})日)"
)
# 納品月の翌月末日までに, 検収日の属する月の翌々月10日
_MONTH_PAY = re.compile(
    rf"(?P<base>納品|納入|受領|検収|検査|役務の提供|役務提供|請求|成果物の受領)(?:完了)?(?:日|した日)?(?:の属する)?月の"
    rf"(?P<when>当月|翌月|翌々月|翌翌月|(?P<mn>{NUM})\s*(?:か月|ヶ月|ケ月|カ月|ヵ月)後)の?(?P<day>末日|末|(?P<dayn>{NUM})日)"
)
# 納品日から60日以内, 請求書受領後30日以内, 検収完了日から起算して90日
_WITHIN = re.compile(
    rf"(?P<base>納品|納入|受領|受け取|検収|検査|請求書|請求|役務の提供|役務提供|成果物)[^。、]{{0,12}}?(?:から|より|後|の翌日から)"
    rf"(?:起算して)?\s*(?P<n>{NUM})\s*日(?:以内|後|を経過|まで)"
)
_WITHIN_EN = re.compile(
    r"within\s+(?:(?P<w>[a-z-]+)\s*)?\(?(?P<n>\d+)?\)?\s*days\s+(?:after|of|from|following|upon)\s+(?:the\s+)?"
    r"(?:date\s+of\s+)?(?:[a-z]+'s\s+|(?:the\s+)?[a-z]+\s+(?=receives|accepts))?"
    r"(?P<base>receipt|delivery|acceptance|invoice|completion|the\s+invoice|receiving|receives|accepts)"
)
_NET = re.compile(r"\bnet\s*(?P<n>\d{1,3})\b")
_EOM_EN = re.compile(r"end\s+of\s+the\s+(?P<when>month|second\s+month|following\s+month)\s+following")
_LATE_BASES = ("検収", "検査", "請求", "acceptance", "accepts", "invoice", "the invoice")
_MONTH_OFFSET = {"当月": 0, "翌月": 1, "翌々月": 2, "翌翌月": 2}
_NOTICE_JA = re.compile(rf"(?P<n>{NUM})\s*(?P<unit>か月|ヶ月|ケ月|カ月|箇月|ヵ月|日|週間)\s*前")
_NOTICE_EN = re.compile(
    r"(?:(?P<w>one|two|three|four|five|six|thirty|sixty|ninety|a)\s*)?\(?(?P<n>\d+)?\)?\s*(?P<unit>days?|months?|weeks?)"
    r"(?:'|’)?\s*(?:prior\s+)?(?:written\s+)?(?:notice|before|prior)"
)


@dataclass
class Context:
    contract: Contract
    policy: ContractPolicy
    meta: ContractMeta

    @cached_property
    def mutual(self) -> re.Pattern[str]:
        return word_pattern(self.policy.mutual_words)

    @cached_property
    def labels(self) -> list[tuple[str, str]]:
        """(folded label, us|them|unknown), longest first, for reading subjects."""
        out: list[tuple[str, str]] = []
        known_us = self.meta.us is not None
        for party in self.meta.parties:
            side = US if party.is_us else (THEM if known_us else "unknown")
            for label in party.labels:
                f = fold(label)
                if f:
                    out.append((f, side))
        return sorted(out, key=lambda p: len(p[0]), reverse=True)

    @cached_property
    def label_re(self) -> re.Pattern[str] | None:
        if not self.labels:
            return None
        return re.compile("|".join(re.escape(f) for f, _ in self.labels))

    def side(self, label: str) -> str:
        return next((s for f, s in self.labels if f == label), "unknown")

    def who(self, sentence: str) -> frozenset[str]:
        """Whom a sentence binds or entitles: {us}, {them}, both, or empty when it cannot be told."""
        subject = self._subject(sentence)
        if subject is not None:
            return subject
        if self.mutual.search(sentence):
            return BOTH
        return frozenset()

    def actor(self, sentence: str) -> frozenset[str]:
        """Who gives a notice or makes an offer: "乙から…申出", "甲乙いずれからも", else the subject."""
        for m in self.mutual.finditer(sentence):
            if re.match(r"\s*(?:の)?(?:いずれ|どちら)?(?:から|より)", sentence[m.end() :]):
                return BOTH
        if self.label_re is not None:
            for m in self.label_re.finditer(sentence):
                if _inside_mutual(sentence, m.start(), self.mutual):
                    continue
                if re.match(r"\s*(?:から|より)", sentence[m.end() :]):
                    side = self.side(m.group(0))
                    return frozenset({side}) if side in (US, THEM) else frozenset()
        return self.who(sentence)

    @cached_property
    def pair_re(self) -> re.Pattern[str] | None:
        """ "Either Client or Contractor", "both HW and the Supplier": the two parties named together as one subject."""
        if self.label_re is None:
            return None
        one = f"(?:the\\s+)?(?:{self.label_re.pattern})"
        return re.compile(rf"\b(?:either|both|neither|each of)\s+(?P<a>{one})\s+(?:or|and|nor)\s+(?P<b>{one})")

    def _pair(self, sentence: str) -> bool:
        if self.pair_re is None:
            return False
        for m in self.pair_re.finditer(sentence):
            a = self.side(re.sub(r"^the\s+", "", m.group("a")))
            b = self.side(re.sub(r"^the\s+", "", m.group("b")))
            if {a, b} == {US, THEM}:
                return True
        return False

    def _subject(self, sentence: str) -> frozenset[str] | None:
        if self._pair(sentence):
            return BOTH
        best: tuple[int, frozenset[str]] | None = None
        for m in self.mutual.finditer(sentence):
            if _is_subject(sentence, m.end()):
                best = (m.start(), BOTH)
                break
        if self.label_re is not None:
            for m in self.label_re.finditer(sentence):
                if best is not None and m.start() >= best[0]:
                    break
                if _is_subject(sentence, m.end()) and not _inside_mutual(sentence, m.start(), self.mutual):
                    side = self.side(m.group(0))
                    best = (m.start(), frozenset({side}) if side in (US, THEM) else frozenset({"unknown"}))
                    break
        return best[1] if best else None

    def clauses(self) -> Iterator[Clause]:
        yield from (c for c in self.contract.clauses if c.kind != "closing")

    def sentences(
        self, pattern: re.Pattern[str], title: re.Pattern[str] | None = None
    ) -> Iterator[tuple[Clause, Sentence]]:
        """Sentences that mention `pattern`, or every sentence of a clause whose title does (or matches
        `title`, the item's heading words). The articles headed for the item come first: a word met in passing
        elsewhere ("by bank transfer to the account designated by Contractor" beside the IP article) is read only
        when the headed article settles nothing."""
        clauses = list(self.clauses())
        headed = [c for c in clauses if self.titled(c, pattern, title)]
        for clause in [*headed, *(c for c in clauses if c not in headed)]:
            title_hit = clause in headed
            for s in clause.sentences:
                if title_hit or pattern.search(s.folded.text):
                    yield clause, s

    @staticmethod
    def titled(clause: Clause, pattern: re.Pattern[str], title: re.Pattern[str] | None = None) -> bool:
        """Whether the article's title puts it on the item: "Non-Competition", 第8条（競業避止）."""
        folded = clause.folded_title
        return bool(folded) and bool(pattern.search(folded) or (title is not None and title.search(folded)))


def _is_subject(sentence: str, end: int) -> bool:
    """A party word followed by a topic or subject particle, or an English modal: the one who acts."""
    after = sentence[end : end + 24]
    return bool(
        re.match(r"\s*(?:は|が|も|においては|側は|の側)", after)
        or re.match(r"'s\s+(?:aggregate\s+|total\s+|entire\s+|maximum\s+|cumulative\s+)?liability", after)
        or _EN_SUBJECT.match(after)
    )


_EN_SUBJECT = re.compile(
    r"(?:'s)?\s*(?:\([^)]*\)\s*)?(?:shall|may|will|must|agrees|hereby|undertakes|is entitled|has the right|reserves"
    r"|acknowledges|warrants|represents|retains|owns|can)\b"
)


def _inside_mutual(sentence: str, at: int, mutual: re.Pattern[str]) -> bool:
    return any(m.start() <= at < m.end() for m in mutual.finditer(sentence))


Check = Callable[[Any, str, Context], ItemResult]


def _headings(item: Any, *words: list[str]) -> re.Pattern[str]:
    """The item's topic words and heading words, for reading article titles."""
    return word_pattern([w for group in words for w in group] + list(getattr(item, "heading_words", [])))


def _result(
    key: str,
    cfg: Any,
    status: ItemStatus,
    reason: str,
    cite: tuple[Clause, Sentence] | None = None,
    *,
    level: str | None = None,
    applicable: bool = True,
    **facts: Any,
) -> ItemResult:
    if level is None:
        level = cfg.missing if status is ItemStatus.MISSING else status.value
    citation = Citation.of(cite[0], cite[1].start, cite[1].end) if cite else None
    shown = {k: v for k, v in facts.items() if not k.startswith("_")}
    return ItemResult(
        key=key,
        title_ja=cfg.ja,
        title_en=cfg.en,
        status=status,
        level=level,
        reason=Message(f"contract.{reason}", shown),
        citation=citation,
        applicable=applicable,
        facts=shown,
    )


def _period(n: int, unit: str) -> Duration:
    unit = unit.lower()
    if unit in ("日",) or unit.startswith("day"):
        return Duration(value=n, unit="days")
    if unit in ("週間",) or unit.startswith("week"):
        return Duration(value=n, unit="weeks")
    if unit in ("年", "カ年", "ケ年") or unit.startswith("year"):
        return Duration(value=n, unit="years")
    return Duration(value=n, unit="months")


def exceeds(period: Duration, limit: Duration) -> bool:
    """Whether `period` is longer than `limit`. Same units compare as numbers; across units a month
    counts 31 days and a year 366, so "31日前" meets a limit of one month."""
    if period.unit == limit.unit:
        return period.value > limit.value
    if limit.unit in ("months", "years"):
        per = {"months": 31, "years": 366}[limit.unit]
        if period.unit in ("months", "years"):
            return period.value * (12 if period.unit == "years" else 1) > limit.value * (
                12 if limit.unit == "years" else 1
            )
        return period.value * DAYS_PER_UNIT[period.unit] > limit.value * per
    return period.days > limit.days


def shown_period(p: Duration) -> dict[str, str]:
    ja_unit = {"days": "日", "weeks": "週間", "months": "か月", "years": "年"}[p.unit]
    en_unit = p.unit[:-1] if p.value == 1 else p.unit
    return {"ja": f"{p.value}{ja_unit}", "en": f"{p.value} {en_unit}"}


# -- presence ------------------------------------------------------------------------------------


def check_presence(item: PresenceCheck, key: str, ctx: Context) -> ItemResult:
    pattern = word_pattern(item.words)
    for clause, s in ctx.sentences(pattern, _headings(item, item.words)):
        return _result(key, item, ItemStatus.OK, "presence.ok", (clause, s), item={"ja": item.ja, "en": item.en})
    return _result(key, item, ItemStatus.MISSING, "presence.missing", item={"ja": item.ja, "en": item.en})


# -- liability -----------------------------------------------------------------------------------

_AMOUNT_REF = re.compile(r"金額|委託料|報酬|代金|対価|料金|円|支払|受領|fees?\b|amount|paid|payable|price|¥|\$|\d")


def check_liability(item: LiabilityCheck, key: str, ctx: Context) -> ItemResult:
    topic = word_pattern(item.topic_words)
    caps, unlimited = word_pattern(item.cap_words), word_pattern(item.unlimited_words)
    found = ours = False
    capped: tuple[Clause, Sentence] | None = None
    scope_only: tuple[Clause, Sentence] | None = None
    first_ours: tuple[Clause, Sentence] | None = None
    title = _headings(item, item.topic_words)
    for clause, s in ctx.sentences(topic, title):
        text = s.folded.text
        titled = ctx.titled(clause, topic, title)
        if not (topic.search(text) or caps.search(text) or _NEGATION.search(text) or titled):
            continue
        found = True
        bound = ctx.who(text) or frozenset({"unknown"})
        if bound == {THEM}:
            continue
        ours = True
        first_ours = first_ours or (clause, s)
        negated = bool(_NEGATION.search(text))
        if unlimited.search(text) and not negated:
            return _result(key, item, ItemStatus.RED_FLAG, "liability.unlimited", (clause, s))
        if caps.search(text) and _AMOUNT_REF.search(text):
            capped = capped or (clause, s)
        elif caps.search(text) or negated:
            scope_only = scope_only or (clause, s)
    if capped:
        return _result(key, item, ItemStatus.OK, "liability.capped", capped)
    if scope_only:
        return _result(key, item, ItemStatus.WARNING, "liability.scope_only", scope_only)
    if ours:
        return _result(key, item, ItemStatus.WARNING, "liability.no_cap", first_ours)
    if found:
        return _result(key, item, ItemStatus.WARNING, "liability.only_them")
    return _result(key, item, ItemStatus.MISSING, "liability.missing")


# -- renewal -------------------------------------------------------------------------------------


def _notice(text: str) -> Duration | None:
    for m in _NOTICE_JA.finditer(text):
        n = number(m.group("n"))
        if n is not None:
            return _period(n, m.group("unit"))
    for m2 in _NOTICE_EN.finditer(text):
        n = int(m2.group("n")) if m2.group("n") else _WORD_VALUES.get(m2.group("w") or "")
        if n is not None:
            return _period(n, m2.group("unit"))
    return None


# Negation around a renewal word: "自動更新しない", "自動的に更新されるものではない", "更新されず".
_JA_NOT_AFTER = re.compile(
    r"^(?:[はをもが]|の定めは|条項は)?\s*(?:"
    r"(?:され|し|行われ|行わ|いたし|致し|せ)(?:ない|ません|ず)"
    r"|(?:される|する)?(?:もの|こと)(?:では|とは|は)?(?:ない|なく|ありません)"
    r"|なし|無し|ない|なく|ありません)"
)
# …unless the negation is what a party says to stop the renewal: "自動更新しない旨を通知", "更新しない場合".
_JA_OPT_OUT_AFTER = re.compile(r"^[^。、]{0,3}?(?:旨|との|ことを|意思|場合|限り|とき|ときは)")
# "shall not renew automatically", "will not automatically renew", "no automatic renewal": a negation up
# to three words before, within the same part of the sentence (a comma ends it).
_EN_NOT_BEFORE = re.compile(r"(?<![a-z])(?:not|no|never|without|neither|nor|non)\b[\s-]*(?:[a-z]+[\s-]+){0,3}$")
_EN_NOT_AFTER = re.compile(r"^\s*(?:shall|will|does|is|are)\s+not\b|^\s*(?:does|do)\s+not\s+apply")
# In an article titled "自動更新" / "Automatic Renewal", any of these says the contract goes on.
_GENERIC_RENEWAL = re.compile(r"更新|延長|継続|renew|extend|extension|continue|successive")


def _negated(text: str, start: int, end: int) -> bool:
    """Whether the renewal words at text[start:end] are said not to apply."""
    after = text[end : end + 24]
    if m := _JA_NOT_AFTER.match(after):
        return not _JA_OPT_OUT_AFTER.match(after[m.end() :])
    before = re.split(r"[,;:、。]|\bunless\b|\bif\b|\bexcept\b", text[max(0, start - 40) : start])[-1]
    return bool(_EN_NOT_BEFORE.search(before) or _EN_NOT_AFTER.match(after))


def renews(text: str, words: re.Pattern[str]) -> bool:
    """A folded sentence says the contract renews: a renewal word not negated where it stands."""
    return any(not _negated(text, m.start(), m.end()) for m in words.finditer(text))


def _title_negated(clause: Clause) -> bool:
    """ "No Automatic Renewal" / 自動更新なし as an article title."""
    title = clause.folded_title
    return bool(re.search(r"\bno\b|\bnon-|なし|無し|しない|されない", title))


def check_renewal(item: RenewalCheck, key: str, ctx: Context) -> ItemResult:
    renewal = word_pattern(item.renewal_words)
    opt_out = word_pattern(item.opt_out_words)
    auto_title = word_pattern(item.heading_words) if item.heading_words else None
    hit: tuple[Clause, Sentence] | None = None
    for c, s in ctx.sentences(renewal, auto_title):
        text = s.folded.text
        titled = auto_title is not None and ctx.titled(c, auto_title)
        if renews(text, renewal) or (titled and renews(text, _GENERIC_RENEWAL) and not _title_negated(c)):
            hit = (c, s)
            break
    if hit is None:
        return _result(key, item, ItemStatus.OK, "renewal.none", renewal=False)
    clause, s = hit
    # The notice rule may sit in the renewal sentence or next to it in the same article.
    around = [s] + [x for x in clause.sentences if x is not s]
    notice_at = next(((clause, x) for x in around if opt_out.search(x.folded.text) and _notice(x.folded.text)), None)
    opt_at = next(((clause, x) for x in around if opt_out.search(x.folded.text)), None)
    limit = shown_period(item.notice_max)
    if opt_at is None:
        return _result(key, item, ItemStatus.RED_FLAG, "renewal.no_opt_out", hit, renewal=True, limit=limit)
    who = ctx.actor(opt_at[1].folded.text)
    if who == {THEM}:
        return _result(key, item, ItemStatus.RED_FLAG, "renewal.only_them", opt_at, renewal=True, limit=limit)
    if notice_at is None:
        return _result(key, item, ItemStatus.WARNING, "renewal.no_notice", opt_at, renewal=True, limit=limit)
    notice = _notice(notice_at[1].folded.text)
    assert notice is not None
    facts: dict[str, Any] = {
        "renewal": True,
        "notice": shown_period(notice),
        "limit": limit,
        "notice_days": notice.days,
    }
    if exceeds(notice, item.notice_max):
        return _result(key, item, ItemStatus.RED_FLAG, "renewal.notice_too_long", notice_at, **facts)
    return _result(key, item, ItemStatus.OK, "renewal.ok", notice_at, **facts)


# -- termination ---------------------------------------------------------------------------------


def check_termination(item: TerminationCheck, key: str, ctx: Context) -> ItemResult:
    words = word_pattern(item.words)
    title = _headings(item, item.words)
    rights: dict[str, tuple[Clause, Sentence]] = {}
    convenience: dict[str, tuple[Clause, Sentence]] = {}
    first: tuple[Clause, Sentence] | None = None
    for clause, s in ctx.sentences(words, title):
        text = s.folded.text
        if not words.search(text) and not _RIGHT.search(text):
            continue
        first = first or (clause, s)
        if not _RIGHT.search(text):
            continue
        bound = ctx.who(text) or ctx.who(clause.sentences[0].folded.text)
        own_article = bool(words.search(clause.folded_title))
        for side in bound:
            # Cite the termination article itself rather than, say, the anti-social-forces clause.
            if side not in rights or (own_article and not words.search(rights[side][0].folded_title)):
                rights[side] = (clause, s)
            if _CONVENIENCE.search(text):
                convenience.setdefault(side, (clause, s))
    if first is None:
        return _result(key, item, ItemStatus.MISSING, "termination.missing")
    if US in rights and THEM in rights:
        if THEM in convenience and US not in convenience:
            return _result(key, item, ItemStatus.WARNING, "termination.convenience_them", convenience[THEM])
        return _result(key, item, ItemStatus.OK, "termination.mutual", rights[US])
    if THEM in rights:
        return _result(key, item, ItemStatus.RED_FLAG, "termination.only_them", rights[THEM])
    if US in rights:
        return _result(key, item, ItemStatus.OK, "termination.only_us", rights[US])
    return _result(key, item, ItemStatus.WARNING, "termination.unclear", first)


# -- governing law and jurisdiction --------------------------------------------------------------


def check_governing_law(item: GoverningLawCheck, key: str, ctx: Context) -> ItemResult:
    topic, allowed = word_pattern(item.topic_words), word_pattern(item.allowed_words)
    title = _headings(item, item.topic_words)
    for clause, s in ctx.sentences(topic, title):
        text = s.folded.text
        if not (topic.search(text) or ctx.titled(clause, topic, title)) or not _LAW_WORD.search(text):
            continue
        if allowed.search(text):
            return _result(key, item, ItemStatus.OK, "governing_law.japan", (clause, s))
        return _result(key, item, ItemStatus.RED_FLAG, "governing_law.foreign", (clause, s))
    return _result(key, item, ItemStatus.MISSING, "governing_law.missing")


def check_jurisdiction(item: JurisdictionCheck, key: str, ctx: Context) -> ItemResult:
    topic = word_pattern(item.topic_words)
    title = _headings(item, item.topic_words)
    courts = word_pattern(item.courts)
    exclusive, ours = word_pattern(item.exclusive_words), word_pattern(item.our_choice_words)
    # The article headed for it first ("Governing Law and Jurisdiction", 合意管轄): a court met in passing elsewhere
    # ("an order of a court" in the confidentiality article) says nothing about where disputes go.
    found = list(ctx.sentences(topic, title))
    found.sort(key=lambda cs: not ctx.titled(cs[0], topic, title))
    for clause, s in found:
        text = s.folded.text
        if not re.search(r"裁判所|court|仲裁|arbitrat|venue|forum", text):
            continue
        cite = (clause, s)
        if _ARBITRATION.search(text) and not courts.search(text):
            return _result(key, item, ItemStatus.RED_FLAG, "jurisdiction.arbitration", cite)
        named = court_names(text)
        ok_courts = [c for c, _ in named if courts.search(c)]
        others = [c for c, place in named if not courts.search(c) and place not in _JAPAN]
        is_exclusive = _exclusive(text, exclusive)
        chooser = ours.search(text)
        # "甲の選択により": the party just before the words is the one who chooses.
        chosen_by_us = chooser is not None and ctx.who(text[max(0, chooser.start() - 12) : chooser.start()] + "は") == {
            US
        }
        if ok_courts and not others:
            shown = _as_written(s, ok_courts[0])
            if is_exclusive or chosen_by_us:
                return _result(key, item, ItemStatus.OK, "jurisdiction.tokyo", cite, court=shown)
            return _result(key, item, ItemStatus.WARNING, "jurisdiction.not_exclusive", cite, court=shown)
        if ok_courts and others and chosen_by_us:
            shown = _as_written(s, ok_courts[0])
            return _result(key, item, ItemStatus.OK, "jurisdiction.our_choice", cite, court=shown)
        if others:
            reason = "jurisdiction.other_court_exclusive" if is_exclusive else "jurisdiction.other_court"
            shown = _as_written(s, others[0])
            return _result(key, item, ItemStatus.RED_FLAG, reason, cite, court=shown, exclusive=is_exclusive)
        seat = _SEAT.search(text)
        if seat:
            side = ctx.who(seat.group("who")[-6:] + "は")
            if side == {US}:
                return _result(key, item, ItemStatus.WARNING, "jurisdiction.our_seat", cite)
            if side == {THEM}:
                return _result(key, item, ItemStatus.RED_FLAG, "jurisdiction.their_seat", cite)
        return _result(key, item, ItemStatus.WARNING, "jurisdiction.unclear", cite)
    return _result(key, item, ItemStatus.MISSING, "jurisdiction.missing")


def _as_written(sentence: Sentence, folded_words: str) -> str:
    """The court as the contract writes it ("the courts of Singapore"), from its folded form."""
    at = sentence.folded.text.find(folded_words)
    if at < 0:
        return folded_words
    start, end = sentence.folded.span(at, at + len(folded_words))
    return " ".join(sentence.folded.source[start:end].split())


# -- payment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentTerm:
    days: int  # worst case, from delivery (or from the start the contract names)
    late_start: bool  # counted from acceptance or invoice, which come after delivery
    how: str  # closing | month | within | net


def payment_term(text: str) -> PaymentTerm | None:
    """The longest time to payment a folded sentence allows, counting a month as 30 days.

    With a monthly cut-off the worst case is work delivered the day after a cut-off: it waits a
    whole cycle, then the months to the payment day. 月末締め翌月末払い is 60 days (the JFTC reads
    "60 days" as "2 months" for monthly cut-offs); 月末締め翌々月末払い is 90."""
    if m := _CLOSING_PAY.search(text):
        cut = 30 if m.group("cut") in ("末日", "月末") else number(m.group("cutn") or "") or 30
        months = _MONTH_OFFSET.get(m.group("when"))
        if months is None:
            months = number(m.group("mn") or "") or 0
        day = 30 if m.group("day") in ("末日", "末") else min(number(m.group("dayn") or "") or 30, 30)
        return PaymentTerm(30 + 30 * months + (day - min(cut, 30)), False, "closing")
    if m := _MONTH_PAY.search(text):
        months = _MONTH_OFFSET.get(m.group("when"))
        if months is None:
            months = number(m.group("mn") or "") or 0
        day = 30 if m.group("day") in ("末日", "末") else min(number(m.group("dayn") or "") or 30, 30)
        return PaymentTerm(30 * months + day, m.group("base") in _LATE_BASES, "month")
    if m := _WITHIN.search(text):
        n = number(m.group("n"))
        if n is not None:
            return PaymentTerm(n, any(m.group("base").startswith(b) for b in _LATE_BASES), "within")
    if m := _WITHIN_EN.search(text):
        n = int(m.group("n")) if m.group("n") else _WORD_VALUES.get(m.group("w") or "")
        if n is not None:
            return PaymentTerm(n, m.group("base") in _LATE_BASES, "within")
    if m := _EOM_EN.search(text):
        months = 2 if "second" in m.group("when") else 1
        return PaymentTerm(30 + 30 * months, "invoice" in text or "acceptance" in text, "month")
    if m := _NET.search(text):
        return PaymentTerm(int(m.group("n")), True, "net")
    return None


def _payer(ctx: Context, pay: re.Pattern[str]) -> frozenset[str]:
    for _clause, s in ctx.sentences(pay):
        text = s.folded.text
        if pay.search(text) and re.search(
            r"支払う|支払います|支払うものとする|振り込|振込|shall pay|will pay|agrees to pay|pay\b", text
        ):
            who = ctx.who(text)
            if who and who != {"unknown"}:
                return who
    return frozenset()


def check_payment(item: PaymentCheck, key: str, ctx: Context) -> ItemResult:
    limit = shown_period(item.max_days)
    if ctx.meta.type_key not in item.applies_to_types:
        return _result(key, item, ItemStatus.OK, "payment.not_applicable", applicable=False, limit=limit)
    pay = word_pattern(item.payment_words)
    payer = _payer(ctx, pay)
    if payer == {THEM}:
        return _result(key, item, ItemStatus.OK, "payment.we_are_paid", applicable=False, limit=limit)
    unsure = payer != {US}
    worst: tuple[PaymentTerm, tuple[Clause, Sentence]] | None = None
    first: tuple[Clause, Sentence] | None = None
    for clause, s in ctx.sentences(pay):
        text = s.folded.text
        term = payment_term(text)
        if term is None:
            if pay.search(text):
                first = first or (clause, s)
            continue
        if worst is None or term.days > worst[0].days:
            worst = (term, (clause, s))
    if worst is None:
        if first is None:
            return _result(key, item, ItemStatus.MISSING, "payment.missing", limit=limit)
        return _result(key, item, ItemStatus.WARNING, "payment.unreadable", first, limit=limit)
    term, cite = worst
    facts: dict[str, Any] = {"days": term.days, "limit": limit}
    if term.days > item.max_days.days:
        return _result(key, item, ItemStatus.RED_FLAG, "payment.too_late", cite, **facts)
    late = term.late_start or any(w in cite[1].folded.text for w in folded_words(item.late_start_words))
    if late:
        return _result(key, item, ItemStatus.WARNING, "payment.late_start", cite, **facts)
    if unsure:
        return _result(key, item, ItemStatus.OK, "payment.ok_unsure_payer", cite, **facts)
    return _result(key, item, ItemStatus.OK, "payment.ok", cite, **facts)


# -- intellectual property -----------------------------------------------------------------------


_VEST_LEAD = re.compile(
    r"[a-z]*\s+(?:(?:solely|exclusively|absolutely|wholly|fully)\s+)?(?:of|to|in|with|by)\s+(?:the\s+)?"
)


def _vests_in(ctx: Context, text: str, vest: re.Pattern[str]) -> frozenset[str]:
    """Who gets the rights: the party just before に帰属/に移転, after "vest in"/"assign to", or the
    subject of 留保/retain."""
    if ctx.label_re is None:
        return frozenset()
    for m in vest.finditer(text):
        before = text[max(0, m.start() - 20) : m.start()]
        after = text[m.end() : m.end() + 40]
        for label, side in ctx.labels:
            if re.search(re.escape(label) + r"\s*(?:に|へ)(?:対し(?:て)?)?\s*$", before):
                return frozenset({side})
        if re.match(r"[a-z]*\s+(?:in|to|with)\b", after) or re.match(r"\s*by\b", after):
            hit = ctx.label_re.search(after)
            if hit:
                return frozenset({ctx.side(hit.group(0))})
        # "the sole and exclusive property of Client", "shall belong solely to Client": the party right after.
        lead = _VEST_LEAD.match(after)
        if lead and (hit := ctx.label_re.match(after, lead.end())):
            return frozenset({ctx.side(hit.group(0))})
        if re.match(r"(?:する|される|し|され)", after) or m.group(0).startswith(("retain", "留保")):
            subject = ctx.who(text)
            if subject and subject != BOTH:
                return subject
    return frozenset()


def _we_commission(ctx: Context, pay_words: list[str]) -> bool | None:
    """Whether we are the one paying for the work (so we commission it); None when it cannot be told."""
    payer = _payer(ctx, word_pattern(pay_words))
    if payer == {US}:
        return True
    if payer == {THEM}:
        return False
    return None


# Articles of a statute cited in either language: 第27条及び第28条, 27条・28条, "Articles 27 and 28",
# "Art. 27 and Art. 28", "Sections 27 and 28".
_ARTICLES_JA = re.compile(r"第?\s*(?P<n>\d{1,3})\s*条")
_ARTICLES_EN = re.compile(
    r"\b(?:articles?|arts?\.?|sections?|§§?)\s*(?P<list>\d{1,3}(?:\s*(?:,|and|&|or|及び|・)\s*(?:(?:articles?|arts?\.?|sections?)\s*)?\d{1,3})*)"
)


def articles_cited(text: str) -> set[int]:
    """Every article number a folded text cites, in Japanese or English."""
    found = {int(m.group("n")) for m in _ARTICLES_JA.finditer(text)}
    for m in _ARTICLES_EN.finditer(text):
        found |= {int(n) for n in re.findall(r"\d{1,3}", m.group("list"))}
    return found


def _named(need: str, cited: set[int], text: str) -> bool:
    """A `copyright_needs` entry ("27条") is met when that article is cited in either language."""
    m = re.fullmatch(r"第?\s*(\d{1,3})\s*条", fold(need))
    return int(m.group(1)) in cited if m else fold(need) in text


def check_ip(item: IpCheck, key: str, ctx: Context) -> ItemResult:
    if ctx.meta.type_key not in item.applies_to_types:
        return _result(key, item, ItemStatus.OK, "ip.not_applicable", applicable=False)
    pay_words = next((i.payment_words for i in ctx.policy.checklist.values() if isinstance(i, PaymentCheck)), ["支払"])
    commission = _we_commission(ctx, pay_words)
    if commission is False:
        return _result(key, item, ItemStatus.OK, "ip.we_deliver", applicable=False)
    topic, vest = word_pattern(item.topic_words), word_pattern(item.vest_words)
    copyright_words = folded_words(item.copyright_words)
    first: tuple[Clause, Sentence] | None = None
    for clause, s in ctx.sentences(topic, _headings(item, item.topic_words)):
        text = s.folded.text
        shared = "共有" in text or "jointly own" in text
        if not vest.search(text) and not shared:
            continue
        first = first or (clause, s)
        if shared:
            return _result(key, item, ItemStatus.WARNING, "ip.shared", (clause, s))
        target = _vests_in(ctx, text, vest)
        if target == {THEM}:
            return _result(key, item, ItemStatus.RED_FLAG, "ip.vests_in_them", (clause, s))
        if target == {US}:
            cited = articles_cited(clause.folded.text)
            needs = [n for n in item.copyright_needs if not _named(n, cited, clause.folded.text)]
            if any(w in text for w in copyright_words) and needs:
                return _result(
                    key, item, ItemStatus.WARNING, "ip.adaptation_rights", (clause, s), needs="・".join(needs)
                )
            return _result(key, item, ItemStatus.OK, "ip.vests_in_us", (clause, s))
    if first is not None:
        return _result(key, item, ItemStatus.WARNING, "ip.unclear", first)
    return _result(key, item, ItemStatus.MISSING, "ip.missing")


# -- confidentiality -----------------------------------------------------------------------------


def check_confidentiality(item: ConfidentialityCheck, key: str, ctx: Context) -> ItemResult:
    topic = word_pattern(item.topic_words)
    bound: dict[str, tuple[Clause, Sentence]] = {}
    first: tuple[Clause, Sentence] | None = None
    role_based: tuple[Clause, Sentence] | None = None
    for clause, s in ctx.sentences(topic, _headings(item, item.topic_words)):
        text = s.folded.text
        if not _DUTY.search(text):
            continue
        first = first or (clause, s)
        who = ctx.who(text)
        if not who and _ROLE_PARTY.search(text):
            role_based = role_based or (clause, s)
        for side in who:
            bound.setdefault(side, (clause, s))
    if role_based and not (US in bound and THEM in bound) and _roles_are_mutual(ctx):
        return _result(key, item, ItemStatus.OK, "confidentiality.mutual", role_based, mutual=True)
    if US in bound and THEM in bound:
        return _result(key, item, ItemStatus.OK, "confidentiality.mutual", bound[US], mutual=True)
    if US in bound:
        return _result(key, item, ItemStatus.RED_FLAG, "confidentiality.only_us", bound[US], mutual=False)
    if THEM in bound:
        return _result(key, item, ItemStatus.OK, "confidentiality.only_them", bound[THEM], mutual=False)
    if first is not None:
        return _result(key, item, ItemStatus.WARNING, "confidentiality.unclear", first, mutual=None)
    return _result(key, item, ItemStatus.MISSING, "confidentiality.missing", mutual=None)


def _roles_are_mutual(ctx: Context) -> bool:
    """ "受領者" / "Receiving Party" clauses are mutual when the contract defines the roles for
    either party ("each party, as Receiving Party", "開示する当事者を開示者").
    """
    for clause in ctx.clauses():
        for s in clause.sentences:
            text = s.folded.text
            if _ROLE_PARTY.search(text) and (
                ctx.mutual.search(text) or re.search(r"当事者を|the party (?:receiving|disclosing)", text)
            ):
                return True
    return False


# -- non-compete ---------------------------------------------------------------------------------


def _duration_in(text: str) -> Duration | None:
    """The restraint period in a non-compete sentence: "終了後2年間", "for three (3) years"."""
    for m in _PERIOD.finditer(text):
        n = number(m.group("n"))
        # "14日以内に通知" in the same sentence is a deadline, not the restraint: a day count counts from 30.
        if n is not None and (m.group("unit") != "日" or n >= 30):
            return _period(n, m.group("unit"))
    for m2 in _EN_WORD_NUM.finditer(text):
        n = int(m2.group("n")) if m2.group("n") else _WORD_VALUES.get(m2.group("w"))
        if n is not None:
            return _period(n, m2.group("unit"))
    m3 = re.search(r"(\d+)\s*(months?|years?)", text)
    if m3:
        return _period(int(m3.group(1)), m3.group(2))
    return None


# What a restraint says when its article's title names the competition it restrains.
_RESTRAINT = re.compile(
    r"してはならない|しない|行わない|従事し|営ん|禁止|shall\s+not|will\s+not|may\s+not|must\s+not|refrain|agrees?\s+not"
    r"|prohibit|restrict"
)


def check_non_compete(item: NonCompeteCheck, key: str, ctx: Context) -> ItemResult:
    topic = word_pattern(item.topic_words)
    title = _headings(item, item.topic_words)
    limit = shown_period(item.max)
    # A sentence of an article titled "Non-Competition" is on the item even when it says only "shall
    # not engage in any similar business"; elsewhere the sentence itself must name competition.
    hits = [
        (c, s)
        for c, s in ctx.sentences(topic, title)
        if topic.search(s.folded.text) or (ctx.titled(c, topic, title) and _RESTRAINT.search(s.folded.text))
    ]
    if not hits:
        return _result(key, item, ItemStatus.OK, "non_compete.none", limit=limit)
    bound_them_only = True
    for clause, s in hits:
        text = s.folded.text
        who = ctx.who(text) or ctx.who(clause.sentences[0].folded.text)
        if who == {THEM}:
            continue
        bound_them_only = False
        if _FOREVER.search(text):
            return _result(key, item, ItemStatus.RED_FLAG, "non_compete.no_end", (clause, s), limit=limit)
        if _AFTER_END.search(text):
            period = _duration_in(text)
            if period is None:
                return _result(key, item, ItemStatus.RED_FLAG, "non_compete.no_end", (clause, s), limit=limit)
            facts: dict[str, Any] = {"period": shown_period(period), "limit": limit}
            if exceeds(period, item.max):
                return _result(key, item, ItemStatus.RED_FLAG, "non_compete.too_long", (clause, s), **facts)
            return _result(key, item, ItemStatus.OK, "non_compete.ok", (clause, s), **facts)
        if _DURING_TERM.search(text):
            return _result(key, item, ItemStatus.OK, "non_compete.during_term", (clause, s), limit=limit)
    if bound_them_only:
        return _result(key, item, ItemStatus.OK, "non_compete.only_them", hits[0], limit=limit)
    return _result(key, item, ItemStatus.WARNING, "non_compete.unclear", hits[0], limit=limit)


CHECKS: dict[str, Check] = {
    "presence": check_presence,
    "liability": check_liability,
    "renewal": check_renewal,
    "termination": check_termination,
    "governing_law": check_governing_law,
    "jurisdiction": check_jurisdiction,
    "payment_days": check_payment,
    "ip_ownership": check_ip,
    "confidentiality": check_confidentiality,
    "non_compete": check_non_compete,
}


def run_checklist(contract: Contract, policy: ContractPolicy, meta: ContractMeta) -> list[ItemResult]:
    """Every enabled checklist item, in the order of the rule file."""
    ctx = Context(contract, policy, meta)
    return [CHECKS[item.check](item, key, ctx) for key, item in policy.checklist.items() if item.enabled]
