"""The offline engine: reads a message with rules and word lists, no network, no model.

It is the default, the fallback for the LLM engine and the first pass of the hybrid one,
so it must be fast and honest about what it is unsure of: every field carries a
confidence, and a guess (a category from no keyword, an intent from weak signals) is
marked as one so the hybrid engine or the user can settle it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.rules.invoice import normalize_invoice_number
from bot.understanding.amounts import Amount, bare_amount, find_amounts, negative_amount, normalize, pick_amount
from bot.understanding.dates import NUMBER_WORDS, DateMention, Direction, find_dates, impossible_date
from bot.understanding.names import after_last_particle, is_name, is_person
from bot.understanding.shape import is_pasted_contract, read_shape
from bot.understanding.types import Understanding
from bot.workcalendar import WorkCalendar

# Chat markup that is not the message: Chatwork's [To:123] name / [rp aid=… to=…] name.
_CHAT_PREFIX = re.compile(r"\[(?:To|rp)[^\]]*\][^\n]*\n?|\[/?(?:info|title|qt|qtmeta)[^\]]*\]", re.IGNORECASE)


def _words(*items: str) -> re.Pattern[str]:
    """A case-insensitive pattern of alternatives; ASCII words match only as whole words."""
    parts = []
    for w in sorted(items, key=len, reverse=True):
        e = re.escape(w)
        parts.append(rf"(?<![a-z]){e}(?![a-z])" if w.isascii() and w[:1].isalpha() else e)
    return re.compile("|".join(parts), re.IGNORECASE)


# -- intent signals --------------------------------------------------------------------------

EXPENSE_WORDS = _words(
    "精算", "立替", "立て替え", "立て替えました", "経費", "申請します", "代", "購入", "買いました", "買った", "払いました",
    "支払", "振込済", "請求", "受験料", "参加費", "購読料", "手数料", "料金", "運賃",
    "expense", "expensing", "reimburse", "reimbursement", "claim", "paid", "bought", "ordered", "receipt", "purchase",
    "fare", "fares", "ticket", "postage", "subscription", "charged", "hit my", "invoice", "topped up", "top-up",
    "spent", "shipped",
)  # fmt: skip
LEAVE_WORDS = _words(
    "休暇", "有給", "有休", "年休", "休み", "お休み", "休みます", "半休", "午前休", "午後休", "時間休", "早退", "遅刻",
    "遅れて出社", "代休", "振替休日", "振休", "欠勤", "忌引", "病欠", "休ませ",
    "pto", "vacation", "leave", "day off", "days off", "time off", "sick day", "comp day", "half day",
    "afternoon off", "morning off", "off on", "take", "taking", "bereavement", "leave early", "hours early",
)  # fmt: skip
CONTRACT_WORDS = _words(
    "契約", "契約書", "nda", "秘密保持", "覚書", "利用規約", "賃貸借", "業務委託", "準委任", "請負", "利用許諾",
    "agreement", "contract", "terms of service", "lease", "msa", "sow",
)  # fmt: skip
REVIEW_WORDS = _words(
    "レビュー", "チェック", "確認", "見て", "見ていただ", "目を通",
    "review", "look over", "check", "go over", "redline", "take a look", "have a look", "look at", "vet",
)  # fmt: skip
STATUS_WORDS = _words(
    "残って", "残り", "残日数", "残数", "あと何日", "何日残", "承認されました", "承認された", "ステータス", "進捗",
    "どうなって", "どうなりました", "まだですか", "振り込まれ", "入金され", "支払われ", "差し戻し", "差戻し",
    "承認待ち", "何件", "進んで", "使った",
    "my leave balance", "my pto balance", "my balance", "left this year", "do i have left", "have left",
    "get approved", "been approved", "approved yet", "paid out", "been paid", "any update", "status of",
    "my request", "my requests", "my claim", "my expenses", "still pending", "have i used", "have i taken",
    "i have used", "i've used",
)  # fmt: skip
POLICY_TOPICS = _words(
    "有給", "有休", "休暇", "半休", "慶弔", "忌引", "代休", "振替休日", "病気休暇", "特別休暇", "時間休", "時間単位",
    "経費", "精算", "タクシー", "接待", "交際費", "会議費", "日当", "出張", "領収書", "インボイス", "登録番号", "申請",
    "承認", "規程", "契約", "法務", "締め", "期限", "休業", "年末年始", "祝日", "営業日", "就業規則", "印紙",
    "expense", "expenses", "reimburse", "receipt", "invoice", "allowance", "per diem", "leave", "pto", "vacation",
    "approval", "deadline", "policy", "contract", "legal", "business trip", "travel", "hours", "kindle", "taxi",
    "rule", "rules", "covered", "allowed", "reimbursable", "limit", "closure", "holiday", "holidays", "stamp duty",
    "approve", "approves", "approver", "approvers", "approved", "approval", "sign off", "signs off", "receipts",
)  # fmt: skip
_OFF = re.compile(r"\b(?:take|get|have|need|want)\b.{0,30}\boff\b|\boff\s+(?:on|tomorrow|today|next)\b", re.IGNORECASE)
# A word for what something cost: beside a number it makes the number an amount, beside 精算 a claim.
_COST_WORD = re.compile(r"代|費|料金|運賃|料|\b(?:fare|fares|cost|costs|fee|fees|bill|tab|expense)\b", re.IGNORECASE)
# Asking to be paid back: with a request form it makes a claim even before any amount is said.
_CLAIM_WORD = re.compile(r"精算|立て?替え?|経費で|\b(?:reimburse|reimbursement|expense|claim)\b", re.IGNORECASE)
OTHER_WORDS = _words("在宅", "リモート", "テレワーク", "work from home", "working from home", "wfh", "remote")


@dataclass(frozen=True)
class _Cue:
    """A keyword list that sets a field, with the confidence a match gives."""

    value: str
    pattern: re.Pattern[str]


# -- expense categories, most specific first -------------------------------------------------

CATEGORY_CUES: tuple[_Cue, ...] = (
    _Cue("travel", _words(
        "出張", "宿泊", "ホテル", "新幹線", "航空券", "飛行機", "日当",
        "business trip", "trip", "hotel", "flight", "airfare", "lodging", "per diem",
    )),
    _Cue("entertainment", _words(
        "接待", "会食", "手土産", "お土産", "贈答", "お歳暮", "お中元", "懇親会", "client dinner", "dinner", "gift",
    )),
    _Cue("meeting", _words(
        "会議", "mtg", "ミーティング", "打ち合わせ", "打合せ", "定例", "お弁当", "弁当", "ランチ代",
        "workshop", "meeting", "coffee", "snacks", "lunch",
    )),
    _Cue("training", _words(
        "受験", "試験", "セミナー", "研修", "講座", "講習", "勉強会", "認定", "資格",
        "seminar", "training", "course", "exam", "certification", "conference", "devopsdays", "ticket", "meetup",
    )),
    _Cue("software", _words(
        "サブスク", "ライセンス", "ドメイン", "サーバー代", "クラウド",
        "有料プラン", "年間プラン", "月額プラン", "aws", "gcp", "azure", "saas", "subscription", "license", "domain", "hosting", "cloud", "figma", "slack",
        "github", "notion", "zoom",
    )),
    _Cue("communication", _words(
        "通信", "ルーター", "携帯", "電話代", "郵送", "郵便", "切手", "宅急便", "宅配", "レターパック", "送料", "佐川",
        "ゆうパック", "wi-fi", "wifi", "sim", "postage", "registered mail", "courier", "shipping", "shipped", "mail",
        "yamato", "sagawa", "fedex", "dhl", "phone bill", "top-up", "topped up",
    )),
    _Cue("books", _words(
        "書籍", "技術書", "教科書", "参考書", "本代", "雑誌", "購読", "新聞", "日経", "有料記事", "記事",
        "e-book", "ebook", "e-books", "book", "books", "kindle", "magazine", "article", "newsletter",
    )),
    _Cue("supplies", _words(
        "SSD", "HDD", "USB", "外付け", "モニター", "ハブ", "充電器", "ヘッドセット", "webcam", "monitor", "charger", "headset",
        "ケーブル", "アダプタ", "変換", "トナー", "インク", "文房具", "文具", "ノート", "ボールペン", "消耗品", "用紙",
        "電池", "マウス", "キーボード", "付箋", "ペン", "マーカー", "ホワイトボード",
        "toner", "cable", "adapter", "stationery", "supplies", "printer paper", "batteries", "mouse", "keyboard",
        "markers", "sticky notes", "pens", "notebooks", "whiteboard", "copy paper",
    )),
    _Cue("transport", _words(
        "タクシー", "電車", "バス", "地下鉄", "JR", "私鉄", "メトロ", "モノレール", "乗車券", "交通費", "運賃", "駐車",
        "パーキング", "高速代", "高速料金", "通行料", "首都高", "ETC", "終電", "suica", "pasmo",
        "taxi", "uber", "cab", "train", "bus", "subway", "parking", "toll", "fare", "fares",
    )),
)  # fmt: skip

# The kind of leave named outright, then (only when none is) the reason given for it:
# "通院のため…時間休" is annual leave taken by the hour, not sick leave.
LEAVE_TYPE_CUES: tuple[_Cue, ...] = (
    _Cue("special", _words("忌引", "慶弔", "結婚休暇", "特別休暇", "bereavement", "wedding leave", "special leave")),
    _Cue("sick", _words("病気休暇", "病欠", "sick day", "sick leave", "out sick", "off sick", "sick")),
    _Cue("compensatory", _words("代休", "振替休日", "振休", "comp day", "compensatory", "day in lieu")),
    _Cue("unpaid", _words("欠勤", "無給", "unpaid")),
    _Cue("annual", _words("有給", "有休", "年休", "年次", "時間休", "時間単位", "pto", "vacation", "annual leave",
                          "paid leave")),
)  # fmt: skip
LEAVE_REASON_CUES: tuple[_Cue, ...] = (
    _Cue("special", _words("亡くな", "逝去", "葬儀", "funeral", "passed away")),
    _Cue("sick", _words("病気", "発熱", "熱が", "体調", "風邪", "通院", "fever", "ill", "flu")),
)  # fmt: skip

CONTRACT_TYPE_CUES: tuple[_Cue, ...] = (
    _Cue("nda", _words("nda", "秘密保持", "機密保持", "non-disclosure", "confidentiality agreement")),
    _Cue("outsourcing", _words("業務委託", "準委任", "請負", "委託契約", "outsourcing", "consulting agreement",
                               "service agreement", "sow", "statement of work")),
    _Cue("license", _words("ライセンス", "利用許諾", "使用許諾", "license", "licence", "eula")),
    _Cue("lease", _words("賃貸借", "賃貸", "リース", "lease", "rental agreement", "tenancy")),
    _Cue("employment", _words("雇用契約", "労働契約", "雇用", "employment", "offer letter")),
    _Cue("sales", _words("取引基本契約", "売買", "基本契約", "購買", "sales agreement", "purchase agreement",
                         "master agreement", "supply agreement")),
)  # fmt: skip

_PORTION_AM = _words("午前休", "午前半休", "午前中", "午前", "morning off", "morning")
_PORTION_PM = _words("午後休", "午後半休", "午後", "afternoon off", "afternoon")
_HALF = _words("半休", "half day", "half-day")
_AM_OFF = re.compile(
    r"午前休|午前半休|午前中?(?:だけ|のみ)?(?:は|を)?(?:お)?休|morning off|off (?:in )?the morning|(?:for|on) the morning of",
    re.IGNORECASE,
)
_PM_OFF = re.compile(
    r"午後休|午後半休|午後(?:だけ|のみ)?(?:から|は|を)?(?:お)?休|afternoon off|off (?:in )?the afternoon|leave (?:at|after) lunch"
    r"|(?:for|on) the afternoon of",
    re.IGNORECASE,
)
_FULL = _words("full day", "終日", "全日", "丸一日")
_HOURS = re.compile(
    r"(?P<n>(?<!\d)\d{1,4}|[一二三四五六七八九])\s*時間(?!目)|(?P<en>(?<!\d)\d{1,4}|one|two|three|four|five|six|seven)\s*(?:hours?|hrs?)\b",
    re.IGNORECASE,
)
_HOURLY = _words("時間休", "時間単位", "早退", "遅刻", "遅れて", "中抜け", "hours early", "hours late", "leave early",
                 "hourly", "come in late", "hours off")  # fmt: skip

_INVOICE = re.compile(r"(?<![A-Za-z])T[\s-]?(?:\d[\s-]?){13}(?!\d)")

# Attendee counts: "先方3名・当方2名", "(6名)", "5 of us", "2 people from Contoso, me and my manager".
_PEOPLE_JA = re.compile(
    r"(?P<who>先方|当方|弊社|お客様|お客さん|客先|社外|社内|こちら|こちら側|私たち|我々|うち|うちから|社内から|弊社から|当社|当社から"
    r"|の方|参加|メンバー|全員で|合計|計|の)?\s*(?P<n>(?<!\d)\d{1,4})\s*(?:名|人)"
)
_OUR_SIDE_JA = (
    "当方",
    "弊社",
    "社内",
    "こちら",
    "こちら側",
    "私たち",
    "我々",
    "うち",
    "うちから",
    "社内から",
    "弊社から",
    "当社",
    "当社から",
)
_THEIR_SIDE_JA = ("先方", "お客様", "お客さん", "客先", "社外", "の方")
_TOTAL_JA = ("全員で", "合計", "計", "の")  # 「先方1名と僕と上長の3人」: the count that sums up the list
_SELF_JA = re.compile(r"私|自分|僕|ぼく|俺|わたし")
_ME_AND_JA = re.compile(r"私と\w{1,6}|\w{1,6}と私")
_PEOPLE_EN = re.compile(r"(?P<n>(?<!\d)\d{1,4}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:of us|of them|people|persons|"
                        r"attendees|participants|guests|pax|clients|customers)\b", re.IGNORECASE)  # fmt: skip
_ME_AND = re.compile(r"\bme and (?:my|our|a|the) \w+|\b(?:my|our) \w+ and me\b", re.IGNORECASE)
_JUST_ME = re.compile(r"\b(?:and|plus|with) me\b|\bme,", re.IGNORECASE)

# Vendors: "ヨドバシカメラで", "（とらや）", "at Gonpachi", "from Starbucks", "on Amazon", "Figma subscription".
# Every repeat is bounded (a name is at most 30 characters, a few words): unbounded nested repeats made a
# message of 5,000 letters take minutes to read, holding its sender's queue (#13).
_VENDOR_PAREN = re.compile(r"[（(](?P<v>[^()（）\d]{1,30})[）)]")
_VENDOR_SHOP_JA = re.compile(
    r"(?:お店|店名|店舗|会場|店)(?:は|が)?\s*(?:[「『](?P<q>[^」』]{1,30})[」』]|[:：]\s*(?P<line>[^\n、。]{1,30}))"
)
# "Figma subscription", "GitHub Team bill", "Slack の Pro plan", "Zoom Pro renewal", "Uber 代", "GCPの請求"
_VENDOR_BEFORE = re.compile(
    r"(?P<v>[A-Z][A-Za-z0-9.&-]{1,30}(?:\s[A-Z][A-Za-z0-9.&-]{1,30})?)\s?(?:の\s?)?(?:[A-Z][A-Za-z0-9-]{0,30}\s)?"
    r"(?:(?i:subscription|license|licence|bill|invoice|plan|renewal)\b|代|の.{0,6}?(?:請求|利用料|月額|年額|ライセンス|サブスク|プラン|更新))"
)
_NOT_VENDOR = _words(
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january", "february",
    "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "today", "tomorrow", "yesterday", "me", "my", "i", "the", "a", "our", "receipt", "us",
)  # fmt: skip
# How it was paid is not who was paid ("個人カードで払った").
_PAYMENT_MEANS = _words("カード", "現金", "PayPay", "card", "cash", "credit", "立替", "振込", "振り込み")
_DATE_PREFIX = re.compile(
    r"^(?:昨日|今日|本日|先日|一昨日|おととい|先週|今週|先月|今月|明日|[月火水木金土日]曜日?|\d{1,4}/\d{1,2}|\d{1,2}月\d{1,2}日)[にの]?"
)

# Counterparties: 株式会社ミライテック, 東和ビルディング株式会社, Hooli Japan合同会社, Acme Inc., with Initech.
_COMPANY_JA = re.compile(
    r"(?:株式会社|合同会社|有限会社|一般社団法人|(?:\(株\)|（株）))\s?[\w\u30A0-\u30FF\u4E00-\u9FFFー・&.]+?(?=との|と|から|様|さん|の|、|。|\s|$|）|\))"
    r"|[\w\u30A0-\u30FF\u4E00-\u9FFFー・&.]+(?:\s[\w\u30A0-\u30FFー・&.]+)?\s?(?:株式会社|合同会社|有限会社|\(株\)|（株）)"
)
_COMPANY_EN = re.compile(
    r"\b(?P<c>[A-Z][\w&'.-]*(?:\s[A-Z][\w&'.-]*)*\s(?:Inc\.?|Corp\.?|Corporation|LLC|Ltd\.?|Limited|Co\.|GmbH|K\.K\.|Holdings))"
    r"|\b(?:with|from)\s+(?P<w>[A-Z][\w&'.-]*(?:\s[A-Z][\w&'.-]*)*)"
)


_MEAL = _words(
    "ランチ",
    "昼食",
    "夕食",
    "ディナー",
    "食事",
    "飲み会",
    "飲みに",
    "飲んだ",
    "お茶",
    "lunch",
    "dinner",
    "drinks",
    "meal",
    "breakfast",
)
_OUTSIDERS = re.compile(
    r"先方|取引先|お客様|お客さん|客先|社外|クライアント|(?:株式会社|合同会社|有限会社)\S{0,20}(?:の方|の部長|の課長|さん|様)|\b(?:client|customer|guest|partner|vendor)s?\b|\bfrom [A-Z]",
    re.IGNORECASE,
)


# The category named outright: "書籍代でお願いします" wins over what the items suggest.
_EXPLICIT_CATEGORY = (
    ("transport", _words("交通費")), ("travel", _words("出張旅費", "旅費")),
    ("entertainment", _words("接待交際費", "交際費")), ("meeting", _words("会議費")),
    ("supplies", _words("消耗品費")), ("books", _words("書籍代", "新聞図書費")), ("training", _words("研修費")),
    ("communication", _words("通信費")),
)  # fmt: skip
_QUOTED_TITLE = re.compile(r"『[^』]*』|「[^」]*」|\"[^\"]*\"")


# 本 as a word of its own (本を3冊, の本), never inside another (謄本, 日本, 資本).
_BOOK = re.compile(r"(?<![\u4E00-\u9FFF])本(?:を|代|\s?\d+\s?冊)|の本(?![\u4E00-\u9FFF])|\d+\s?冊")
# What a thing was for (研修用に, for the workshop) is not what it is: read after what was bought.
_PURPOSE = re.compile(
    r"[^\s、。,]{1,12}?(?:用に|用の|用で|のために|のため|向けに|向けの)|\bfor (?:the |our |a )?[\w-]+(?: [\w-]+)?", re.I
)
# The thing a cost word is attached to (電車代, 通行料, 宿泊費): nearest the amount, it says what was paid for.
_COST_COMPOUND = re.compile(r"(?P<x>[\u30A0-\u30FF\u4E00-\u9FFFA-Za-z]{1,8}?)(?:代|費|料金|料|運賃)(?![\u4E00-\u9FFF])")


def _category(text: str, amounts: list[Amount] | None = None) -> str | None:
    for name, pattern in _EXPLICIT_CATEGORY:
        if pattern.search(text):
            return name
    travel = CATEGORY_CUES[0]
    assert travel.value == "travel"
    if travel.pattern.search(_QUOTED_TITLE.sub(" ", text)):
        return "travel"  # anything the text calls a trip (出張) is travel, a taxi on it included
    if amounts:
        compounds = [m for m in _COST_COMPOUND.finditer(text) if _match_cue(CATEGORY_CUES, m.group("x"))]
        if compounds:
            near = min(compounds, key=lambda m: min(abs(m.start() - a.start) for a in amounts))
            paid_for = _match_cue(CATEGORY_CUES, near.group("x"))
            if paid_for in ("transport", "communication", "books", "software", "supplies"):
                # 「打ち合わせで品川まで行った電車代」: the fare is what was paid for, the meeting why.
                return paid_for
    # A title in quotes is not what was bought ("『ドメイン駆動設計入門』" is a book, not a domain).
    untitled = _QUOTED_TITLE.sub(" ", text)
    if _BOOK.search(untitled):
        category: str | None = "books"
    else:
        category = _match_cue(CATEGORY_CUES, _PURPOSE.sub(" ", untitled)) or _match_cue(CATEGORY_CUES, untitled)
    # A meal with people from outside is entertainment (交際費), whatever else it is called.
    if category in (None, "meeting") and _MEAL.search(text) and _OUTSIDERS.search(text):
        return "entertainment"
    return category


def _match_cue(cues: tuple[_Cue, ...], text: str) -> str | None:
    for cue in cues:
        if cue.pattern.search(text):
            return cue.value
    return None


class OfflineEngine:
    name = "offline"

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def understand(self, text: str, today: dt.date, locale: str = "ja", kind_hint: str | None = None) -> Understanding:
        clean = clean_text(text)
        amounts = find_amounts(clean)
        intent, confidence, notes = self._intent(clean, amounts, today, kind_hint)
        result = Understanding(intent, {}, {"intent": confidence}, self.name, notes)
        if intent == "expense":
            self._expense(clean, amounts, today, result)
        elif intent == "leave":
            self._leave(clean, today, result)
        elif intent == "contract_review":
            self._contract(clean, result)
        return result

    def read_fields(self, text: str, today: dt.date, intent: str) -> Understanding:
        """The fields of `intent` as this engine reads them from the text, whatever intent it would itself see:
        what the LLM engine falls back on, field by field, where a model's value is not in the message."""
        clean = clean_text(text)
        result = Understanding(intent, {}, {}, self.name)
        if intent == "expense":
            self._expense(clean, find_amounts(clean), today, result)
        elif intent == "leave":
            self._leave(clean, today, result)
        elif intent == "contract_review":
            self._contract(clean, result)
        return result

    # -- intent ------------------------------------------------------------------------------

    def _intent(
        self, text: str, amounts: list[Amount], today: dt.date, hint: str | None
    ) -> tuple[str, float, list[str]]:
        """The one place a message's intent is decided (explicit commands aside): from its form (shape.py)
        first, then from what it names."""
        shape = read_shape(text)
        asks = shape.asks
        has = {
            "expense": bool(EXPENSE_WORDS.search(text)),
            "leave": bool(LEAVE_WORDS.search(text) or _OFF.search(text)),
            "contract": bool(CONTRACT_WORDS.search(text)),
            "review": bool(REVIEW_WORDS.search(text)),
            "status": bool(STATUS_WORDS.search(text)),
            "topic": bool(POLICY_TOPICS.search(text)),
        }
        if is_pasted_contract(text):
            return "contract_review", 0.95, ["a contract pasted as the message"]
        wants_check = has["contract"] and (has["review"] or hint == "contract_review") and (shape.requests or not asks)
        if wants_check and (not _asks_how(text) or shape.requests):
            # 「この契約書チェックしてもらえますか?」 asks for work, however it ends; 「NDAは誰が確認しますか?」 asks a rule.
            return "contract_review", 0.9, []
        asked_own_leave = (
            shape.permission
            and (has["leave"] or has["expense"])
            and any(self._dated(p, today) for p in shape.permission_sentences())
        )  # 「金曜に有給取ってもいいですか」: a request in a question's form, with the day in the same sentence
        if (
            (asks or shape.requests or shape.informs)
            and not shape.requests_work
            and (shape.own or has["status"])
            and not shape.permission
            and (not shape.rule_ask or shape.own_state)
        ):
            # About the sender's own records (their balance, their request #12): no policy holds the answer.
            return "status", 0.9, []
        rule_question = shape.rule_ask and not shape.asks_bot_work and not asked_own_leave
        if (shape.only_asks or rule_question) and not asked_own_leave:
            # An amount or a date inside a question never makes it a claim: 「3万円の接待って事前申請いる?」 asks a rule.
            if has["topic"] or has["expense"] or has["leave"] or has["contract"]:
                return "question", 0.9 if has["topic"] else 0.75, []
            if OTHER_WORDS.search(text):
                return "other", 0.85, []
            return "other", 0.6, []
        if OTHER_WORDS.search(text) and not amounts and not has["leave"]:
            return "other", 0.85, []
        leave_cue = (
            _match_cue(LEAVE_TYPE_CUES, text)
            or _match_cue(LEAVE_REASON_CUES, text)
            or (_HALF.search(text) and "annual")
        )
        told = shape.told() or text
        bare = bare_amount(text)
        if (amounts or bare or negative_amount(text)) and (has["expense"] or not has["leave"]):
            return "expense", 0.95 if has["expense"] else 0.8, []
        if has["leave"] or leave_cue:
            strong = bool(leave_cue) or bool(_HOURLY.search(text))
            return "leave", 0.95 if strong else 0.75, []
        if has["expense"] and (shape.requests or shape.spent) and (_COST_WORD.search(told) or _CLAIM_WORD.search(told)):
            # 「昨日のチームランチ代の精算をお願いします」: a claim whose amount is still to be asked for.
            return "expense", 0.85, ["a claim with no amount yet"]
        if hint in ("expense", "leave", "contract_review"):
            return hint, 0.6, ["intent taken from the command used"]
        if asks and has["topic"]:
            return "question", 0.7, []
        if asks:
            return "other", 0.6, []
        return "other", 0.7 if len(text) < 40 else 0.5, []

    def _dated(self, text: str, today: dt.date) -> bool:
        return bool(find_dates(text, today, "future", self.calendar))

    # -- expense -----------------------------------------------------------------------------

    def _expense(self, text: str, amounts: list[Amount], today: dt.date, out: Understanding) -> None:
        amount = pick_amount(amounts)
        if amount:
            out.fields["amount"] = amount.value
            out.confidence["amount"] = 0.95 if (len(amounts) == 1 or amount.total) else 0.75
            if amount.currency != "JPY":
                out.fields["currency"] = amount.currency
                out.confidence["currency"] = 0.95
        elif negative_amount(text):
            out.refused["amount"] = "negative"  # said back to the requester, not silently asked again
        elif bare := bare_amount(text):
            # 「タクシー代 3200」: a number beside a cost word, no 円; likely yen, but the requester confirms it.
            out.fields["amount"] = bare.value
            out.confidence["amount"] = 0.7
            out.notes.append(BARE_AMOUNT_NOTE)
            amounts = [bare]
        dates = find_dates(text, today, "past")
        past = [d for d in dates if d.start <= today]
        if past:
            # "12/17〜18の出張の航空券を12/10に購入": the day the money was spent, when it is said.
            spent = [d for d in past if _SPENT_AFTER.match(text, d.span[1]) or _SPENT_BEFORE.search(text[: d.span[0]])]
            out.fields["date"] = (spent or past)[0].start
            out.confidence["date"] = 0.9 if len(past) == 1 or spent else 0.75
        elif impossible_date(text):
            out.refused["date"] = "no_such_date"
        category = _category(text, amounts)
        out.fields["category"] = category or "other"
        out.confidence["category"] = 0.9 if category else 0.5
        if vendor := _vendor(text, amounts, dates):
            out.fields["vendor"], out.confidence["vendor"] = vendor
        if attendees := _attendees(text):
            out.fields["attendees"] = attendees
            out.confidence["attendees"] = 0.85
        if m := _INVOICE.search(text):
            number = normalize_invoice_number(m.group(0))
            if number:
                out.fields["invoice_number"] = number
                out.confidence["invoice_number"] = 0.95

    # -- leave -------------------------------------------------------------------------------

    def _leave(self, text: str, today: dt.date, out: Understanding) -> None:
        leave_type = _match_cue(LEAVE_TYPE_CUES, text)
        reason = _match_cue(LEAVE_REASON_CUES, text)
        if leave_type is None and reason == "special":
            leave_type = reason  # a death in the family: bereavement leave, said only as its reason
            out.confidence["leave_type"] = 0.75
        out.fields["leave_type"] = leave_type or "annual"
        if "leave_type" not in out.confidence:
            # 「通院のため午前休」 is annual leave unless sick leave is named; a reason that suggests another kind
            # leaves the type unsure, so the requester (or a model) settles it rather than the bot deciding silently.
            out.confidence["leave_type"] = 0.9 if leave_type else (0.7 if reason else 0.8)
        dates = _settle_years(text, find_dates(text, today, "future", self.calendar), find_dates(text, today, "past"))
        chosen = _leave_dates(text, dates, today)
        if chosen:
            out.fields["start"], out.fields["end"] = chosen.start, chosen.end
            out.confidence["start"] = out.confidence["end"] = 0.9 if len(dates) == 1 else 0.8
            worked = [d for d in dates if d is not chosen and d.start < today]
            if out.fields["leave_type"] == "compensatory" and worked:
                out.fields["worked_holiday"] = worked[0].start
        elif impossible_date(text):
            out.refused["start"] = "no_such_date"
        portion, hours = _portion(text)
        out.fields["portion"] = portion
        out.confidence["portion"] = 0.9 if portion != "full" or _FULL.search(text) else 0.8
        if hours:
            out.fields["hours"] = hours
            out.confidence["hours"] = 0.9

    # -- contract ----------------------------------------------------------------------------

    def _contract(self, text: str, out: Understanding) -> None:
        contract_type = _match_cue(CONTRACT_TYPE_CUES, text)
        out.fields["contract_type"] = contract_type or "other"
        out.confidence["contract_type"] = 0.9 if contract_type else 0.6
        if party := _counterparty(text):
            out.fields["counterparty"] = party
            out.confidence["counterparty"] = 0.8


