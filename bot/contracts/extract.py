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
from bot.contracts.text import NUM, fold, number, word_pattern
from bot.rules.schema import ContractPolicy, DeniedCounterparty
from bot.understanding.amounts import find_amounts
from bot.understanding.amounts import normalize as normalize_amounts

# Company-type words ignored when names are compared (株式会社サンプル == Sample Co., Ltd. is not
# attempted: only the same name written with or without its company type).
_COMPANY_WORDS = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|\(株\)|\(有\)|\(同\)"
    r"|\bco\.?,?\s*ltd\.?|\bcompany\s+limited\b|\binc\.?|\bllc\b|\bk\.?k\.?(?=\s|$)|\bcorporation\b|\bcorp\.?|\blimited\b"
    r"|\bltd\.?|\bgmbh\b|\bpte\.?"
)
_JA_DEFINED = re.compile(
    r"[（(]\s*以下[、,]?\s*(?:単に)?[「『\"“](?P<label>[^」』\"”]{1,20})[」』\"”]\s*(?:と)?(?:いう|言う|称する|略称する|略す)"
    r"[。.]?\s*[）)]"
)
_EN_DEFINED = re.compile(
    r"\(\s*(?:hereinafter\s+|herein\s+)?(?:(?:referred\s+to|called)\s+as\s+)?(?:the\s+)?[\"“](?P<label>[^\"”]{1,30})[\"”]"
    r"\s*\)",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\b(?:by\s+and\s+)?between\s+|\bamong\s+", re.IGNORECASE)
_EN_NAME_CUT = re.compile(r",\s*(?:a|an|having|with|whose|located)\s|\s*\(", re.IGNORECASE)
_AMOUNT_WORDS = word_pattern(
    ["委託料", "業務委託料", "報酬", "代金", "対価", "契約金額", "請負代金", "売買代金", "総額", "料金", "費用", "fee",
     "fees", "price", "consideration", "contract amount", "compensation", "purchase price", "license fee"]
)  # fmt: skip
_MONTHLY = re.compile(
    r"(月額|毎月|1か月あたり|1ヶ月あたり|月あたり|per\s+month|monthly|a\s+month)\s*[:：]?\s*(金)?\s*$", re.I
)
_TAX_STATED = re.compile(
    r"^\s*[（(]\s*(?:うち|内)\s*(?:消費税|消費税額|消費税及び地方消費税|消費税等)[^)）]{0,12}?", re.I
)
_MONTH_UNITS = r"(?:か月|ヶ月|ケ月|カ月|箇月|ヵ月|ヶ月|カ年|年|months?|years?)"
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
    "sixty": 60, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_TERM_JA = re.compile(
    rf"(?:有効期間|契約期間|本契約の期間)[^。]{{0,40}}?(?<!\d)(?P<n>{NUM})\s*(?P<unit>{_MONTH_UNITS})間"
)
_TERM_EN = re.compile(
    r"(?:term|period|force(?:\s+and\s+effect)?)\s+(?:of|for)\s+(?:a\s+(?:term|period)\s+of\s+)?"
    r"(?P<word>[a-z-]+)?\s*\(?(?P<n>\d+)?\)?\s*(?P<unit>years?|months?)",
    re.IGNORECASE,
)
_DATE = (
    r"(?:(?P<era{i}>令和|平成)\s*(?P<ey{i}>\d+|元)|(?P<y{i}>\d{{4}}))"
    r"\s*年\s*(?P<m{i}>\d{{1,2}})\s*月\s*(?P<d{i}>\d{{1,2}})\s*日"
)
_RANGE = re.compile(_DATE.format(i=1) + r"\s*(?:から|より|~|〜|-)\s*" + _DATE.format(i=2) + r"\s*(?:まで)?")


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
    monthly: bool = False  # computed as a monthly amount times the term


@dataclass(frozen=True)
class ContractMeta:
    title: str
    type_key: str | None  # a key of contract_types, None when it cannot be told
    parties: tuple[Party, ...]
    amount: Amount | None
    term_months: int | None
    term_citation: Citation | None
    foreign_currency: str | None = None  # the fee is stated only in this currency (no yen amount read)

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
    """The parties defined in the preamble (or the first article): 甲/乙 definitions,
    "between X ("X") and Y ("Y")", or names alone."""
    head = [c for c in contract.clauses if c.kind == "preamble"] or list(contract.clauses[:1])
    if contract.articles() and not any("以下" in c.body or "between" in c.body.lower() for c in head):
        head = head + list(contract.articles()[:1])
    text = "\n".join(c.body for c in head)
    pairs = _ja_parties(text) or _en_parties(text) or _signature_parties(contract)
    merged: dict[str, list[str]] = {}
    for name, label in pairs:
        name = name.strip(" 　、,:：\n")
        if not name:
            continue
        merged.setdefault(name, [])
        if label and label not in merged[name]:
            merged[name].append(label)
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
        segment = re.split(r"(?:は|が)、", segment)[-1]
        label = m.group("label")
        if 1 <= len(segment.strip()) <= 60 and not any(
            w in label for w in ("本契約", "本件", "秘密情報", "成果物", "業務")
        ):
            out.append((segment.strip(), label))
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


def _en_parties(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    flat = " ".join(text.split())
    between = _BETWEEN.search(flat)
    if not between:
        return out
    rest = flat[between.end() :]
    sentence_end = re.search(r"(?<![A-Z][a-z])(?<!\b[A-Z])(?<!co)(?<!ltd)(?<!inc)\.\s+[A-Z]", rest, re.IGNORECASE)
    rest = rest[: sentence_end.start() + 1] if sentence_end else rest
    last = 0
    for m in _EN_DEFINED.finditer(rest):
        segment = rest[last : m.start()]
        last = m.end()
        segment = re.sub(r"^\s*(?:,\s*)?(?:and|&)\s+", "", segment)
        cut = _EN_NAME_CUT.search(segment)
        name = segment[: cut.start()] if cut else segment
        out.append((name.strip(" ,"), m.group("label")))
        if len(out) == 2:
            break
    if not out:
        m2 = re.match(r"(?P<a>.+?)\s+and\s+(?P<b>.+?)(?:[.,;]|\s+\(|$)", rest)
        if m2:
            out = [(m2.group("a"), ""), (m2.group("b"), "")]
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
    """The term in months: "有効期間は…から1年間", "for a term of two (2) years", or a date range."""
    for clause in contract.clauses:
        for sentence in clause.sentences:
            norm = sentence.folded.text
            months = None
            if m := _TERM_JA.search(norm):
                n = number(m.group("n"))
                if n is not None:
                    months = n * 12 if m.group("unit") in ("年", "カ年") else n
            elif (m2 := _TERM_EN.search(norm)) and (m2.group("n") or m2.group("word")):
                n = int(m2.group("n")) if m2.group("n") else _EN_NUMBERS.get((m2.group("word") or "").lower())
                if n is not None:
                    months = n * 12 if m2.group("unit").startswith("year") else n
            elif ("期間" in norm or "term" in norm) and (r := _RANGE.search(norm)):
                months = _months_between(r)
            if months:
                return months, Citation.of(clause, sentence.start, sentence.end)
    return None, None


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
    months = (y2 - y1) * 12 + int(m.group("m2")) - int(m.group("m1"))
    if int(m.group("d2")) >= int(m.group("d1")):
        months += 1  # 4月1日から翌年3月31日まで is 12 months
    return max(months, 1)


def find_foreign_currency(contract: Contract) -> str | None:
    """The currency of a fee stated only in a foreign currency ("USD 20,000"), else None."""
    for clause in contract.clauses:
        for sentence in clause.sentences:
            if _AMOUNT_WORDS.search(sentence.folded.text) or _AMOUNT_WORDS.search(clause.folded_title):
                amounts = find_amounts(normalize_amounts(clause.body[sentence.start : sentence.end]))
                if amounts and all(a.currency != "JPY" for a in amounts):
                    return amounts[0].currency
    return None


def find_amount(contract: Contract, term_months: int | None) -> Amount | None:
    """The contract value: the first yen amount in a sentence about the fee or price."""
    for clause in contract.clauses:
        if clause.kind == "closing":
            continue
        for sentence in clause.sentences:
            folded = sentence.folded.text
            if not _AMOUNT_WORDS.search(folded) and not _AMOUNT_WORDS.search(clause.folded_title):
                continue
            norm = normalize_amounts(clause.body[sentence.start : sentence.end])
            amounts = [a for a in find_amounts(norm) if a.currency == "JPY"]
            if not amounts:
                continue
            first = amounts[0]
            value = int(first.value)
            stamp = value
            after = norm[first.end :]
            if _TAX_STATED.match(after):
                tax = next((a for a in amounts[1:] if a.start - first.end < 30), None)
                if tax is not None and tax.value < first.value:
                    stamp = value - int(tax.value)
            monthly = bool(_MONTHLY.search(norm[max(0, first.start - 12) : first.start]))
            if monthly:
                if term_months is None:
                    continue  # a monthly fee with no term gives no contract value
                value, stamp = value * term_months, stamp * term_months
            return Amount(value, stamp, Citation.of(clause, sentence.start, sentence.end), monthly)
    return None


def read_meta(contract: Contract, policy: ContractPolicy) -> ContractMeta:
    parties = find_parties(contract, policy.our_names)
    term, term_citation = find_term(contract)
    amount = find_amount(contract, term)
    return ContractMeta(
        title=contract.title,
        type_key=contract_type(contract, policy),
        parties=parties,
        amount=amount,
        term_months=term,
        term_citation=term_citation,
        foreign_currency=None if amount else find_foreign_currency(contract),
    )
