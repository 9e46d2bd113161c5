"""Questions about the asker's own data, which the policies cannot answer.

「有給って何日もらえる?」 asks what the policy grants; 「有給あと何日残ってる?」 asks about the
asker's own ledger. The first is a policy question; the second goes to the status handler
(`/balance`), as does "has my claim been approved?" (`/mine`). Pure and cheap, so the router can
ask before searching anything.
"""

from __future__ import annotations

import re
import unicodedata

# "How much is left for me": a balance, not a rule.
_BALANCE = re.compile(
    r"残り|残って|残日数|残数|あと何日|何日残|あと何時間|何時間残|残高"
    r"|(?:有給|有休|年休|休暇).{0,6}(?:使った|使いました|取った|取得した)(?:日数|分)?.{0,4}(?:何日|いくつ|どれ)"
    r"|\bmy (?:leave |pto |vacation |holiday )?balance\b"
    r"|\b(?:days?|hours?|pto|leave|vacation)\b.{0,30}\b(?:left|remaining)\b"
    r"|\bhow (?:many|much)\b.{0,40}\b(?:have i|i have|i've|do i have)\b.{0,20}\b(?:left|used|taken)\b"
    r"|\bhave i (?:used|taken)\b",
    re.IGNORECASE,
)
# "What happened to what I sent": the asker's own requests.
_MINE = re.compile(
    r"(?:申請した|出した|提出した|送った|依頼した|頼んだ).{0,30}(?:どうなって|どうなり|まだ|承認され|通った|振り込|入金|支払われ|状況|ステータス)"
    r"|(?:私|自分|僕|俺)の(?:申請|経費|精算|休暇申請|請求).{0,20}(?:どうなって|どうなり|状況|ステータス|まだ|承認され|通った)"
    r"|(?:申請|精算)の(?:状況|ステータス|進捗)"
    r"|\bmy (?:request|requests|claim|claims|expense|expenses|reimbursement|leave request|application)\b"
    r".{0,40}\b(?:status|approved|pending|paid|rejected|where|update|going)\b"
    r"|\b(?:status|update) (?:of|on) my\b"
    r"|\b(?:has|have|did|was|were) my\b.{0,40}\b(?:approved|paid|rejected|go through|gone through)\b",
    re.IGNORECASE,
)


def is_personal_data_question(text: str) -> str | None:
    """ "balance" for the asker's leave balance, "mine" for the state of their own requests,
    None for anything else (a policy question, a request, chat)."""
    norm = unicodedata.normalize("NFKC", text)
    if _BALANCE.search(norm):
        return "balance"
    if _MINE.search(norm):
        return "mine"
    return None