def _asks_how(text: str) -> bool:
    return bool(re.search(r"\bhow (do|can|should) i\b|どうやって|どのように|方法", text, re.IGNORECASE))


_SPENT_AFTER = re.compile(r"\s*(?:に|の)?\s*(?:[^、。\s]{1,12}?で)?\s*(?:購入|買|支払|払|注文|決済|振込)")
_SPENT_BEFORE = re.compile(r"(?:paid|bought|purchased|ordered|charged)\s+(?:on\s+)?$", re.IGNORECASE)
_WEEKDAY_NOTE = re.compile(r"\s*[(（]\s*(?P<wd>[月火水木金土日])(?:曜日?)?\s*[)）]")
_WEEKDAYS_JA = "月火水木金土日"


def _settle_years(text: str, future: list[DateMention], past: list[DateMention]) -> list[DateMention]:
    """A year-less date written with its weekday ("11/14（土）") is the year that weekday fits;
    otherwise a date a year ahead that was days ago is the recent one (a holiday worked)."""
    settled = []
    by_span = {d.span: d for d in past}
    for d in future:
        other = by_span.get(d.span)
        note = _WEEKDAY_NOTE.match(text, d.span[1])
        if other is not None and note:
            weekday = _WEEKDAYS_JA.index(note.group("wd"))
            if d.start.weekday() != weekday and other.start.weekday() == weekday:
                d = other
        settled.append(d)
    return settled


