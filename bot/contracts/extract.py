"""What a contract is: its type, its parties (and which one is us), amount and term.

Deterministic and local: the same text always gives the same reading. Where a value cannot be
read with confidence it is left None, and the report says so instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.contracts.clauses import Contract
from bot.contracts.model import Citation
from bot.contracts.text import NUM, fold, is_wide, number, word_pattern
from bot.rules.schema import ContractPolicy, DeniedCounterparty
from bot.understanding.amounts import find_amounts
from bot.understanding.amounts import normalize as normalize_amounts

# Company-type words ignored when names are compared (株式会社サンプル == Sample Co., Ltd. is not
# attempted: only the same name written with or without its company type).
_COMPANY_WORDS = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|\(株\)|\(有\)|\(同\)"
    r"|\bco\.?,?\s*ltd\.?|\bcompany\s+limited\b|\binc\.?|\bllc\b|\bk\.?k\.?(?=\s|$)|\bcorporation\b|\bcorp\.?|\blimited\b"
    r"|\bltd\.?|\bgmbh\b|\bpte\.?|\bkabushiki\s+kaisha\b|\bgodo\s+kaisha\b|\bg\.k\.|\bplc\b|\bs\.a\.|\bb\.v\.|\bag\b"
)
_JA_DEFINED = re.compile(
    r"[（(]\s*以下[、,]?\s*(?:単に)?[「『\"“](?P<label>[^」』\"”]{1,20})[」』\"”]\s*"
    r"(?:と\s*(?:いう|いい(?:ます)?|言う|称する|称します|略称する|略す|する|します))?[。.]?\s*[）)]"
)
_EN_DEFINED = re.compile(
    r"\(\s*(?:(?:hereinafter|herein|below|henceforth)\b\s*,?\s*)?(?:(?:referred\s+to|called|known|designated)\s+as\s*,?\s*)?"
    r"(?:the\s+)?[\"“'‘](?P<label>[^\"”'’]{1,30})[\"”'’]"
    r"(?:\s*(?:or|and)\s+(?:the\s+)?[\"“'‘](?P<label2>[^\"”'’]{1,30})[\"”'’])?\s*\)",
    re.IGNORECASE,
)
# Defined terms in a preamble that name no party.
_NOT_PARTY_LABELS = frozenset(
    {"agreement", "contract", "this agreement", "party", "parties", "effective date", "purpose", "services", "service",
     "confidential information", "deliverables", "work", "works", "specification", "territory", "products",
     "software", "project", "business", "term", "fee", "fees", "law", "transaction", "master agreement"}
)  # fmt: skip
# Where a party's name starts in an English preamble: after "between", "and", "(1)", ";"…
_NAME_START = re.compile(r"\bbetween\b|\bamong\b|\band\b|\bby\b|\bwith\b|;|:|\(\s*\d\s*\)|\(\s*[a-z]\s*\)|\n", re.I)
# Where it ends: ", a Japanese corporation", ", having its office at", ", whose registered office…".
_EN_NAME_CUT = re.compile(
    r",?\s+(?:a|an)\s|,\s*(?:having|with|whose|located|incorporated|organi[sz]ed|registered|established|existing"
    r"|duly|represented|residing|of\s+\d)\b|\s*\(",
    re.IGNORECASE,
)
_NAME_CONNECTORS = frozenset({"of", "and", "&", "de", "du", "la", "the", "for", "und", "y", "et"})
# "Client: Hikari Works K.K." / "委託者：Hikari Works株式会社": a role and a name on one preamble line.
_ROLE_LINE = re.compile(
    r"^\s*(?P<role>[A-Za-z][A-Za-z ]{1,30}?|[一-龥ぁ-んァ-ヶ]{2,8})\s*[:：]\s*(?P<name>[^\n（(]{2,80}?)\s*(?=[（(]|$)",
    re.MULTILINE,
)
# A role word written before the name in a Japanese preamble: "委託者 Hikari Works株式会社（以下「甲」…）".
_JA_ROLE_PREFIX = re.compile(r"^(?P<role>[一-龥ぁ-んァ-ヶ]{2,6})\s*(?:[:：]\s*|\s+)(?=\S)")
# Words that say a sentence states what is paid for the contract (its value), as contracts write them.
_AMOUNT_WORDS = word_pattern(
    ["委託料", "業務委託料", "報酬", "代金", "対価", "契約金額", "請負代金", "売買代金", "総額", "料金", "費用",
     "保守料", "利用料", "使用料", "ライセンス料", "サービス料", "顧問料", "開発費", "制作費", "支払",
     "fee", "fees", "price", "consideration", "contract amount", "contract value", "compensation", "remuneration",
     "retainer", "charges", "purchase price", "license fee", "licence fee", "royalt", "pay"]
)  # fmt: skip
# What an amount may be instead of the contract's value: a cap, damages, a penalty, a deposit, insurance,
# interest. The cue nearest before an amount (or right after it) decides which it is, so that
# "損害を金5,000万円を限度として賠償する" or "liability shall not exceed JPY 30,000,000" is never the value.
_NOT_VALUE = re.compile(
    r"損害|賠償|補償|上限|限度|を超え|超えない|違約|罰金|保証金|敷金|礼金|預り金|預託金|保険|遅延|延滞|利息|手数料|印紙"
    r"|liab|damage|indemn|\bcap\b|capped|exceed|in no event|penalt|liquidated|deposit|security|insur|interest"
    r"|late (?:payment|charge)|stamp",
    re.IGNORECASE,
)
_NOT_VALUE_AFTER = re.compile(
    r"^\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:を|の|が|as\s+(?:a\s+|the\s+)?)?"
    r"(?:上限|限度|超え|保証金|敷金|違約金|損害|deposit|security|penalty|cap\b|liquidated|damages)",
    re.IGNORECASE,
)
# The period an amount is stated for: nearest cue before it, or right after it ("JPY 950,000 per month").
_PERIOD_BEFORE = re.compile(
    r"(?P<total>総額|合計|総計|契約金額|契約総額|全体|in total|total|aggregate|sum total)"
    r"|(?P<month>月額|毎月|月々|(?:1|一)\s*(?:か月|ヶ月|ケ月|カ月|ヵ月)(?:あたり|当たり|につき|ごと)|per month|monthly"
    r"|a month|each month|every month)"
    r"|(?P<year>年額|年間|毎年|(?:1|一)\s*年(?:あたり|当たり|につき|ごと)|per year|per annum|annual|yearly|each year"
    r"|every year|a year)",
    re.IGNORECASE,
)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:"
    r"(?P<month>/\s*月|per\s+(?:calendar\s+)?month|a\s+month|each\s+month|every\s+month|monthly|/\s*mo(?:nth)?\b|毎月|月額)"
    r"|(?P<year>/\s*年|per\s+(?:year|annum)|a\s+year|each\s+year|every\s+year|annually|毎年|年額)"
    r"|(?P<total>in\s+total|in\s+the\s+aggregate|in\s+aggregate))",
    re.IGNORECASE,
)
_TAX_STATED = re.compile(
    r"^\s*[（(]\s*(?:うち|内)\s*(?:消費税|消費税額|消費税及び地方消費税|消費税等)[^)）]{0,12}?", re.I
)
_BEFORE_WINDOW = 48
_MONTH_UNITS = r"(?:か月|ヶ月|ケ月|カ月|箇月|ヵ月|ヶ月|カ年|年|months?|years?)"
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
    "sixty": 60, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_TERM_JA = re.compile(
    rf"(?:有効期間|契約期間|本契約の期間)[^。]{{0,40}}?(?<!\d)(?P<n>{NUM})\s*(?P<unit>{_MONTH_UNITS})間"
)
# A sentence about how long the contract runs: "The term of this Agreement shall be…", "remains in force
# for…", "is valid for…". The duration itself is read by _DURATION_EN, then checked not to be a notice
# period, a renewal period or a period after the end.
_TERM_CUE_EN = re.compile(
    r"\bterm\b|\bperiod\b|\beffective\b|\bin\s+(?:full\s+)?force\b|\bvalid\b|\bremain|\bcontinue|\bexpire|\bduration\b",
    re.IGNORECASE,
)
_DURATION_EN = re.compile(
    r"(?<![a-z])(?P<word>[a-z]+(?:-[a-z]+)?)?[\s-]*(?:\(\s*(?P<n2>\d+)\s*\)|(?P<n>\d+))?[\s-]*(?P<unit>years?|months?)\b",
    re.IGNORECASE,
)
# Right after a duration: it counts a notice, a renewal or the time after the end, not the term.
_NOT_TERM_AFTER = re.compile(
    r"^[\s',’]*(?:s\b)?[\s',’]*(?:prior|written|advance|notice|before|前|after\s+(?:the\s+)?(?:termination|expir|end)"
    r"|following\s+(?:the\s+)?(?:termination|expir|end)|thereafter|each|periods)",
    re.IGNORECASE,
)
_NOT_TERM_BEFORE = re.compile(
    r"(?:renew\w*|extend\w*|extension|successive|further|additional|notice\s+of|within|survive\w*)\W+(?:\w+\W+){0,4}$",
    re.IGNORECASE,
)
_TERM_TITLE = re.compile(r"期間|有効期限|term\b|duration|validity", re.IGNORECASE)
_DATE = (
    r"(?:(?P<era{i}>令和|平成)\s*(?P<ey{i}>\d+|元)|(?P<y{i}>\d{{4}}))"
    r"\s*年\s*(?P<m{i}>\d{{1,2}})\s*月\s*(?P<d{i}>\d{{1,2}})\s*日"
)
_RANGE = re.compile(_DATE.format(i=1) + r"\s*(?:から|より|~|〜|-)\s*" + _DATE.format(i=2) + r"\s*(?:まで)?")
_MONTH_NAMES = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
_EN_DATE = (
    r"(?:(?P<mn{i}>[a-z]{{3,9}})\.?\s+(?P<md{i}>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my{i}>\d{{4}})"
    r"|(?P<dd{i}>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm{i}>[a-z]{{3,9}})\.?,?\s+(?P<dy{i}>\d{{4}})"
    r"|(?P<iy{i}>\d{{4}})[-/.](?P<im{i}>\d{{1,2}})[-/.](?P<id{i}>\d{{1,2}}))"
)
_RANGE_EN = re.compile(
    r"(?:from\s+)?" + _EN_DATE.format(i=1) + r"[^.;]{0,40}?(?:\b(?:to|until|till|through)\b|[-〜])\s*"
    r"(?:and\s+including\s+)?" + _EN_DATE.format(i=2),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Party:
    name: str  # as written: Hikari Works株式会社
    labels: tuple[str, ...]  # how the contract calls it: 甲, "Hikari", 委託者; the name itself last
    is_us: bool


@dataclass(frozen=True)
class Amount:
    yen: int  # the contract value as stated (tax included when the contract includes it)
    stamp_yen: int  # for stamp duty: consumption tax left out when the contract states it separately
    citation: Citation
    monthly: bool = False  # computed as a monthly (or yearly) amount times the term
    basis: str = "fee"  # total | monthly | annual | fee: how the value was read, for the card


@dataclass(frozen=True)
class ContractMeta:
    title: str
    type_key: str | None  # a key of contract_types, None when it cannot be told
    parties: tuple[Party, ...]
    amount: Amount | None
    term_months: int | None
    term_citation: Citation | None
    foreign_currency: str | None = None  # the fee is stated only in this currency (no yen amount read)
    # Why no value was read although the contract states a fee: "periodic_no_term" (a monthly or yearly
    # fee with no term to multiply it by). None when the contract shows no fee at all, or a value was read.
    value_unread: str | None = None

    @property
    def us(self) -> Party | None:
        return next((p for p in self.parties if p.is_us), None)

    @property
    def counterparties(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if not p.is_us)


def company_key(name: str) -> str:
    """A name reduced for comparison: folded, company type and punctuation removed."""
    folded = _COMPANY_WORDS.sub("", unicodedata.normalize("NFKC", name).casefold())
    return re.sub(r"[\s\W_]+", "", folded)


def same_company(a: str, b: str) -> bool:
    ka, kb = company_key(a), company_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))


def is_deny_listed(name: str, entry: DeniedCounterparty) -> bool:
    """C5: `name` is the deny-list entry's company, under its listed name or an alias."""
    return any(same_company(name, listed) for listed in (entry.name, *entry.aliases))


