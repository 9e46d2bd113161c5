"""Personal information out before text goes to an external model; back in for our own users.

Architecture principle 6 ("nothing personal leaves unredacted") and jp-rules §4. `redact()` finds
My Numbers (個人番号), bank accounts, phone numbers, e-mail addresses, card numbers and postal
addresses, and swaps each for a placeholder such as `[PHONE_1]`. `Redaction.restore()` puts the
originals back into any text (a model's draft) that carries those placeholders.

The text is searched in a normalised copy: NFKC (full-width digits, `＠`, `－`, ideographic and
no-break spaces), invisible format characters (Unicode category Cf: zero-width spaces and joiners,
U+2060, U+FEFF, bidi marks) dropped, the dash family `− ‐ – — ―` and `ー` between digits folded to
`-`, and middle dots between digits folded to `.`. Digit groups may then be joined by hyphens, dots or
spaces, or typed digit by digit (`6 2 1 4 …`); e-mail addresses may be written `taro @ example.com`
or `taro (at) example (dot) com`; a 7-digit account may follow only a bank's short name
(`三井住友 新宿 7654321`, names in bank_names.txt). Every span found is mapped back to the ORIGINAL characters, so
`０９０−１２３４−５６７８` is restored exactly as typed, zero-width characters and all.

What is never taken for personal data, because the bot needs it: amounts (`¥12,000`, `1万2千円`,
`1234567円`), dates, times, counts (`4名`), request ids (`#123`), qualified-invoice numbers
(`T` + 13 digits) and 法人番号, and receipt or order numbers, unless such a number happens to be a
check-digit-valid 12-digit number (then it is indistinguishable from a My Number and goes).

Redaction is always on: there is deliberately no switch, and nothing in a message can turn it off.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MY_NUMBER = "MY_NUMBER"
BANK_ACCOUNT = "BANK_ACCOUNT"
PHONE = "PHONE"
EMAIL = "EMAIL"
CARD = "CARD"
ADDRESS = "ADDRESS"
KINDS: tuple[str, ...] = (MY_NUMBER, CARD, BANK_ACCOUNT, PHONE, EMAIL, ADDRESS)  # also the tie-break order
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}

_PLACEHOLDER = re.compile(r"[\[［](" + "|".join(KINDS) + r")_(\d+)[\]］]")


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how to undo it. `repr` never shows the originals."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict, repr=False)  # "[PHONE_1]" -> original span

    def restore(self, text: str) -> str:
        """Put the originals back wherever `text` carries one of our placeholders (unknown ones stay)."""
        if not self.mapping:
            return text

        def back(m: re.Match[str]) -> str:
            return self.mapping.get(f"[{m.group(1)}_{m.group(2)}]", m.group(0))

        return _PLACEHOLDER.sub(back, text)

    @property
    def kinds(self) -> set[str]:
        """Which kinds were found (e.g. {"PHONE", "EMAIL"}), for logging; never the values."""
        return {m.group(1) for m in map(_PLACEHOLDER.fullmatch, self.mapping) if m}


# ---------------------------------------------------------------------------------------------
# Check digits


_SEPARATORS = re.compile(r"[\s\-.]")


def my_number_check_digit(first11: str) -> int:
    """The check digit of a 個人番号 from its first 11 digits (番号法施行規則 第5条, jp-rules §4.1).

    check = 11 − (Σ Pn×Qn mod 11), or 0 when the remainder is 0 or 1; Pn is the n-th digit counted
    from the right, Qn = n+1 for n ≤ 6 and n−5 for n ≥ 7 (weights 2,3,4,5,6,7,2,3,4,5,6).
    """
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("a My Number check digit needs exactly 11 ASCII digits")
    total = 0
    for n, digit in enumerate(reversed(first11), start=1):
        total += int(digit) * (n + 1 if n <= 6 else n - 5)
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    """12 digits (spaces, hyphens and dots ignored) whose last digit is the right check digit."""
    digits = _SEPARATORS.sub("", number)
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return False
    return my_number_check_digit(digits[:11]) == int(digits[11])


def luhn_valid(number: str) -> bool:
    """The Luhn (mod 10) check card numbers carry; spaces, hyphens and dots ignored."""
    digits = _SEPARATORS.sub("", number)
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# ---------------------------------------------------------------------------------------------
# Normalisation that remembers where every character came from

# The dash family becomes "-" everywhere, the long-vowel mark only between digits (090ー1234ー5678).
_DASHES = re.compile(r"[\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d]|(?<=\d)[ーｰ](?=\d)")
# Middle dots between digits are a dot (1234・5678・9012); NFKC keeps them apart from ".".
_DOTS = re.compile(r"(?<=\d)[\u00b7\u2027\u2219\u30fb](?=\d)")
# Unicode category Cf (format characters: zero-width space/joiners, U+2060, U+FEFF, bidi controls, soft hyphen,
# tags), as of Unicode 14 (tests/test_redact_variants.py checks this against unicodedata). They are invisible, so a
# number split by them reads whole to a person and must read whole to us: they are dropped from the searched copy.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# Characters NFKC leaves alone and that never compose with what follows: copied in blocks. Anything else
# (full-width forms, half-width kana, symbols, combining marks with their base, format characters) is
# normalised piece by piece.
_STABLE = r"\x00-\x7f\u3001\u3002\u300c-\u300f\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff"
_COMBINING = r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a\uff9e\uff9f"
_UNSTABLE_PIECE = re.compile(rf"[^\n]?[{_COMBINING}]+|[^{_STABLE}]")


class _Text:
    """`norm` is the searchable copy; `span()` maps a span of it back to the original text."""

    __slots__ = ("ends", "norm", "starts")

    def __init__(self, text: str) -> None:
        self.starts: list[int] | None = None
        self.ends: list[int] | None = None
        if text.isascii() or (unicodedata.is_normalized("NFKC", text) and _FORMAT.search(text) is None):
            norm = text
        else:
            pieces: list[str] = []
            starts: list[int] = []
            ends: list[int] = []
            pos = 0
            for m in _UNSTABLE_PIECE.finditer(text):
                s, e = m.span()
                if s > pos:
                    pieces.append(text[pos:s])
                    starts.extend(range(pos, s))
                    ends.extend(range(pos + 1, s + 1))
                piece = _FORMAT.sub("", unicodedata.normalize("NFKC", m.group()))
                pieces.append(piece)
                starts.extend([s] * len(piece))
                ends.extend([e] * len(piece))
                pos = e
            pieces.append(text[pos:])
            starts.extend(range(pos, len(text)))
            ends.extend(range(pos + 1, len(text) + 1))
            norm = "".join(pieces)
            self.starts, self.ends = starts, ends
        # One character for one: offsets unchanged.
        self.norm = _DOTS.sub(".", _DASHES.sub("-", norm))

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


# ---------------------------------------------------------------------------------------------
# Patterns (all on the normalised text)

# Qualified-invoice numbers (T + 13 digits) and 法人番号 identify companies and are needed: never redacted.
_PROTECTED = re.compile(
    r"(?<![A-Za-z0-9])T\s?-?\s?\d(?:-?\d){12}(?!\d)"
    r"|(?:登録番号|法人番号|invoice\s*(?:no\.?|number)|registration\s*(?:no\.?|number))\s*[:：]?\s*T?-?\d{13}(?!\d)",
    re.IGNORECASE,
)

# A run of digit groups; cards, My Numbers and digit-by-digit phones are looked for in it. Between groups: a
# hyphen or dot (with spaces around it or not), which joins them into one identifier, or up to three spaces.
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:(?:[ \t]*[-.][ \t]*|[ \t]{1,3})\d+)*")
_GROUP = re.compile(r"\d+")
_ANY_DIGIT = re.compile(r"\d")
_MAX_GROUPS = 19  # a card number typed digit by digit

_MY_NUMBER_WORDS = re.compile(r"マイナンバー|マイナ番号|個人番号|my\s?number|my\s?no\b", re.IGNORECASE)
_MY_NUMBER_REACH = 15  # characters between the keyword and the number


def _bank_names() -> list[str]:
    path = Path(__file__).with_name("bank_names.txt")
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    names = {unicodedata.normalize("NFKC", line) for line in lines if line and not line.startswith("#")}
    # Longest first, so 埼玉りそな wins over りそな; ASCII names only as whole words.
    return [
        r"(?<![a-z])" + r"\s?".join(map(re.escape, n.split())) + r"(?![a-z])" if n.isascii() else re.escape(n)
        for n in sorted(names, key=len, reverse=True)
    ]


# Bank accounts. A 7-digit number with bank wording before it (or just after it) on the same line: 銀行, 支店,
# 口座 …, or a bank's short name from bank_names.txt …
_BANK_WORDS = re.compile(
    r"口座|普通|当座|支店|銀行|信用金庫|信金|信用組合|信組|労働金庫|労金|預金|貯金|振込先|"
    r"(?<![a-z])(?:account|acct|a/c|bank|branch|savings|checking)(?![a-z])|" + "|".join(_bank_names()),
    re.IGNORECASE,
)
_BANK_REACH_BEFORE = 30
_BANK_REACH_AFTER = 10
_NOT_MONEY_OR_COUNT = (
    r"(?!\s*(?:円|万|千|億|yen|jpy|usd|eur|ドル|ユーロ|名(?![義前])|人|時|分|秒|日|泊|件|個|枚|本|回|年|月|週|%))"
)
_ACCOUNT_7 = re.compile(
    r"(?<![0-9A-Za-z,.¥$#])(?<!\d-)\d{7}(?!\d)(?!-\d)(?![,.]\d)" + _NOT_MONEY_OR_COUNT, re.IGNORECASE
)
# … or 5–8 digits right after an account label (older accounts are 5–6 digits, ゆうちょ 番号 up to 8).
_ACCOUNT_LABELLED = re.compile(
    r"(?:口座番号|口座no\.?|口座|普通預金|当座預金|普通|当座|貯金|"
    r"(?<![a-z])(?:account\s*(?:no\.?|number|#)|acct\.?\s*(?:no\.?|#)?|a/c\s*(?:no\.?)?))"
    r"\s*[:：]?\s*(?P<num>\d{5,8})(?!\d)(?!-\d)(?![,.]\d)" + _NOT_MONEY_OR_COUNT,
    re.IGNORECASE,
)
_BRANCH_CODE = re.compile(
    r"(?:支店番号|支店コード|店番号|店番|(?<![a-z])branch\s*(?:code|no\.?|number|#))\s*[:：]?\s*(?P<num>\d{3})(?!\d)",
    re.IGNORECASE,
)
# ゆうちょ 記号-番号: 5 digits, hyphen, 8 digits (one span), or 「記号 12345 番号 12345678」 (two).
_YUCHO = re.compile(r"(?<!\d)(?<!\d-)\d{5}-\d{8}(?!\d)(?!-\d)")
_YUCHO_LABELLED = re.compile(r"記号\s*[:：]?\s*(?P<mark>\d{5})(?!\d)[\s、,/]*番号\s*[:：]?\s*(?P<num>\d{1,8})(?!\d)")

# Phones. Domestic: a leading 0, 10 or 11 digits, hyphens/dots/spaces/brackets; international: +CC …
_PHONE_SEP = r"(?:[ \t]?[-.][ \t]?|[ \t])?"
_PHONE_JP = re.compile(
    r"(?<![\d+])(?<!\d[-.])"
    rf"(?:\(0\d{{1,4}}\)\s?\d{{1,4}}{_PHONE_SEP}\d{{3,4}}"
    r"|0\d{1,4}\(\d{1,4}\)\d{3,4}"
    rf"|0\d{{1,4}}{_PHONE_SEP}\d{{1,4}}{_PHONE_SEP}\d{{3,4}})"
    r"(?!\d)(?![-.]\d)"
)
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[- .]?(?:\(0\)|\(\d{1,4}\)|\d{1,5})){1,6}(?!\d)")
_PHONE_INTL_GROUP = re.compile(r"\(\d{1,4}\)|\d+")
_NON_DIGIT = re.compile(r"\D")

# E-mail, also as people write it to dodge harvesters: spaces around the @, (at) [at] <at>, アットマーク, (dot).
_EMAIL_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL_DOT = r"(?:\.|[ \t]*[\[(<][ \t]*dot[ \t]*[\])>][ \t]*)"
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"(?P<at>@|[ \t]+@[ \t]*|[ \t]*@[ \t]+|[ \t]*[\[(<][ \t]*at[ \t]*[\])>][ \t]*"
    r"|[ \t]*(?:アットマーク|アット|あっとまーく|あっと)[ \t]*)"
    rf"{_EMAIL_LABEL}(?:{_EMAIL_DOT}{_EMAIL_LABEL})*(?P<dot>{_EMAIL_DOT})(?P<tld>[A-Za-z]{{2,}})(?![\w-])",
    re.IGNORECASE,
)
# With only spaces or a word for the @, "thanks @ bob.smith" must not become an address: the name has to end in
# a top-level domain people use (any two-letter country code, or one of these).
_COMMON_TLDS = frozenset(
    {
        "com", "net", "org", "info", "biz", "edu", "gov", "mil", "int", "io", "ai", "app", "dev", "co", "me", "tv",
        "xyz", "online", "site", "tech", "cloud", "email", "mail", "page", "blog", "shop", "store", "inc", "llc",
        "asia", "tokyo", "osaka", "nagoya", "kyoto", "yokohama", "example", "test",
    }
)  # fmt: skip
_AT_WORDS = re.compile(r"@|\bat\b|アット|あっと", re.IGNORECASE)

# Addresses: a postal code after 〒 (or 郵便番号), or NNN-NNNN followed straight by a prefecture or
# municipality, or an address after 住所-type wording; with the rest of the address on its line.
_PREFECTURES = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|神奈川県|"
    "新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|大阪府|兵庫県|"
    "奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|"
    "熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_ADDRESS_START = rf"(?:{_PREFECTURES}|[{_KANJI}ケ]{{1,6}}?[市区郡町村](?![{_KANJI}]*(?:民|役所|長|内外)))"
_POSTAL_MARKED = re.compile(r"(?:〒|郵便番号\s*[:：]?)\s*(?P<code>\d{3}-?\d{4})(?!\d)(?!-\d)")
_POSTAL_BARE = re.compile(rf"(?<![\d-])(?P<code>\d{{3}}-\d{{4}})(?![\d-])(?=\s?{_ADDRESS_START})")
_ADDRESS_WORDS = re.compile(
    rf"(?:現住所|新住所|旧住所|住所|居所|転居先|引っ?越し?先|送付先|お届け先|自宅|home address|address)"
    rf"\s*(?:[:：]|は|が|を)?\s*(?=(?P<start>{_ADDRESS_START}))",
    re.IGNORECASE,
)
_ADDRESS_CHAR = re.compile(rf"[{_KANJI}\u30a1-\u30fa\u30fc-\u30feA-Za-z0-9\-・.#]")
_HIRAGANA_RUN = re.compile(r"[\u3041-\u309f]+")
_MUNICIPALITY_SUFFIX = frozenset("市区町村郡")
_PLACE_PARTICLES = frozenset({"の", "が", "ノ"})  # 三の輪, 自由が丘, 1番地の2
# Where an address certainly ends: contact wording, eras, amounts, counts and times.
_ADDRESS_STOP = re.compile(
    r"(?<![A-Za-z])(?:tel|fax|phone|mobile|e-?mail|mail|url|https?)(?![A-Za-z])|電話|携帯|ファックス|メール|℡|"
    r"令和|平成|昭和|\d+(?:[,.]\d+)*\s*(?:円|万|千|億|年|月|日|時|分|秒|名|人|泊|枚|個|本|回|件|yen|jpy|usd|%)",
    re.IGNORECASE,
)
# A later piece of an address (after a space or comma) names a place, a building, a floor or a room.
_ADDRESS_PIECE = re.compile(
    rf"\d|{_PREFECTURES}|[市区町村郡]|丁目|番地|ビル|マンション|ハイツ|コーポ|アパート|レジデンス|タワー|荘|寮|号室|号館|棟|階"
)
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_LINE_GAP = re.compile(r"[ \t]*\n[ \t]*")


# ---------------------------------------------------------------------------------------------
# Detectors: each yields (start, end, kind) in the normalised text


def _near(norm: str, start: int, end: int, words: re.Pattern[str], before: int, after: int) -> bool:
    """A match of `words` ends within `before` characters before the span or starts within `after` after it,
    on the same line."""
    lo = max(0, start - before - 20)
    window = norm[lo:start]
    cut = window.rfind("\n")
    if cut >= 0:
        window, lo = window[cut + 1 :], lo + cut + 1
    if any(start - (lo + m.end()) <= before for m in words.finditer(window)):
        return True
    window = norm[end : end + after + 20].split("\n", 1)[0]
    return any(m.start() <= after for m in words.finditer(window))


def _digit_runs(norm: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for run in _DIGIT_RUN.finditer(norm):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in _GROUP.finditer(run.group())]
        sizes_all = [e - s for s, e in groups]
        if sum(sizes_all) < 10:
            continue  # fewer than 10 digits: no My Number, card or phone
        # "-" or "." between two groups joins them into one identifier; spaces alone only set them side by side.
        seps = [norm[groups[k][1] : groups[k + 1][0]].strip(" \t") for k in range(len(groups) - 1)]
        g = len(groups)
        for i in range(g):
            if i > 0 and seps[i - 1]:
                continue  # joined to the group before: part of a longer identifier
            length = 0
            for j in range(i, min(g, i + _MAX_GROUPS)):
                length += sizes_all[j]
                if length > 19:
                    break
                if j + 1 < g and seps[j]:
                    continue  # joined to the group after: cannot end here
                start, end = groups[i][0], groups[j][1]
                sizes = sizes_all[i : j + 1]
                digits = _NON_DIGIT.sub("", norm[start:end])
                one_by_one = len(sizes) > 1 and all(size == 1 for size in sizes)
                if length == 12:
                    shaped = sizes == [12] or one_by_one or (sizes == [4, 4, 4] and seps[i] == seps[i + 1])
                    labelled = _near(norm, start, end, _MY_NUMBER_WORDS, _MY_NUMBER_REACH, _MY_NUMBER_REACH)
                    if labelled or (shaped and is_valid_my_number(digits)):
                        found.append((start, end, MY_NUMBER))
                if (
                    13 <= length <= 19
                    and digits[0] != "0"
                    and (len(sizes) == 1 or one_by_one or (sizes[0] == 4 and all(3 <= s <= 6 for s in sizes[1:])))
                    and luhn_valid(digits)
                ):
                    found.append((start, end, CARD))
                if one_by_one and length in (10, 11) and digits[0] == "0" and digits[1] != "0":
                    found.append((start, end, PHONE))  # 0 9 0 1 2 3 4 5 6 7 8
    return found


def _bank_accounts(norm: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _ACCOUNT_7.finditer(norm):
        if _near(norm, m.start(), m.end(), _BANK_WORDS, _BANK_REACH_BEFORE, _BANK_REACH_AFTER):
            found.append((m.start(), m.end(), BANK_ACCOUNT))
    for pattern in (_ACCOUNT_LABELLED, _BRANCH_CODE):
        found.extend((m.start("num"), m.end("num"), BANK_ACCOUNT) for m in pattern.finditer(norm))
    found.extend((m.start(), m.end(), BANK_ACCOUNT) for m in _YUCHO.finditer(norm))
    for m in _YUCHO_LABELLED.finditer(norm) if "記号" in norm else ():
        found.append((m.start("mark"), m.end("mark"), BANK_ACCOUNT))
        found.append((m.start("num"), m.end("num"), BANK_ACCOUNT))
    return found


def _phones(norm: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _PHONE_JP.finditer(norm):
        digits = _NON_DIGIT.sub("", m.group())
        if len(digits) in (10, 11) and not digits.startswith("00"):
            found.append((m.start(), m.end(), PHONE))
    for m in _PHONE_INTL.finditer(norm) if "+" in norm else ():
        # Drop trailing groups that belong to something else until the number fits E.164 (≤ 15 digits).
        groups = list(_PHONE_INTL_GROUP.finditer(norm, m.start() + 1, m.end()))
        counts = [0 if g.group() == "(0)" else sum(c.isdigit() for c in g.group()) for g in groups]
        while sum(counts) > 15 and len(groups) > 1:
            groups.pop()
            counts.pop()
        if 8 <= sum(counts) <= 15:
            found.append((m.start(), groups[-1].end(), PHONE))
    return found


def _emails(norm: str) -> list[tuple[int, int, str]]:
    if not _AT_WORDS.search(norm):
        return []
    found: list[tuple[int, int, str]] = []
    for m in _EMAIL.finditer(norm):
        at = m.group("at").strip(" \t")
        plain = at == "@" and m.group("at") == "@"
        bracketed = at[:1] in "[(<" or m.group("dot") != "."
        if plain or bracketed or m.group("tld").lower() in _COMMON_TLDS or len(m.group("tld")) == 2:
            found.append((m.start(), m.end(), EMAIL))
    return found


def _address_prefix(chunk: str) -> int:
    """How many leading characters of a whitespace-free chunk read as address."""
    i = 0
    while i < len(chunk):
        ch = chunk[i]
        if _ADDRESS_CHAR.match(ch):
            i += 1
            continue
        run = _HIRAGANA_RUN.match(chunk, i)
        if run is None:
            break
        after = chunk[run.end()] if run.end() < len(chunk) else ""
        if after in _MUNICIPALITY_SUFFIX:  # さいたま市, つくばみらい市
            i = run.end()
            continue
        if (
            run.group() in _PLACE_PARTICLES
            and i > 0
            and _ADDRESS_CHAR.match(chunk[i - 1])
            and after
            and _ADDRESS_CHAR.match(after)
        ):
            i = run.end()
            continue
        break
    return i


def _address_end(norm: str, start: int, stops: list[int]) -> int:
    """Where the address that begins at `start` ends: the end of its line or a clear stop."""
    line_end = norm.find("\n", start)
    if line_end < 0:
        line_end = len(norm)
    for s in stops:  # a protected span (e.g. a T-number) is never part of an address
        if start <= s < line_end:
            line_end = s
    stop = _ADDRESS_STOP.search(norm, start, line_end)
    if stop:
        line_end = stop.start()
    end = start
    seen_number = False
    first = True
    pos = start
    while pos < line_end:
        gap = pos
        while gap < line_end and norm[gap] in " \t、,，":
            gap += 1
        comma = any(c in "、,，" for c in norm[pos:gap])
        chunk_end = gap
        while chunk_end < line_end and norm[chunk_end] not in " \t\u3000、,，":
            chunk_end += 1
        chunk = norm[gap:chunk_end]
        if not chunk:
            break
        n = _address_prefix(chunk)
        if not first:
            if chunk.replace("-", "").isdigit():
                # 「渋谷 2-21-1」: a bare number continues an address only as its 番地.
                if seen_number or chunk[0] == "0" or _DATE_LIKE.fullmatch(chunk):
                    break
            elif (seen_number and not _ADDRESS_PIECE.search(chunk[:n])) or (comma and n < len(chunk)):
                break  # once past the 番地, a piece continues the address only as a building, floor or room
        if n == 0:
            break
        seen_number = seen_number or any(c.isdigit() for c in chunk[:n])
        end = gap + n
        first = False
        if n < len(chunk):
            break
        pos = chunk_end
    return end


def _addresses(norm: str, stops: list[int]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    marked: set[int] = set()
    postal = (_POSTAL_MARKED, _POSTAL_BARE) if "〒" in norm or "郵便番号" in norm else (_POSTAL_BARE,)
    for pattern in postal:
        for m in pattern.finditer(norm):
            start, code_end = m.start("code"), m.end("code")
            if start in marked:
                continue
            marked.add(start)
            after = code_end
            rest = norm[code_end : code_end + 3]
            if rest.startswith("\n") or rest.strip(" \t") == "" or rest.lstrip(" \t").startswith("\n"):
                # 〒150-0002 on a line of its own, the address on the next one
                gap = _LINE_GAP.match(norm, code_end)
                if gap and re.match(_ADDRESS_START, norm[gap.end() :]):
                    after = gap.end()
            else:
                while after < len(norm) and norm[after] in " \t":
                    after += 1
            end = _address_end(norm, after, stops)
            found.append((start, max(end, code_end), ADDRESS))
    for m in _ADDRESS_WORDS.finditer(norm):
        start = m.start("start")
        found.append((start, _address_end(norm, start, stops), ADDRESS))
    return found


# ---------------------------------------------------------------------------------------------


def find(text: str) -> list[tuple[int, int, str]]:
    """Every personal identifier in `text`: (start, end, kind) spans of the ORIGINAL text, in order, never
    overlapping. `redact` replaces them; bot.privacy masks the My Numbers (and card numbers) among them at intake."""
    src = _Text(text)
    norm = src.norm
    if _ANY_DIGIT.search(norm) is None:  # nothing numeric to find: only e-mails and 住所-worded addresses
        protected: list[tuple[int, int]] = []
        candidates = _emails(norm) + _addresses(norm, [])
    else:
        protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(norm)]
        stops = [s for s, _ in protected]
        candidates = _digit_runs(norm) + _bank_accounts(norm) + _phones(norm) + _emails(norm)
        candidates += _addresses(norm, stops)
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(candidates, key=lambda c: (c[0] - c[1], _PRIORITY[c[2]], c[0])):
        if end <= start:
            continue
        if any(start < pe and ps < end for ps, pe in protected):
            continue
        if any(start < ce and cs < end for cs, ce, _ in chosen):
            continue
        chosen.append((start, end, kind))

    # Back to the original text; spans that overlap after mapping are merged rather than left half-shown.
    spans: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(chosen):
        o_start, o_end = src.span(start, end)
        if spans and o_start < spans[-1][1]:
            last_start, last_end, last_kind = spans[-1]
            spans[-1] = (last_start, max(last_end, o_end), last_kind)
            continue
        spans.append((o_start, o_end, kind))
    return spans


def redact(text: str) -> Redaction:
    """`text` with every personal identifier replaced by a placeholder, and the way back."""
    spans = find(text)
    if not spans:
        return Redaction(text=text, mapping={})

    mapping: dict[str, str] = {}
    seen: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    out: list[str] = []
    pos = 0
    for s, e, k in spans:
        original = text[s:e]
        placeholder = seen.get((k, original))
        if placeholder is None:
            n = counters.get(k, 0)
            while True:  # skip a number the message itself already spells out literally
                n += 1
                placeholder = f"[{k}_{n}]"
                if placeholder not in text:
                    break
            counters[k] = n
            seen[(k, original)] = placeholder
            mapping[placeholder] = original
        out.append(text[pos:s])
        out.append(placeholder)
        pos = e
    out.append(text[pos:])
    return Redaction(text="".join(out), mapping=mapping)