_WORKED_AFTER = re.compile(
    r"\s*(?:の[^、。]{0,8}?)?(?:に|は)?\s*(?:出勤|休日出勤|勤務|働い|worked|I worked)", re.IGNORECASE
)
_STARTS = re.compile(r"(?:from|starting|beginning|as of)\s*$", re.IGNORECASE)


def _leave_dates(text: str, dates: list[DateMention], today: dt.date) -> DateMention | None:
    """The days off: a mention marked as the start ("from Monday", "12/14から") if there is one,
    else the first one not in the past (a worked holiday or the reason may come first)."""
    if not dates:
        return None
    marked = [
        d for d in dates if _STARTS.search(text[: d.span[0]]) or text[d.span[1] : d.span[1] + 2].startswith("から")
    ]
    # 「11/3に出勤した分の振替休日、12/4で」: the day worked is not the day off.
    off = [d for d in marked or dates if not _WORKED_AFTER.match(text, d.span[1])] or marked or dates
    upcoming = [d for d in off if d.start >= today] or [d for d in dates if d.start >= today]
    return min(upcoming, key=lambda d: d.start) if upcoming else dates[-1]


def _portion(text: str) -> tuple[str, int | None]:
    m = _HOURS.search(text)
    if m and (_HOURLY.search(text) or re.search(r"時間休|時間の|hours?\s+(?:early|late|off)", text, re.IGNORECASE)):
        raw = m.group("n") or m.group("en")
        hours = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw.lower())
        if hours:
            return "hours", hours
    # "morning" alone is when something happened ("passed away this morning"), not a half day.
    half = bool(_HALF.search(text))
    if _AM_OFF.search(text) or (half and _PORTION_AM.search(text)):
        return "am", None
    if _PM_OFF.search(text) or (half and _PORTION_PM.search(text)):
        return "pm", None
    return "full", None