def find_parties(contract: Contract, our_names: list[str]) -> tuple[Party, ...]:
    """The parties defined in the preamble (or the first article): 甲/乙 definitions, "X Ltd.
    (hereinafter "Contractor")", "Client: X K.K." lines, or the names in the signature block. Which
    one is us is told by `our_names` (contracts.yaml), in either language."""
    head = [c for c in contract.clauses if c.kind == "preamble"] or list(contract.clauses[:1])
    if contract.articles() and not any(
        "以下" in c.body or _EN_DEFINED.search(c.body) or _ROLE_LINE.search(c.body) for c in head
    ):
        head = head + list(contract.articles()[:1])
    text = "\n".join(c.body for c in head)
    # Role lines are read from the lines as written: joining a preamble's lines runs them together.
    roles = _role_parties(_preamble_as_written(contract))
    pairs = _ja_parties(text) or _en_parties(text) or roles or _signature_parties(contract)
    # A role line adds its role as one more label of a party already found ("発注者" besides "甲").
    pairs = pairs + [(n, r) for n, r in roles if (n, r) not in pairs and any(same_company(n, x) for x, _ in pairs)]
    merged: dict[str, list[str]] = {}
    for name, label in pairs:
        name = name.strip(" 　、,:：\n")
        if not name:
            continue
        key = next((k for k in merged if k == name or same_company(k, name)), name)
        merged.setdefault(key, [])
        if label and label not in merged[key]:
            merged[key].append(label)
    parties = []
    for name, labels in merged.items():
        is_us = any(same_company(name, ours) for ours in our_names)
        parties.append(Party(name, (*labels, name), is_us))
    return tuple(parties)


