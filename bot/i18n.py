"""Every user-facing string, in Japanese and English. Code asks by key; the reply follows the user."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.models import Finding, Severity

CATALOG: dict[str, dict[str, str]] = {
    # -- findings: expenses ------------------------------------------------------------------
    "E1.late": {
        "ja": "経費日から{age}日経過しています。申請期限は{limit}日以内のため却下されます(経理が例外承認できます)。",
        "en": "The expense is {age} days old; claims must be made within {limit} days, so it is rejected "
        "(finance can override).",
    },
    "E1.future": {
        "ja": "経費日 {date} が未来の日付です。日付を確認してください。",
        "en": "The expense date {date} is in the future. Please check the date.",
    },
    "E1.waived": {
        "ja": "申請期限({limit}日)を過ぎていますが、経理が例外として認めました。",
        "en": "Past the {limit}-day deadline, but finance allowed it as an exception.",
    },
    "E2.receipt": {
        "ja": "{threshold}以上の経費には領収書が必要です。領収書を添付してください(添付まで承認には回りません)。",
        "en": "A receipt is required for {threshold} or more. Please attach it; the claim waits until you do.",
    },
    "E2.public_transport": {
        "ja": "公共交通機関の運賃のため領収書は不要です。",
        "en": "Public-transport fare: no receipt needed.",
    },
    "E3.missing": {
        "ja": "{threshold}以上のため適格請求書発行事業者の登録番号(T+13桁)の記載が必要です。経理が確認します。",
        "en": "For {threshold} or more the qualified-invoice registration number (T + 13 digits) should be given. "
        "Finance will check.",
    },
    "E3.invalid": {
        "ja": "登録番号 {number} は形式またはチェックデジットが正しくありません。経理が確認します。",
        "en": "Registration number {number} fails the format or check-digit test. Finance will check.",
    },
    "E4.attendees": {
        "ja": "接待交際費には参加人数(自社を含む合計)が必要です。",
        "en": "Entertainment needs the number of attendees (everyone, our side included).",
    },
    "E4.meeting_cost": {
        "ja": "1人あたり{per_person}のため、交際費ではなく会議費として処理できる可能性があります。",
        "en": "{per_person} per person: this may be booked as a meeting cost (会議費) rather than entertainment.",
    },
    "E4.finance": {
        "ja": "1人あたり{per_person}で{threshold}を超えるため、経理の承認も必要です。",
        "en": "{per_person} per person is over {threshold}, so finance approves too.",
    },
    "E5.auto": {
        "ja": "{category}の{limit}以下の経費のため、自動承認されました。",
        "en": "{category} expense of at most {limit}: approved automatically.",
    },
    "E6.manager": {
        "ja": "上長の承認が必要です。",
        "en": "Your manager approves this.",
    },
    "E6.finance_amount": {
        "ja": "{threshold}を超えるため、経理の承認も必要です。",
        "en": "Over {threshold}, so finance approves too.",
    },
    "E6.finance_category": {
        "ja": "{category}のため、経理の承認も必要です。",
        "en": "{category}: finance approves too.",
    },
    "E6.ceo": {
        "ja": "{threshold}を超えるため、代表取締役の承認も必要です。",
        "en": "Over {threshold}, so the CEO approves too.",
    },
    "E7.duplicate": {
        "ja": "同じ日付・金額の申請(#{other})があります。重複の可能性があるため経理が確認します。",
        "en": "Claim #{other} has the same date and amount: a possible duplicate, so finance checks it.",
    },
    "E8.foreign": {
        "ja": "外貨({currency})の申請のため、経理が円換算額を確定します。",
        "en": "Foreign currency ({currency}): finance fixes the yen amount.",
    },
    # -- findings: leave ---------------------------------------------------------------------
    "L1.no_grant": {
        "ja": "年次有給休暇はまだ付与されていません(初回付与日: {first_grant})。",
        "en": "No annual leave has been granted yet (first grant on {first_grant}).",
    },
    "L2.hourly_cap": {
        "ja": "時間単位の有給は年{cap}時間までです。残り{left}時間のため、{hours}時間の申請はできません。",
        "en": "Hourly leave is capped at {cap} hours a year; {left} hours are left, so {hours} hours cannot be taken.",
    },
    "L2.half_day_off": {
        "ja": "半日単位の休暇は認められていません。",
        "en": "Half-day leave is not allowed.",
    },
    "L2.bad_unit": {
        "ja": "{problem}",
        "en": "{problem_en}",
    },
    "L3.short_notice": {
        "ja": "事前申請の期限を過ぎています({days}日の休暇は{required}営業日前まで、最短 {earliest})。上長が確認します。",
        "en": "Short notice: {days} working day(s) off need {required} working day(s) of notice "
        "(earliest {earliest}). Your manager will review.",
    },
    "L4.auto": {
        "ja": "{days}日以内・残日数十分・事前申請済みのため自動承認されました。上長に通知します。",
        "en": "At most {days} working day(s), enough balance and notice given: approved automatically. "
        "Your manager is told.",
    },
    "L4.too_long": {
        "ja": "{days}営業日の休暇のため、上長の承認が必要です。",
        "en": "{days} working days off: your manager approves.",
    },
    "L4.team": {
        "ja": "{date} はチーム{size}名中{absent}名がすでに休暇予定です。上長の承認が必要です。",
        "en": "On {date}, {absent} of the {size} people in your team are already off: your manager approves.",
    },
    "L4.manager": {
        "ja": "上長の承認が必要です。",
        "en": "Your manager approves this.",
    },
    "L5.short": {
        "ja": "有給残日数は{balance}日です({needed}日必要)。不足する{shortfall}日を無給休暇として申請する場合は確認してください。",
        "en": "You have {balance} day(s) of annual leave left ({needed} needed). Confirm to take the missing "
        "{shortfall} day(s) as unpaid leave.",
    },
    "L5.unpaid_confirmed": {
        "ja": "残日数不足の{days}日は無給休暇として扱います(本人確認済み)。",
        "en": "{days} day(s) beyond your balance will be unpaid leave, as you confirmed.",
    },
    "L5.unpaid": {
        "ja": "無給休暇のため、上長の承認が必要です。",
        "en": "Unpaid leave: your manager approves.",
    },
    "L6.reason": {
        "ja": "特別休暇の事由を指定してください: {reasons}",
        "en": "Please name the reason for special leave: {reasons}",
    },
    "L6.over": {
        "ja": "{reason}の特別休暇は{entitled}日です。超過する{over}日は年休または無給になります。",
        "en": "Special leave for {reason} is {entitled} day(s); the {over} extra day(s) will be annual or unpaid.",
    },
    "L6.route": {
        "ja": "特別休暇({reason}、{entitled}日)のため、上長と人事の承認が必要です。",
        "en": "Special leave ({reason}, {entitled} day(s)): your manager and HR approve.",
    },
    "L7.over": {
        "ja": "有給の病気休暇は年{paid}日で、残り{left}日です。超過する{over}日は年休または無給になります。",
        "en": "Paid sick leave is {paid} day(s) a year and {left} are left; the {over} extra day(s) will be "
        "annual or unpaid.",
    },
    "L7.route": {
        "ja": "病気休暇のため、上長の承認が必要です。",
        "en": "Sick leave: your manager approves.",
    },
    "L8.missing": {
        "ja": "代休には出勤した休日の日付が必要です(例: worked=2026-11-03)。",
        "en": "Compensatory leave needs the date of the holiday you worked (e.g. worked=2026-11-03).",
    },
    "L8.not_holiday": {
        "ja": "{date} は休日ではありません(営業日)。出勤した休日の日付を確認してください。",
        "en": "{date} was a working day, not a holiday. Please check the date you worked.",
    },
    "L8.future": {
        "ja": "{date} はまだ来ていない日です。出勤済みの休日を指定してください。",
        "en": "{date} has not happened yet. Please name a holiday you have already worked.",
    },
    "L8.route": {
        "ja": "代休({date}の休日出勤分)のため、上長の承認が必要です。",
        "en": "Compensatory leave for working on {date}: your manager approves.",
    },
    "L9.reminder": {
        "ja": "{deadline}までに年5日の有給取得が必要です。現在{taken}日取得済み、あと{left}日取得してください。",
        "en": "You must take {required} days of annual leave by {deadline}. You have taken {taken}; {left} to go.",
    },
    "L10.skipped": {
        "ja": "期間中の休日{count}日({dates})は日数に含めません。",
        "en": "{count} non-working day(s) in the range ({dates}) are not counted.",
    },
    "L10.none": {
        "ja": "指定期間に営業日がありません(休日のみ)。日付を確認してください。",
        "en": "There are no working days in that range, only days off. Please check the dates.",
    },
    # -- categories and leave types ------------------------------------------------------------
    "cat.transport": {"ja": "交通費", "en": "Transport"},
    "cat.travel": {"ja": "出張旅費", "en": "Travel"},
    "cat.entertainment": {"ja": "接待交際費", "en": "Entertainment"},
    "cat.meeting": {"ja": "会議費", "en": "Meeting"},
    "cat.supplies": {"ja": "消耗品費", "en": "Supplies"},
    "cat.books": {"ja": "書籍代", "en": "Books"},
    "cat.training": {"ja": "研修費", "en": "Training"},
    "cat.communication": {"ja": "通信費", "en": "Communication"},
    "cat.software": {"ja": "ソフトウェア", "en": "Software"},
    "cat.other": {"ja": "その他", "en": "Other"},
    "leave.annual": {"ja": "年次有給休暇", "en": "Annual leave"},
    "leave.special": {"ja": "特別休暇", "en": "Special leave"},
    "leave.sick": {"ja": "病気休暇", "en": "Sick leave"},
    "leave.compensatory": {"ja": "代休", "en": "Compensatory leave"},
    "leave.unpaid": {"ja": "無給休暇", "en": "Unpaid leave"},
    "portion.full": {"ja": "全日", "en": "Full day"},
    "portion.am": {"ja": "午前半休", "en": "Morning off"},
    "portion.pm": {"ja": "午後半休", "en": "Afternoon off"},
    "portion.hours": {"ja": "時間単位", "en": "Hourly"},
    "role.manager": {"ja": "上長", "en": "Manager"},
    "role.finance": {"ja": "経理", "en": "Finance"},
    "role.hr": {"ja": "人事", "en": "HR"},
    "role.legal": {"ja": "法務", "en": "Legal"},
    "role.ceo": {"ja": "代表取締役", "en": "CEO"},
    "role.admin": {"ja": "管理者", "en": "Admin"},
    "status.draft": {"ja": "下書き", "en": "Draft"},
    "status.submitted": {"ja": "申請済み", "en": "Submitted"},
    "status.needs_info": {"ja": "情報待ち", "en": "Needs info"},
    "status.pending": {"ja": "承認待ち", "en": "Pending approval"},
    "status.approved": {"ja": "承認済み", "en": "Approved"},
    "status.rejected": {"ja": "却下", "en": "Rejected"},
    "status.cancelled": {"ja": "取消", "en": "Cancelled"},
    "status.escalated": {"ja": "エスカレーション中", "en": "Escalated"},
    "severity.info": {"ja": "情報", "en": "info"},
    "severity.warning": {"ja": "注意", "en": "warning"},
    "severity.block": {"ja": "要対応", "en": "action needed"},
    "severity.reject": {"ja": "却下", "en": "rejected"},
}


def yen(amount: int | float | Decimal) -> str:
    return f"¥{int(amount):,}"


def days(value: float) -> str:
    return f"{value:g}"


def t(key: str, locale: str, **data: Any) -> str:
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry.get(locale) or entry["en"]
    return template.format(**data) if data else template


def finding(rule_id: str, severity: Severity, key: str, data: dict[str, Any] | None = None, **shown: Any) -> Finding:
    """A finding whose message exists in both languages. `shown` are display values (formatted
    amounts, localised names: either a plain value or a {"ja","en"} pair); `data` is the raw
    machine-readable detail kept on the decision."""
    ja = {k: (v["ja"] if isinstance(v, dict) else v) for k, v in shown.items()}
    en = {k: (v["en"] if isinstance(v, dict) else v) for k, v in shown.items()}
    return Finding(rule_id, severity, t(key, "ja", **ja), t(key, "en", **en), data or {})


def both(key: str) -> dict[str, str]:
    """A catalog entry as a {"ja","en"} pair, to pass into `finding(...)` as a shown value."""
    return {"ja": t(key, "ja"), "en": t(key, "en")}