def _attendees(text: str) -> int | None:
    """Everyone at the table, the sender included (`先方3名・当方2名` = 5)."""
    labelled, plain, ours = 0, [], False
    totals = []
    for m in _PEOPLE_JA.finditer(text):
        who = m.group("who")
        if who in (*_THEIR_SIDE_JA, *_OUR_SIDE_JA):
            labelled += int(m.group("n"))
            ours = ours or who in _OUR_SIDE_JA
        elif who in _TOTAL_JA and labelled:
            totals.append(int(m.group("n")))
        else:
            plain.append(int(m.group("n")))
    if totals:
        return totals[-1]
    if labelled and not ours:
        # "先方3名 + 私と部長": our side named in words, not counted.
        labelled += 2 if _ME_AND_JA.search(text) else (1 if _SELF_JA.search(text) else 0)
    if labelled or plain:
        return labelled or plain[0]
    en = _PEOPLE_EN.search(text)
    if not en:
        return None
    raw = en.group("n").lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    if "of us" in en.group(0).lower():
        return count  # "5 of us" already counts the sender
    us = re.search(r"\b(\d{1,4}|two|three|four|five|six) of us\b", text, re.IGNORECASE)
    if us:  # "4 people from Northwind … plus 2 of us"
        raw_us = us.group(1).lower()
        return count + (int(raw_us) if raw_us.isdigit() else NUMBER_WORDS[raw_us])
    # "with 2 people from Contoso, me and my manager": the sender, plus whoever they name.
    others = 1 if _ME_AND.search(text) else 0
    sender = 1 if re.search(r"\bwith\s*$", text[: en.start()]) or _ME_AND.search(text) or _JUST_ME.search(text) else 0
    return count + sender + others