def _ja_parties(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    last = 0
    for m in _JA_DEFINED.finditer(text):
        segment = text[last : m.start()]
        last = m.end()
        # The name runs back to the start of the line or sentence, or to the particle joining it.
        segment = re.split(r"[。\n]", segment)[-1]
        segment = re.sub(r"^\s*(?:と|及び|および|並びに|ならびに|、|,)\s*", "", segment)
        segment = re.split(r"(?:は|が)、", segment)[-1].strip()
        label = m.group("label")
        role = None
        if (r := _JA_ROLE_PREFIX.match(segment)) and not _COMPANY_WORDS.match(segment):
            role, segment = r.group("role"), segment[r.end() :].strip()
        if 1 <= len(segment) <= 60 and not any(w in label for w in ("本契約", "本件", "秘密情報", "成果物", "業務")):
            out.append((segment, label))
            if role and role != label:
                out.append((segment, role))
    return out


def _looks_like_name(name: str) -> bool:
    """A company or person as a preamble writes it: capitalised words (connectors aside), or Japanese."""
    words = name.split()
    if not words or len(name) > 80 or len(words) > 12:
        return False
    if _COMPANY_WORDS.search(name.casefold()) or is_wide(name[0]):
        return True
    return name[0].isupper() or name[0].isdigit()


def _en_parties(text: str) -> list[tuple[str, str]]:
    """ "X Ltd., a company … (hereinafter "Contractor")": each defined term that follows a name."""
    out: list[tuple[str, str]] = []
    flat = re.sub(r"[ \t]+", " ", text)
    last = 0
    for m in _EN_DEFINED.finditer(flat):
        segment = flat[last : m.start()]
        last = m.end()
        labels = [x for x in (m.group("label"), m.group("label2")) if x]
        if any(x.strip().casefold() in _NOT_PARTY_LABELS for x in labels):
            continue
        name = _name_before(segment)
        if name is None:
            continue
        for label in labels:
            out.append((name, label.strip()))
    return out


def _name_before(segment: str) -> str | None:
    """The party name at the end of `segment`: from the last place a name may start, to where the
    description of the company begins."""
    starts = [0] + [m.end() for m in _NAME_START.finditer(segment)]
    for start in reversed(starts):
        piece = segment[start:].strip(" ,;\n")
        piece = re.sub(r"^(?:the\s+)?(?:\(\s*\w\s*\)\s*)?", "", piece, flags=re.I)
        cut = _EN_NAME_CUT.search(piece)
        name = (piece[: cut.start()] if cut else piece).strip(" ,;")
        if not name:
            continue
        if not _looks_like_name(name):
            return None
        if start == 0 and (low := name.casefold()).startswith(("this ", "the ")) and "agreement" in low:
            return None
        return name
    return None


def _preamble_as_written(contract: Contract) -> str:
    """The contract's text before its first article heading, line breaks kept."""
    first = next(iter(contract.articles()), None)
    if first is None:
        return contract.text[:3000]
    at = contract.text.find(first.heading or first.label)
    return contract.text[: at if at >= 0 else 3000]


def _role_parties(text: str) -> list[tuple[str, str]]:
    """ "Client: Hikari Works K.K." lines: the role is the label clauses use."""
    out = []
    for m in _ROLE_LINE.finditer(text):
        role, name = m.group("role").strip(), m.group("name").strip(" 　、,")
        if _COMPANY_WORDS.search(name.casefold()) and role.casefold() not in _NOT_PARTY_LABELS:
            out.append((name, role))
    return out


# A company name in a signature block: 株式会社ナニワ商会 (type first), or Hikari Works株式会社 /
# ナニワ商会株式会社 (type last: the name is Latin words or kana/kanji, never the address digits before it).
_COMPANY_FIRST = re.compile(r"(?:株式会社|有限会社|合同会社)[^\s、。,()（）0-9]{1,30}")
_COMPANY_LAST = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9.&' -]{0,40}|[ァ-ヶー・]{1,20}|[一-龥々]{1,8})(?:株式会社|有限会社|合同会社)"
)


