"""Every user-facing string, in Japanese and English. Code asks by key; the reply follows the user."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.accounting.texts import TEXTS as ACCOUNTING_TEXTS
from bot.archive.texts import TEXTS as ARCHIVE_TEXTS
from bot.contracts.texts import TEXTS as CONTRACT_TEXTS
from bot.drafting.texts import TEXTS as DRAFT_TEXTS
from bot.edit_texts import TEXTS as EDIT_TEXTS
from bot.knowledge.texts import TEXTS as KNOWLEDGE_TEXTS
from bot.lists_texts import TEXTS as LISTS_TEXTS
from bot.models import Finding, Severity
from bot.outfiles_texts import TEXTS as OUTFILE_TEXTS
from bot.privacy_texts import TEXTS as PRIVACY_TEXTS
from bot.scheduler_texts import TEXTS as SCHEDULER_TEXTS
from bot.transfers.texts import TEXTS as TRANSFER_TEXTS
from bot.understanding.texts import TEXTS as UNDERSTANDING_TEXTS
from bot.web.texts import TEXTS as WEB_TEXTS

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
        "ja": "{deadline}までに年{required}日の有給取得が必要です。現在{taken}日取得済み、あと{left}日取得してください。",
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


def both(key: str, **data: Any) -> dict[str, str]:
    """A catalog entry as a {"ja","en"} pair, to pass into `finding(...)` as a shown value."""
    return {"ja": t(key, "ja", **data), "en": t(key, "en", **data)}


UI: dict[str, dict[str, str]] = {
    "card.expense": {"ja": "経費精算 #{id}", "en": "Expense claim #{id}"},
    "card.leave": {"ja": "休暇申請 #{id}", "en": "Leave request #{id}"},
    "card.contract": {"ja": "契約審査 #{id}", "en": "Contract review #{id}"},
    "field.requester": {"ja": "申請者", "en": "Requester"},
    "field.amount": {"ja": "金額", "en": "Amount"},
    "field.date": {"ja": "日付", "en": "Date"},
    "field.category": {"ja": "区分", "en": "Category"},
    "field.description": {"ja": "内容", "en": "Description"},
    "field.vendor": {"ja": "支払先", "en": "Vendor"},
    "field.attendees": {"ja": "参加人数", "en": "Attendees"},
    "field.invoice": {"ja": "登録番号", "en": "Invoice no."},
    "field.receipts": {"ja": "領収書", "en": "Receipts"},
    "field.type": {"ja": "種類", "en": "Type"},
    "field.period": {"ja": "期間", "en": "Dates"},
    "field.unit": {"ja": "単位", "en": "Unit"},
    "field.days": {"ja": "日数", "en": "Days"},
    "field.reason": {"ja": "事由", "en": "Reason"},
    "field.worked": {"ja": "休日出勤日", "en": "Holiday worked"},
    "field.ai_note": {"ja": "AIの読み取り(参考)", "en": "AI reading (for reference)"},
    "field.status": {"ja": "状態", "en": "Status"},
    "field.chain": {"ja": "承認経路", "en": "Approvals"},
    "field.comment": {"ja": "コメント", "en": "Comment"},
    "footer.rules": {"ja": "規程バージョン {version}", "en": "Rule set {version}"},
    "step.pending": {"ja": "承認待ち", "en": "waiting"},
    "step.waiting": {"ja": "未着手", "en": "next"},
    "step.approved": {"ja": "承認", "en": "approved"},
    "step.rejected": {"ja": "却下", "en": "rejected"},
    "step.changes_requested": {"ja": "差戻し", "en": "changes requested"},
    "step.skipped": {"ja": "省略(同一承認者)", "en": "skipped (same approver)"},
    "via.delegate": {"ja": "{name}の代理", "en": "delegate of {name}"},
    "via.next_up": {"ja": "{name}不在のため上位者", "en": "next up, {name} is away"},
    "via.escalation": {"ja": "{name}からエスカレーション", "en": "escalated from {name}"},
    "action.approve": {"ja": "承認", "en": "Approve"},
    "action.reject": {"ja": "却下", "en": "Reject"},
    "action.request_changes": {"ja": "差戻し", "en": "Request changes"},
    "action.cancel": {"ja": "取消", "en": "Cancel"},
    "action.confirm_unpaid": {"ja": "不足分を無給で申請", "en": "Take the rest unpaid"},
    "action.override": {"ja": "期限超過を例外承認", "en": "Override the deadline"},
    "action.attach": {"ja": "領収書を添付", "en": "Attach receipt"},
    # -- results of actions ---------------------------------------------------------------------
    "res.submitted.approved": {"ja": "#{id} は自動承認されました。", "en": "#{id} was approved automatically."},
    "res.submitted.pending": {
        "ja": "#{id} を申請しました。{approver}さんの承認待ちです。",
        "en": "#{id} is submitted and waits for {approver}.",
    },
    "res.submitted.needs_info": {
        "ja": "#{id} を受け付けましたが、情報が不足しています。",
        "en": "#{id} is saved but needs more information.",
    },
    "res.submitted.rejected": {"ja": "#{id} は規程により却下されました。", "en": "#{id} was rejected by the rules."},
    "res.submitted.submitted": {
        "ja": "#{id} を受け付けましたが、社員名簿に承認できる人がいません。管理者に連絡しました。",
        "en": "#{id} is saved, but nobody in the directory can approve it; the admins have been told.",
    },
    "notify.no_approver": {
        "ja": "#{id}({who}さん)を承認できる人が社員名簿にいません。承認経路(routing.yaml)か名簿を確認してください。",
        "en": "Nobody in the directory can approve #{id} from {who}. Please check routing.yaml or the directory.",
    },
    "res.approved": {"ja": "#{id} を承認しました。", "en": "You approved #{id}."},
    "res.advanced": {
        "ja": "#{id} を承認しました。次は{approver}さんの承認です。",
        "en": "You approved #{id}; it now goes to {approver}.",
    },
    "res.rejected": {"ja": "#{id} を却下しました。", "en": "You rejected #{id}."},
    "res.changes_requested": {"ja": "#{id} を差し戻しました。", "en": "You asked for changes to #{id}."},
    "res.cancelled": {"ja": "#{id} を取り消しました。", "en": "#{id} is cancelled."},
    "res.overridden": {"ja": "#{id} の期限超過を例外として認めました。", "en": "You let #{id} past the deadline."},
    "res.escalated": {"ja": "#{id} をエスカレーションしました。", "en": "#{id} was escalated."},
    "err.already_decided": {
        "ja": "#{id} はすでに{by}さんにより{status}となっています。",
        "en": "#{id} was already {status} by {by}.",
    },
    "err.already_decided_rules": {
        "ja": "#{id} はすでに規程により{status}となっています。",
        "en": "#{id} was already {status} by the rules.",
    },
    "err.not_pending": {
        "ja": "#{id} は承認待ちではありません(状態: {status})。",
        "en": "#{id} is not waiting for approval (it is {status}).",
    },
    "err.stale": {
        "ja": "このカードは古くなっています。#{id} はすでに次の段階(承認者: {approver}さん)に進んでいます。/show {id} で最新の状態を確認してください。",
        "en": "This card is out of date: #{id} has moved on and now waits for {approver}. Type /show {id} for its current state.",
    },
    "err.yen_required": {
        "ja": "#{id} は外貨の申請です。円換算額を添えて承認してください。例: /approve {id} yen=6800",
        "en": "#{id} is in a foreign currency: approve it with the yen amount, e.g. /approve {id} yen=6800",
    },
    "err.value_required": {
        "ja": "#{id} は契約金額を読み取れていません。契約金額を添えて承認してください。例: /approve {id} yen=12,000,000"
        "(金額の定めがなければ yen=0)。{threshold}以上なら代表取締役の承認が加わります。",
        "en": "The contract value of #{id} could not be read: approve it with the value, e.g. /approve {id} "
        "yen=12,000,000 (yen=0 if it states none). At {threshold} or more the CEO approves too.",
    },
    "err.not_found": {"ja": "#{id} という申請は見つかりません。", "en": "There is no request #{id}."},
    "err.not_approver": {
        "ja": "#{id} の承認者ではありません(現在の承認者: {approver}さん)。",
        "en": "You are not the approver of #{id} (it waits for {approver}).",
    },
    "err.own_request": {
        "ja": "ご自身の申請は承認・却下できません。",
        "en": "You cannot approve or reject your own request.",
    },
    "err.reason_required": {
        "ja": "理由を添えてください。例: /{command} {id} 金額が違います",
        "en": "Please give a reason, e.g. /{command} {id} wrong amount",
    },
    "err.not_yours": {"ja": "#{id} はあなたの申請ではありません。", "en": "#{id} is not your request."},
    "err.not_editable": {
        "ja": "#{id} は現在({status})変更できません。",
        "en": "#{id} cannot be changed now ({status}).",
    },
    "err.cannot_cancel": {
        "ja": "#{id} は取り消せません(すでに承認済み・開始済み)。",
        "en": "#{id} cannot be cancelled any more (approved and started or paid).",
    },
    "err.cannot_override": {
        "ja": "#{id} は期限超過による却下ではないため、例外承認できません。",
        "en": "#{id} was not rejected for lateness, so there is nothing to override.",
    },
    "err.not_allowed": {"ja": "この操作は{role}の担当者のみ行えます。", "en": "Only {role} can do this."},
    "err.nothing_to_confirm": {
        "ja": "#{id} には確認待ちの項目がありません。",
        "en": "#{id} has nothing waiting for your confirmation.",
    },
    "err.unknown_action": {"ja": "その操作はできません。", "en": "That action is not available."},
    "err.internal": {
        "ja": "申し訳ありません、処理中にエラーが発生しました(参照: {ref})。内容は記録されています。時間をおいて再度お試しください。",
        "en": "Sorry, something went wrong (ref {ref}). Your message was recorded; please try again shortly.",
    },
    "notify.inbox_parked": {
        "ja": "受信したメッセージを3回処理できなかったため保留にしました(参照: {ref}、{inbound})。送信者には伝えてあります。`backoffice inbox list` で確認し、`backoffice inbox retry {inbound}` で再処理できます。",
        "en": "A message could not be worked off after repeated tries and was parked (ref {ref}, {inbound}). The sender was told. See `backoffice inbox list`; `backoffice inbox retry {inbound}` works it off again.",
    },
    "err.unknown_command": {
        "ja": "「{command}」というコマンドはありません。/help で一覧を表示できます。",
        "en": "There is no command '{command}'. Type /help for the list.",
    },
    "err.unknown_user": {
        "ja": "申し訳ありません、{who}さんは社員名簿に登録されていません。管理者に登録を依頼してください。",
        "en": "Sorry, {who} is not in the employee directory. Please ask an admin to add you.",
    },
    "err.bad_id": {
        "ja": "申請番号を指定してください。例: /{command} 12",
        "en": "Please give a request number, e.g. /{command} 12",
    },
    "err.attach_missing": {"ja": "ファイル {path} が見つかりません。", "en": "File {path} was not found."},
    "err.typed_path": {
        "ja": "チャットからはファイル名を指定できません。ファイルをメッセージに添付して送ってください。",
        "en": "Files cannot be named by path from chat; please attach the file to your message instead.",
    },
    "err.file_too_large": {
        "ja": "「{name}」は{size}MBあり、上限の{limit}MBを超えるため受け取れませんでした。小さくして送り直してください。",
        "en": "'{name}' is {size} MB, over the {limit} MB limit, so it was not received. Please send a smaller file.",
    },
    "err.file_over_limit": {
        "ja": "「{name}」は上限の{limit}MBを超えるため受け取れませんでした。小さくして送り直してください。",
        "en": "'{name}' is over the {limit} MB limit, so it was not received. Please send a smaller file.",
    },
    "err.file_kind": {
        "ja": "「{name}」は受け付けていない形式のため受け取れませんでした。{kinds} のいずれかで送ってください。",
        "en": "'{name}' is not a kind of file I can take, so it was not received. Please send it as {kinds}.",
    },
    "err.file_unavailable": {
        "ja": "「{name}」を取得できなかったため、このファイルなしで受け付けました。もう一度ファイルを添付して送ってください。",
        "en": "I could not fetch '{name}', so your message was taken without it. Please attach the file again.",
    },
    "err.attach_too_big": {
        "ja": "ファイルが大きすぎます({size}MB、上限{limit}MB)。",
        "en": "The file is too large ({size} MB; the limit is {limit} MB).",
    },
    "err.attach_kind": {
        "ja": "#{id} は経費精算ではないため、領収書を添付できません。",
        "en": "#{id} is not an expense claim, so a receipt cannot be attached.",
    },
    "err.user_not_found": {"ja": "「{who}」という社員は見つかりません。", "en": "No employee matches '{who}'."},
    # -- forms -----------------------------------------------------------------------------------
    "form.expense.usage": {
        "ja": "使い方: /expense 金額 区分 日付 内容 [vendor=支払先] [attendees=人数] [invoice=T番号] [receipt=ファイル]\n例: /expense 3200 transport 2026-11-20 客先へのタクシー receipt=receipt.jpg\n区分: {categories}",
        "en": "Usage: /expense AMOUNT CATEGORY DATE DESCRIPTION [vendor=…] [attendees=N] [invoice=T…] [receipt=FILE]\nExample: /expense 3200 transport 2026-11-20 taxi to client receipt=receipt.jpg\nCategories: {categories}",
    },
    "form.leave.usage": {
        "ja": "使い方: /leave [種類] 開始日 [終了日] [am|pm|N h] [reason=事由] [worked=休日出勤日]\n例: /leave 2026-12-24 pm / /leave 2026-12-01 2026-12-03 / /leave sick today\n種類: annual(既定), special, sick, compensatory, unpaid",
        "en": "Usage: /leave [TYPE] START [END] [am|pm|Nh] [reason=…] [worked=DATE]\nExamples: /leave 2026-12-24 pm, /leave 2026-12-01 2026-12-03, /leave sick today\nTypes: annual (default), special, sick, compensatory, unpaid",
    },
    "form.bad_value": {
        "ja": "「{value}」を{field}として読めませんでした。",
        "en": "I could not read '{value}' as {field}.",
    },
    "form.name.date": {"ja": "日付", "en": "date"},
    "form.name.attendees": {"ja": "人数", "en": "number of attendees"},
    # -- status ----------------------------------------------------------------------------------
    "bal.title": {"ja": "有給休暇の残日数({date}時点)", "en": "Annual leave balance on {date}"},
    "bal.remaining": {"ja": "残り", "en": "Remaining"},
    "bal.booked": {"ja": "取得予定(承認済み)", "en": "Booked (approved)"},
    "bal.pending": {"ja": "申請中", "en": "Requested (pending)"},
    "bal.next_grant": {"ja": "次回付与", "en": "Next grant"},
    "bal.expiring": {"ja": "次回失効", "en": "Next expiry"},
    "bal.hourly": {"ja": "時間単位の使用(今年度)", "en": "Hourly leave used this leave year"},
    "bal.grant_line": {
        "ja": "{date}付与 {days}日 → 残{left}日(失効 {expires})",
        "en": "Granted {date}: {days} d, {left} d left (expires {expires})",
    },
    "bal.none": {
        "ja": "まだ有給休暇は付与されていません(初回付与日: {first})。",
        "en": "No annual leave granted yet (first grant on {first}).",
    },
    "bal.duty": {
        "ja": "年5日取得義務: {taken}/{required}日(期限 {deadline})",
        "en": "5-day duty: {taken}/{required} days (by {deadline})",
    },
    "bal.days": {"ja": "{n}日", "en": "{n} d"},
    "mine.title": {"ja": "あなたの申請", "en": "Your requests"},
    "mine.empty": {"ja": "申請はまだありません。", "en": "You have no requests yet."},
    "pending.title": {"ja": "あなたの承認待ち", "en": "Waiting for your approval"},
    "pending.empty": {"ja": "承認待ちの申請はありません。", "en": "Nothing is waiting for your approval."},
    "notify.approval_needed": {"ja": "承認依頼: {who}さんの申請 #{id}", "en": "Approval needed: #{id} from {who}"},
    "notify.escalated": {
        "ja": "エスカレーション: {who}さんの申請 #{id} の承認をお願いします",
        "en": "Escalated to you: #{id} from {who}",
    },
    "notify.decided": {"ja": "#{id} は{by}さんにより{status}となりました。", "en": "#{id} was {status} by {by}."},
    "notify.step_approved": {
        "ja": "#{id} を{by}さんが承認しました。次は{next}さんの承認です。",
        "en": "{by} approved #{id}; it now goes to {next}.",
    },
    "notify.changes_requested": {
        "ja": "#{id} が{by}さんにより差し戻されました: {reason}",
        "en": "{by} asked for changes to #{id}: {reason}",
    },
    "notify.cancelled": {"ja": "#{id} は{by}さんにより取り消されました。", "en": "#{id} was cancelled by {by}."},
    "notify.auto_approved": {
        "ja": "お知らせ: {who}さんの申請 #{id} が自動承認されました。",
        "en": "FYI: #{id} from {who} was approved automatically.",
    },
    "notify.overridden": {
        "ja": "#{id} の期限超過を{by}さんが例外として認めました。",
        "en": "{by} let #{id} past the deadline.",
    },
    "notify.five_day_report": {
        "ja": "年5日の有給取得義務: 取得が不足している社員 {names}",
        "en": "Five-day leave duty: people still short: {names}",
    },
    "ask.expense.amount": {
        "ja": "金額はいくらですか?(例: 3,200円、$45.20)",
        "en": "How much was it? (e.g. ¥3,200, $45.20)",
    },
    "ask.expense.date": {
        "ja": "いつの経費ですか?(例: 昨日、11/20、先週金曜)",
        "en": "What date was the expense? (e.g. yesterday, 11/20, last Friday)",
    },
    "ask.expense.category": {"ja": "どの区分ですか?({categories})", "en": "Which category is it? ({categories})"},
    "ask.leave.start": {
        "ja": "いつ休みますか?(例: 12/24、来週金曜、12/24〜12/26、明日から3日間)",
        "en": "When will you be off? (e.g. 12/24, next Friday, Dec 24-26, 3 days from tomorrow)",
    },
    "ask.again": {"ja": "すみません、読み取れませんでした。", "en": "Sorry, I could not read that."},
    "ask.cancel_hint": {"ja": "(やめる場合は「キャンセル」)", "en": '(say "cancel" to stop)'},
    "ask.cancelled": {"ja": "入力中の申請を取りやめました。", "en": "OK, I dropped the request you were filling in."},
    "intake.question": {
        "ja": "ご質問ありがとうございます。規程への自動回答は準備中です。経費は経理、休暇は人事、契約は法務にお問い合わせください。",
        "en": "Thanks for the question. Automatic answers from the policies are coming soon; meanwhile please ask finance (expenses), HR (leave) or legal (contracts).",
    },
    "contract_check.usage": {
        "ja": "契約書チェック: 契約書のファイル(PDF・Word・テキスト、{limit}MBまで)を添付して「契約チェック」と送るか、"
        "本文を貼り付けてください。紙で締結するなら「紙」、電子契約なら「電子」と添えると印紙税も判定します。"
        "例: /contract 紙 amount=3,000,000 counterparty=株式会社サンプル 。"
        "ひな形から作るなら: /contract draft nda counterparty=株式会社サンプル term=2y(「株式会社サンプルと相互NDAを作って」でも可)",
        "en": "Contract check: attach the contract (PDF, Word or text, up to {limit} MB) and write 'check this contract', "
        "or paste its text. Add 'paper' or 'electronic' to get the stamp duty too. "
        'Example: /contract paper amount=3,000,000 counterparty="Sample Inc." '
        "To draft one from our templates: /contract draft nda counterparty=Sample Inc. term=2y.",
    },
    "contract_check.need_file": {
        "ja": "契約書のチェックですね。契約書のファイル(PDF・Word・テキスト、{limit}MBまで)を添付して、もう一度送ってください。"
        "本文の貼り付けでも構いません。",
        "en": "Happy to check a contract: please send it again with the file attached (PDF, Word or text, up to {limit} MB), "
        "or paste its text.",
    },
    "contract_check.what_next": {
        "ja": "何も登録していません。読み取れる形式で送り直すか、法務に直接ご相談ください。",
        "en": "Nothing was filed. Please send it again in a readable form, or ask legal directly.",
    },
    "contract_check.value_unknown": {
        "ja": "契約金額を読み取れなかったため、法務が承認時に金額を確認します。{threshold}以上であれば代表取締役の承認も加わります。"
        "金額がわかる場合は、法務にお伝えいただくか /contract amount=… を添えて送ってください。",
        "en": "The contract value could not be read, so legal confirms it when approving; at {threshold} or more the "
        "CEO approves too. If you know the value, tell legal, or send the contract with /contract amount=….",
    },
    "contract_check.submitted.approved": {
        "ja": "契約書を確認しました(#{id})。相互の秘密保持契約で重大な指摘がないため、規程により承認しました。法務にも通知しています。",
        "en": "Contract checked (#{id}): a mutual NDA with no red flag, so it is approved by rule. Legal has been told.",
    },
    "contract_check.submitted.pending": {
        "ja": "契約書を確認しました(#{id}): 重大 {red}件・注意 {warn}件。{approver}さんのレビュー待ちです。",
        "en": "Contract checked (#{id}): {red} red flag(s), {warn} warning(s). It now waits for {approver}'s review.",
    },
    "contract_check.submitted.submitted": {
        "ja": "契約書を確認しました(#{id})が、社員名簿にレビューできる人がいません。管理者に連絡しました。",
        "en": "Contract checked (#{id}), but nobody in the directory can review it; the admins have been told.",
    },
    "contract_check.submitted.needs_info": {
        "ja": "契約書を確認しました(#{id})。情報が不足しています。",
        "en": "Contract checked (#{id}); some information is missing.",
    },
    "contract_check.submitted.rejected": {
        "ja": "契約書を確認しました(#{id})が、規程により受け付けられませんでした。",
        "en": "Contract checked (#{id}), but the rules refused it.",
    },
    "intake.file_nowhere": {
        "ja": "ファイルを受け取りましたが、領収書を待っている申請がありません。経費の内容と一緒に送ってください。",
        "en": 'I got the file, but no claim of yours is waiting for a receipt. Send it together with the expense, e.g. "taxi yesterday ¥3,200".',
    },
    "intake.other": {
        "ja": "経費精算や休暇申請を文章で送ってください。例:「昨日のタクシー代 3,200円」「12/24 午後半休で」。/help でコマンド一覧を表示します。",
        "en": 'Tell me about an expense or leave in your own words, e.g. "taxi yesterday, ¥3,200" or "PTO next Thu-Fri". Type /help for commands.',
    },
    "slack.unknown_admin": {
        "ja": "社員名簿にないSlackユーザー <@{who}> がボットを使おうとしました。名簿への登録(slack_user_id またはメールアドレス)を確認してください。",
        "en": "Slack user <@{who}>, who is not in the directory, tried to use the bot. Please add them (slack_user_id or a matching e-mail).",
    },
    "slack.modal.title.reject": {"ja": "却下の理由", "en": "Reason for rejecting"},
    "slack.modal.title.request_changes": {"ja": "差戻しの理由", "en": "What should change?"},
    "slack.modal.label.reject": {"ja": "#{id} を却下する理由", "en": "Why are you rejecting #{id}?"},
    "slack.modal.label.request_changes": {"ja": "#{id} で直してほしい点", "en": "What should change in #{id}?"},
    "slack.modal.hint": {"ja": "申請者に通知されます。", "en": "The requester will see this."},
    "slack.modal.close": {"ja": "キャンセル", "en": "Cancel"},
    "slack.confirm.cancel.title": {"ja": "申請の取消", "en": "Cancel this request?"},
    "slack.confirm.cancel.text": {
        "ja": "#{id} を取り消します。よろしいですか?",
        "en": "Request #{id} will be cancelled.",
    },
    "slack.confirm.cancel.yes": {"ja": "取り消す", "en": "Yes, cancel it"},
    "slack.confirm.cancel.no": {"ja": "戻る", "en": "Go back"},
    "slack.more": {"ja": "(表示しきれない項目があります)", "en": "(more items not shown)"},
    "slack.question.modal.title": {"ja": "質問への回答", "en": "Answer a question"},
    "slack.question.modal.label": {"ja": "Q{id} への回答", "en": "Your answer to Q{id}"},
    "slack.question.modal.hint": {
        "ja": "質問者にこのまま届きます。送ったあと、FAQに登録できます。",
        "en": "The person who asked gets it as written. You can save it as an FAQ entry afterwards.",
    },
    "slack.question.modal.submit": {"ja": "回答を送る", "en": "Send answer"},
    "slack.question.answer_required": {"ja": "回答を入力してください。", "en": "Please write your answer."},
    "slackform.title.expense": {"ja": "経費精算", "en": "Expense claim"},
    "slackform.title.leave": {"ja": "休暇申請", "en": "Leave request"},
    "slackform.submit": {"ja": "申請", "en": "Submit"},
    "slackform.close": {"ja": "キャンセル", "en": "Cancel"},
    "slackform.amount.hint": {"ja": "例: 3,200円、$45.20", "en": "e.g. ¥3,200, $45.20"},
    "slackform.err.amount": {
        "ja": "金額を読み取れませんでした(例: 3,200円)。",
        "en": "Please enter an amount, e.g. ¥3,200.",
    },
    "slackform.err.future": {"ja": "未来の日付は指定できません。", "en": "The date cannot be in the future."},
    "slackform.err.required": {"ja": "入力してください。", "en": "Please fill this in."},
    "slackform.err.date": {"ja": "日付を読み取れませんでした。", "en": "That is not a date."},
    "slackform.err.attendees": {
        "ja": "人数は1以上の数字で入力してください。",
        "en": "Please enter a number of people (1 or more).",
    },
    "slackform.err.end": {
        "ja": "終了日は開始日以降にしてください。",
        "en": "The last day must be on or after the first.",
    },
    "slackform.err.hours": {"ja": "時間は1〜7の数字で入力してください。", "en": "Please enter 1 to 7 hours."},
    "slackform.hours.label": {"ja": "時間数(時間単位のとき)", "en": "Hours (for hourly leave)"},
    "slackform.end.label": {"ja": "最終日(1日だけなら空欄)", "en": "Last day (empty for one day)"},
    "slack.working": {"ja": "処理中です…", "en": "Working on it…"},
    "approval.need_id": {
        "ja": "どの申請への操作か分かるよう、番号を付けてください。例:「承認 #12」「却下 #12 理由」「差戻し #12 理由」",
        "en": 'Please add the request number so I know which one you mean, e.g. "approve #12", "reject #12 reason", "changes #12 reason".',
    },
    "chatwork.reply_hint": {
        "ja": "▶ このメッセージに返信(返信ボタン)して送ってください: {options}",
        "en": "▶ Reply to this message (the Reply button) with: {options}",
    },
    "chatwork.reply_approve": {"ja": "承認 #{id}", "en": "approve #{id}"},
    "chatwork.reply_reject": {"ja": "却下 #{id} 理由", "en": "reject #{id} reason"},
    "chatwork.reply_changes": {"ja": "差戻し #{id} 理由", "en": "changes #{id} reason"},
    "chatwork.task": {
        "ja": "承認依頼 #{id}: {who}さんの{title}。このチャットで「承認 #{id}」「却下 #{id} 理由」「差戻し #{id} 理由」と返信してください。",
        "en": 'Approval #{id}: {title} from {who}. Reply in this chat with "approve #{id}", "reject #{id} reason" or "changes #{id} reason".',
    },
    "chatwork.unknown_admin": {
        "ja": "社員名簿にないChatworkアカウント(ID {who})がボットを使おうとしました。名簿の chatwork_account_id を確認してください。",
        "en": "Chatwork account {who}, which is not in the directory, tried to use the bot. Please check chatwork_account_id in the directory.",
    },
    "slack.reason_required": {"ja": "理由を入力してください。", "en": "Please give a reason."},
    "slack.decided_line": {"ja": "{by}さんにより{status}({at})", "en": "{status} by {by} ({at})"},
    "slack.moved_on": {
        "ja": "この申請は先に進みました(現在: {status})。",
        "en": "This request has moved on (now: {status}).",
    },
    "console.as": {
        "ja": "{name}さん({id})としてログインしています。/help でコマンド一覧。",
        "en": "You are {name} ({id}). Type /help for commands.",
    },
    "console.bye": {"ja": "終了します。内容はすべて保存されています。", "en": "Bye. Everything is saved."},
    "help.text": {
        "ja": "コマンド一覧\n  /expense 金額 区分 日付 内容 …   経費精算(/expense だけで書式を表示)\n  /leave [種類] 開始日 [終了日] [am|pm|Nh]   休暇申請\n  /attach 番号 ファイル   領収書の添付\n  /contract [紙|電子] [amount=金額]   契約書チェック(ファイルを添付するか本文を貼り付け)\n  /contract draft 種類 counterparty=… term=…   ひな形から契約書のドラフト(DOCX)\n  /ask 質問   規程への質問(文章で聞いても可)   役に立った Q番号 / 担当者に聞く Q番号\n  回答 Q番号 回答 / FAQ登録 Q番号   担当チームが質問に回答・FAQに登録\n  /confirm 番号   不足分を無給休暇として申請\n  /approve 番号 [コメント]   承認\n  /reject 番号 理由   却下\n  /changes 番号 理由   差戻し\n  /cancel 番号   取消\n  /edit 番号 項目=値 …   差戻しの修正と再申請(「修正 #6 金額=3,200」、直す内容を文章で返信しても可)\n  /override 番号 理由   期限超過の例外承認(経理)\n  /show 番号   申請の詳細\n  /export 2026-11 [freee|mf|yayoi|csv]   仕訳の出力(経理)   /transfer バッチ 日付   総合振込ファイル(経理)\n  /paid バッチ 日付   振込済みにして申請者に通知(経理)   /receipts 2026-11 [vendor=… min=… max=…]   領収書の検索\n  /mine   自分の申請   /pending   自分の承認待ち   /balance [日付]   有給残日数\n  /login   ダッシュボードへのサインイン用リンクを個別チャットに送信\n  /switch 社員   別の社員に切り替え(コンソールのみ)   /quit   終了",
        "en": "Commands\n  /expense AMOUNT CATEGORY DATE DESCRIPTION …   expense claim (/expense alone shows the form)\n  /leave [TYPE] START [END] [am|pm|Nh]   leave request\n  /attach ID FILE   attach a receipt\n  /contract [paper|electronic] [amount=YEN]   check a contract (attach it or paste the text)\n  /contract draft TYPE counterparty=… term=…   a contract drafted from our templates (DOCX)\n  /ask QUESTION   a policy question (or just write it)   helpful Qn / ask person Qn\n  answer Qn TEXT / save faq Qn   the owning team answers a question, keeps it as an FAQ\n  /confirm ID   take the missing days as unpaid leave\n  /approve ID [comment]   approve\n  /reject ID REASON   reject\n  /changes ID REASON   request changes\n  /cancel ID   cancel your request\n  /edit ID field=value …   fix a returned request and send it again (or just reply with what changed)\n  /override ID REASON   let a late claim through (finance)\n  /show ID   details of a request\n  /export 2026-11 [freee|mf|yayoi|csv]   journal export (finance)   /transfer BATCH DATE   全銀 transfer file (finance)\n  /paid BATCH DATE   mark a batch paid and tell the requesters (finance)   /receipts 2026-11 [vendor=… min=… max=…]   search receipts\n  /mine   your requests   /pending   waiting for you   /balance [DATE]   leave balance\n  /login   a sign-in link for the web dashboard, to your direct chat\n  /switch WHO   act as someone else (console only)   /quit   leave",
    },
}


def _merge(texts: dict[str, dict[str, str]]) -> None:
    """Add a table of texts to the one catalogue; a key defined twice would silently change a message."""
    clash = sorted(CATALOG.keys() & texts.keys())
    if clash:
        raise RuntimeError(f"text keys defined twice: {', '.join(clash)}")
    CATALOG.update(texts)


_merge(UI)
# Contract checks and policy answers keep their texts beside their code; one catalogue answers for all.
_merge(CONTRACT_TEXTS)
_merge(KNOWLEDGE_TEXTS)
_merge(PRIVACY_TEXTS)
_merge(LISTS_TEXTS)
_merge(EDIT_TEXTS)
_merge(SCHEDULER_TEXTS)
_merge(UNDERSTANDING_TEXTS)
_merge(OUTFILE_TEXTS)
_merge(ACCOUNTING_TEXTS)  # #16: journal export and freee, transfers, the receipt archive
_merge(TRANSFER_TEXTS)
_merge(ARCHIVE_TEXTS)
_merge(DRAFT_TEXTS)  # #18: contract drafts from the company's templates
_merge(WEB_TEXTS)  # #17: the web dashboard