# 「フリーランスの山田さんとの準委任契約」: a person as the other party.
_PERSON_PARTY = re.compile(r"(?P<p>[\u4E00-\u9FFF]{1,4})\s?(?:さん|様|氏)\s?(?:との|と)")


def _clean_vendor(raw: str) -> str | None:
    v = _DATE_PREFIX.sub("", raw.strip(" 　、。・-")).strip()
    if v.endswith(".") and not re.search(r"\b(?:Inc|Co|Ltd|Corp|K\.K)\.$", v):
        v = v[:-1]
    v = re.sub(r"^(?:昨日|今日|本日)", "", v).strip()
    if not v or _NOT_VENDOR.fullmatch(v) or _PAYMENT_MEANS.search(v) or v.isdigit() or len(v) > 30:
        return None
    return v


_NAME_RUN = re.compile(r"[A-Za-z0-9\u30A0-\u30FF\u4E00-\u9FFF\u3040-\u309F々ー・.&'’\-]{1,30}$")
_LATIN_RUN = re.compile(r"(?:[A-Za-z0-9][\w'&.\-]*\s){0,3}[A-Za-z0-9][\w'&.\-]*$")
_VENUE_PAREN = re.compile(
    r"(?:ホテル|旅館|お店|店|レストラン|会場|カフェ|居酒屋|hotel|restaurant|venue|cafe)\s?[（(](?P<v>[^()（）\d]{1,30})[）)]",
    re.IGNORECASE,
)
_AT_EN = re.compile(r"\b(?:at|@)\s+(?:the\s+)?(?P<v>[A-Z0-9][\w'&.\-]{0,30}(?:\s[A-Z0-9][\w'&.\-]{0,30}){0,3})")
_VIA_EN = re.compile(r"\b(?:on|via|through|from)\s+(?P<v>[A-Z0-9][\w'&.\-]{0,30}(?:\s[A-Z0-9][\w'&.\-]{0,30}){0,3})")
_RIDE_EN = re.compile(
    r"(?:^|[:—–\-]\s*|\.\s+)(?P<v>[A-Z][\w'&.\-]{1,30})\s+(?:from|to|ride|order|trip|receipt)\b", re.M
)
_ROUTE_AFTER = re.compile(r"\s+(?:to|back to|→|->)\b", re.IGNORECASE)
_DE_JA = re.compile(r"(?:で|にて)(?!す|し|き|は)")
_NO_JA = re.compile(r"\s?の(?=[\u4E00-\u9FFF\u30A0-\u30FFぁ-ん]{1,12})")
_COMPANY_FORM = re.compile(
    r"株式会社|合同会社|有限会社|\(株\)|（株）|\b(?:LLC|Inc|Corp|Corporation|Ltd|K\.K\.|Partners|GmbH)\b"
)
_GUEST_CONTEXT = re.compile(
    r"の(?:方|部長|課長|担当|皆|社長|さん)|さんと|様と|\bpeople from\b|\bguests? from\b|お客|先方|取引先|\bclients?\b",
    re.I,
)