def _signature_parties(contract: Contract) -> list[tuple[str, str]]:
    """甲 and 乙 named only in the signature block ("甲 東京都… Hikari Works株式会社 代表取締役…"),
    or not at all: the labels alone, so that the caller can still say which one is us."""
    body = "\n".join(c.body for c in contract.clauses if c.kind == "closing")
    out: list[tuple[str, str]] = []
    marks = list(re.finditer(r"(甲|乙)\s*[:：]?(?=[\s　])", body))
    for i, m in enumerate(marks):
        segment = body[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(body)]
        company = _COMPANY_FIRST.search(segment) or _COMPANY_LAST.search(segment)
        if company and m.group(1) not in (label for _, label in out):
            out.append((company.group(0), m.group(1)))
    if len(out) < 2:
        folded = "\n".join(c.body for c in contract.clauses)
        if "甲" in folded and "乙" in folded:
            return [("甲", "甲"), ("乙", "乙")]
    return out


def contract_type(contract: Contract, policy: ContractPolicy) -> str | None:
    """The first type whose title words are in the title, else in the preamble or first article."""
    places = [fold(contract.title)]
    places += [c.folded.text for c in contract.clauses[:2]]
    for place in places:
        if not place:
            continue
        for key, ctype in policy.contract_types.items():
            if word_pattern(ctype.title_words).search(place):
                return key
    return None


def find_term(contract: Contract) -> tuple[int | None, Citation | None]:
    """The term in months: "有効期間は…から1年間", "The term of this Agreement shall be twelve (12) months",
    "remains in force for two (2) years", or a date range. Articles about the term are read first, so
    that a period stated elsewhere (a non-compete "for two years thereafter") is not taken for it."""
    clauses = sorted(contract.clauses, key=lambda c: 0 if _TERM_TITLE.search(c.folded_title) else 1)
    for clause in clauses:
        titled = bool(_TERM_TITLE.search(clause.folded_title))
        for sentence in clause.sentences:
            norm = sentence.folded.text
            months = None
            if m := _TERM_JA.search(norm):
                n = number(m.group("n"))
                if n is not None:
                    months = n * 12 if m.group("unit") in ("年", "カ年") else n
            elif titled or _TERM_CUE_EN.search(norm):
                months = _term_en(norm)
            if months is None and ("期間" in norm or "term" in norm or titled):
                if r := _RANGE.search(norm):
                    months = _months_between(r)
                elif r2 := _RANGE_EN.search(norm):
                    months = _months_between_en(r2)
            if months:
                return months, Citation.of(clause, sentence.start, sentence.end)
    return None, None


def _term_en(text: str) -> int | None:
    """The first duration in an English sentence about the term that is not a notice, renewal or
    after-the-end period."""
    if not _TERM_CUE_EN.search(text):
        return None
    for m in _DURATION_EN.finditer(text):
        raw = m.group("n") or m.group("n2")
        word = (m.group("word") or "").lower()
        n = int(raw) if raw else _EN_NUMBERS.get(word.split("-")[0] if word.endswith("-") else word)
        if n is None and "-" in word:
            n = _EN_NUMBERS.get(word.split("-")[0])  # "three-year term"
        if n is None or n <= 0:
            continue
        if _NOT_TERM_AFTER.match(text[m.end() :]) or _NOT_TERM_BEFORE.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        return n * 12 if m.group("unit").lower().startswith("year") else n
    return None