def _is_thing(span: str) -> bool:
    """A word for what was bought (タクシー, ホテル, コーヒー): the category words, said whole. A brand written
    as a name (Uber, Slack, Figma) is who was paid, even where the same word tells the category."""
    if re.match(r"[A-Z]", span):
        return False
    for cue in CATEGORY_CUES:
        m = cue.pattern.search(span)
        if m and len(m.group(0)) >= len(span) - 1:  # the word itself (タクシー, ホテル代), not a name that holds it
            return True
    return False


def _trailing_name(before: str) -> str | None:
    """The name that ends where `before` ends: the last Latin words, or the Japanese run after its last particle."""
    before = before.rstrip(" 　,、:：-—")
    run = _NAME_RUN.search(before)
    latin = _LATIN_RUN.search(before)
    if (
        latin
        and latin.group(0).strip()
        and not (
            run and len(run.group(0)) > len(latin.group(0)) and not run.group(0)[: -len(latin.group(0))].endswith(" ")
        )
    ):
        return latin.group(0).strip()
    if not run:
        return None
    return after_last_particle(run.group(0)) or None


def _names_before(before: str, chunks: int = 3) -> list[str]:
    """Names ending a chunk of `before`, nearest first: 「JAL 羽田→札幌 22,800円」 passes the route to reach JAL."""
    whole = _trailing_name(before)
    out = [whole] if whole else []
    parts = [p for p in re.split(r"[\s　]+|[→〜]|->", before.rstrip()) if p]
    for part in reversed(parts[-chunks:]):
        if name := _trailing_name(part):
            out.append(name)
    return out