def _months_between(m: re.Match[str]) -> int | None:
    def year(i: int) -> int | None:
        if m.group(f"y{i}"):
            return int(m.group(f"y{i}"))
        era, ey = m.group(f"era{i}"), m.group(f"ey{i}")
        n = 1 if ey == "元" else int(ey)
        return (2018 if era == "令和" else 1988) + n

    y1, y2 = year(1), year(2)
    if y1 is None or y2 is None:
        return None
    return _span_months(y1, int(m.group("m1")), int(m.group("d1")), y2, int(m.group("m2")), int(m.group("d2")))


def _months_between_en(m: re.Match[str]) -> int | None:
    """A range of English dates: "from April 1, 2026 to March 31, 2027", "1 April 2026 until 31 March 2027"."""
    ends: list[tuple[int, int, int]] = []
    for i in (1, 2):
        if m.group(f"iy{i}"):
            ends.append((int(m.group(f"iy{i}")), int(m.group(f"im{i}")), int(m.group(f"id{i}"))))
            continue
        name = (m.group(f"mn{i}") or m.group(f"dm{i}") or "").lower()
        month = _MONTH_NAMES.get(name)
        if month is None:
            return None
        day = int(m.group(f"md{i}") or m.group(f"dd{i}"))
        ends.append((int(m.group(f"my{i}") or m.group(f"dy{i}")), month, day))
    (y1, m1, d1), (y2, m2, d2) = ends
    return _span_months(y1, m1, d1, y2, m2, d2)


def _span_months(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> int:
    months = (y2 - y1) * 12 + m2 - m1
    if d2 >= d1:
        months += 1  # 4月1日から翌年3月31日まで is 12 months
    return max(months, 1)


def find_foreign_currency(contract: Contract) -> str | None:
    """The currency of a fee stated only in a foreign currency ("USD 20,000"), else None. A cap or a
    deposit in dollars is no fee."""
    for clause in contract.clauses:
        for sentence in clause.sentences:
            if _AMOUNT_WORDS.search(sentence.folded.text) or _AMOUNT_WORDS.search(clause.folded_title):
                norm = normalize_amounts(clause.body[sentence.start : sentence.end])
                amounts = [a for a in find_amounts(norm) if not _not_the_value(norm, a.start, a.end)]
                if amounts and all(a.currency != "JPY" for a in amounts):
                    return amounts[0].currency
    return None


@dataclass(frozen=True)
class _Candidate:
    yen: int
    stamp_yen: int
    basis: str  # total | monthly | annual | fee
    clause_index: int
    start: int
    end: int


def _not_the_value(norm: str, start: int, end: int, floor: int = 0) -> bool:
    """Whether the amount at norm[start:end] is a cap, damages, a penalty, a deposit or insurance: the
    nearest cue before it (fee word or not-a-value word) says, or words right after it ("を上限として")."""
    if _NOT_VALUE_AFTER.match(norm[end:]):
        return True
    before = norm[max(floor, start - _BEFORE_WINDOW) : start]
    last_not = max((m.end() for m in _NOT_VALUE.finditer(before)), default=-1)
    if last_not < 0:
        return False
    last_fee = max((m.end() for m in _AMOUNT_WORDS.finditer(before.casefold())), default=-1)
    return last_not > last_fee


def _period_of(norm: str, start: int, end: int, floor: int) -> str:
    """total | monthly | annual | fee: what the amount at norm[start:end] is stated for."""
    if after := _PERIOD_AFTER.match(norm[end : end + 40]):
        return "monthly" if after.group("month") else "annual" if after.group("year") else "total"
    before = norm[max(floor, start - _BEFORE_WINDOW) : start]
    cues = list(_PERIOD_BEFORE.finditer(before))
    if not cues:
        return "fee"
    last = cues[-1]
    return "total" if last.group("total") else "monthly" if last.group("month") else "annual"


def _fee_clause_ok(title: str) -> bool:
    """An article headed as a cap, damages, a deposit or insurance states no value, unless its title
    also names the fee ("Fees and Deposit")."""
    return not (_NOT_VALUE.search(title) and not _AMOUNT_WORDS.search(title))


def _candidates(contract: Contract) -> list[_Candidate]:
    out: list[_Candidate] = []
    for clause in contract.clauses:
        if clause.kind == "closing" or not _fee_clause_ok(clause.folded_title):
            continue
        title_hit = bool(_AMOUNT_WORDS.search(clause.folded_title))
        for sentence in clause.sentences:
            if not title_hit and not _AMOUNT_WORDS.search(sentence.folded.text):
                continue
            norm = normalize_amounts(clause.body[sentence.start : sentence.end])
            amounts = find_amounts(norm)
            floor = 0
            for k, a in enumerate(amounts):
                prev_end = amounts[k - 1].end if k else 0
                if a.currency != "JPY" or _not_the_value(norm, a.start, a.end, prev_end):
                    floor = a.end
                    continue
                value = int(a.value)
                stamp = value
                if _TAX_STATED.match(norm[a.end :]):
                    tax = next((b for b in amounts[k + 1 :] if b.start - a.end < 30), None)
                    if tax is not None and tax.value < a.value:
                        stamp = value - int(tax.value)
                basis = "total" if a.total else _period_of(norm, a.start, a.end, max(floor, prev_end))
                out.append(_Candidate(value, stamp, basis, clause.index, sentence.start, sentence.end))
                floor = a.end
    return out


def find_amount(contract: Contract, term_months: int | None) -> Amount | None:
    """The contract value: a stated total (総額, "total fees of") first; else a monthly or yearly fee times
    the stated term; else the first fee or price. Never a cap, damages, a penalty or a deposit."""
    return _pick_amount(contract, _candidates(contract), term_months)


def _pick_amount(contract: Contract, found: list[_Candidate], term_months: int | None) -> Amount | None:
    def amount(c: _Candidate, yen: int, stamp: int, basis: str) -> Amount:
        clause = next(x for x in contract.clauses if x.index == c.clause_index)
        return Amount(yen, stamp, Citation.of(clause, c.start, c.end), basis in ("monthly", "annual"), basis)

    total = next((c for c in found if c.basis == "total"), None)
    if total is not None:
        return amount(total, total.yen, total.stamp_yen, "total")
    periodic = next((c for c in found if c.basis in ("monthly", "annual")), None)
    if periodic is not None:
        if term_months is None:
            return None  # a monthly fee with no term gives no contract value (value_unread says so)
        per_month = 1 if periodic.basis == "monthly" else 12
        factor_num, factor_den = term_months, per_month
        return amount(
            periodic,
            periodic.yen * factor_num // factor_den,
            periodic.stamp_yen * factor_num // factor_den,
            periodic.basis,
        )
    fee = next((c for c in found if c.basis == "fee"), None)
    return amount(fee, fee.yen, fee.stamp_yen, "fee") if fee else None


def read_meta(contract: Contract, policy: ContractPolicy) -> ContractMeta:
    parties = find_parties(contract, policy.our_names)
    term, term_citation = find_term(contract)
    found = _candidates(contract)
    amount = _pick_amount(contract, found, term)
    unread = "periodic_no_term" if amount is None and found else None
    return ContractMeta(
        title=contract.title,
        type_key=contract_type(contract, policy),
        parties=parties,
        amount=amount,
        term_months=term,
        term_citation=term_citation,
        foreign_currency=None if amount else find_foreign_currency(contract),
        value_unread=unread,
    )