def _vendor(text: str, amounts: list[Amount], dates: list[DateMention]) -> tuple[str, float] | None:
    """Who was paid, with a confidence: the strongest place a name stands in (see bot/understanding/names.py)."""
    found: list[tuple[int, str, float]] = []  # (rank, name, confidence)

    def consider(rank: int, raw: str | None, sure: float = 0.85, labelled: bool = False) -> None:
        if not raw:
            return
        v = _clean_vendor(raw)
        if not v or not is_name(v, _is_thing, labelled):
            return
        if _COMPANY_FORM.search(v) and _GUEST_CONTEXT.search(text):
            return  # the firm whose people were at the table, not who was paid
        found.append((rank, v, sure))

    def inside_number(end: int) -> bool:
        last = end - 1
        return any(a.start <= last < a.end for a in amounts) or any(d.span[0] <= last < d.span[1] for d in dates)

    if shop := _VENDOR_SHOP_JA.search(text):
        consider(0, shop.group("q") or shop.group("line"), 0.9, labelled=True)
    for m in _VENUE_PAREN.finditer(text):
        consider(1, m.group("v"), 0.9, labelled=True)
    for m in _DE_JA.finditer(text):
        after = text[m.end() : m.end() + 40]
        paid_here = any(m.end() <= a.start < m.end() + 40 for a in amounts) or _SPENT_WORDS.search(after)
        place = _PLACE_BEFORE.search(text[max(0, m.start() - 12) : m.start()])
        if paid_here and not inside_number(m.start()) and not place:
            consider(2, _trailing_name(text[: m.start()]))
    for m in _AT_EN.finditer(text):
        consider(3, m.group("v"), 0.8)
    for m in _VENDOR_BEFORE.finditer(text):
        consider(4, m.group("v"), 0.8)
    for m in _RIDE_EN.finditer(text):
        consider(5, m.group("v"), 0.75)
    for a in amounts:
        line_start = text.rfind("\n", 0, a.start) + 1
        for i, name in enumerate(_names_before(text[max(line_start, a.start - 40) : a.start])):
            consider(6 if i == 0 else 8, name, 0.8 if i == 0 else 0.7)
    for m in _VIA_EN.finditer(text):
        if _ROUTE_AFTER.match(text, m.end("v")) or inside_number(m.end("v")):
            continue  # "from Roppongi back to the office": a place on a route
        consider(7, m.group("v"), 0.7)
    for m in _NO_JA.finditer(text):
        consider(9, _trailing_name(text[: m.start()]), 0.7)
    for m in _VENDOR_PAREN.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()]
        if not re.search(r"書|本|講座|認定|MTG|定例", before):
            consider(10, m.group("v"), 0.7, labelled=True)
    if not found:
        return None
    _, name, sure = min(found, key=lambda f: f[0])
    return name, sure


# 「出張先の広島で」 "in Osaka": where it happened, not who was paid.
_PLACE_BEFORE = re.compile(r"(?:出張先|現地|先|旅先)の\s?[^\s、。]{0,8}$|\bin\s+$", re.IGNORECASE)
_SPENT_WORDS = re.compile(
    r"購入|買|払|支払|注文|送|発送|利用|精算|受け|借り|泊ま|食べ|飲み|予約|更新|契約|申し込|登録|乗"
)


def _counterparty(text: str) -> str | None:
    found = [m for m in _COMPANY_JA.finditer(text)]
    if found:
        m = found[0]
        name = m.group(0).strip("（）() ")
        if name.endswith(("株式会社", "合同会社", "有限会社", "(株)", "（株）")):
            after = _COMPANY_JA.search(text, m.end() - len(name.split("の")[-1]))
            head = after_last_particle(name[:-4] if not name.endswith(("(株)", "（株）")) else name[:-3])
            if head:
                return head + name[len(name) - (4 if not name.endswith(("(株)", "（株）")) else 3) :]
            if after is not None and after.start() < m.end() + 30:
                return after.group(0).strip("（）() ")
        return name
    person = _PERSON_PARTY.search(text)
    if person and is_person(person.group("p")):
        return person.group("p")
    en = _COMPANY_EN.search(text)
    if en:
        return (en.group("c") or en.group("w")).strip()
    return None


# Said of an amount read from a number with no 円 or ¥ (「タクシー代 3200」): the requester confirms it.
BARE_AMOUNT_NOTE = "amount: a number with no currency mark, read as yen"

# What a request is when its words name nothing (understanding-eval.md): annual leave, a full day. A category
# has no such default ("other" is only a placeholder the bot asks about).
DERIVED_DEFAULTS: dict[str, str] = {"leave_type": "annual", "portion": "full"}


def clean_text(text: str) -> str:
    """The message as the offline engine reads it: normalised, chat markup ([To:…]) removed."""
    return _CHAT_PREFIX.sub("", normalize(text)).strip()


def derived_reading(text: str) -> dict[str, str | None]:
    """The derived fields (category, leave type, portion) as the message's own words name them, whatever the
    intent; None for a field they do not name. The yardstick a model's derived values are held to."""
    clean = clean_text(text)
    reason = _match_cue(LEAVE_REASON_CUES, clean)
    # A reason names a kind of leave only for a death in the family; 「通院のため」 names none (annual by default).
    leave_type = _match_cue(LEAVE_TYPE_CUES, clean) or (reason if reason == "special" else None)
    portion, _ = _portion(clean)
    named_portion = portion if portion != "full" or _FULL.search(clean) else None
    return {"category": _category(clean), "leave_type": leave_type, "portion": named_portion}


def attendee_count(text: str) -> int | None:
    """Everyone at the table as the offline engine counts them (`先方3名・当方2名` = 5), whatever the intent."""
    return _attendees(clean_text(text))


def resolve_direction(intent: str) -> Direction:
    return "past" if intent == "expense" else "future"
