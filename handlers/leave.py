"""Leave requests: read the form, decide with the rules, submit to the workflow."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.i18n import t
from bot.models import LEAVE_TYPES, LeaveRequest, Reply
from bot.services import Services
from handlers.base import Inbound, locale_for, parse_date, split_options, submitted_reply, text_reply
from handlers.intake import IntakeHandler

_TYPE_WORDS = {
    "annual": "annual",
    "有給": "annual",
    "有休": "annual",
    "年休": "annual",
    "pto": "annual",
    "vacation": "annual",
    "special": "special",
    "特別休暇": "special",
    "慶弔": "special",
    "忌引": "special",
    "sick": "sick",
    "病気": "sick",
    "病欠": "sick",
    "compensatory": "compensatory",
    "代休": "compensatory",
    "unpaid": "unpaid",
    "欠勤": "unpaid",
    "無給": "unpaid",
}
_PORTION_WORDS = {"am": "am", "午前": "am", "午前休": "am", "pm": "pm", "午後": "pm", "午後休": "pm"}
_HOURS = re.compile(r"^(\d{1,2})\s*(?:h|hours?|時間)$", re.IGNORECASE)


class LeaveHandler:
    kind = "leave"

    def submit_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        words, options = split_options(args)
        if not words:
            return text_reply(msg, services, "form.leave.usage")
        today = services.today()
        leave_type = None
        portion, hours = "full", None
        dates: list[dt.date] = []
        rest: list[str] = []
        for w in words:
            low = w.lower()
            if leave_type is None and low in _TYPE_WORDS:
                leave_type = _TYPE_WORDS[low]
            elif low in _PORTION_WORDS:
                portion = _PORTION_WORDS[low]
            elif m := _HOURS.match(low):
                portion, hours = "hours", int(m.group(1))
            elif ".." in w and all(span := [parse_date(p, today, True) for p in w.split("..", 1)]):
                dates += [d for d in span if d]
            elif len(dates) < 2 and (d := parse_date(w, today, prefer_future=True)):
                dates.append(d)
            else:
                rest.append(w)
        if not dates:
            # Not the exact form: read it as free text, and ask for whatever is still missing.
            return IntakeHandler().handle_text(replace(msg, text=args), services, kind_hint="leave")
        start = dates[0]
        end = dates[1] if len(dates) > 1 else start
        worked = None
        if "worked" in options:
            worked = parse_date(options["worked"], today, prefer_future=False)
            if worked is None:
                return text_reply(
                    msg, services, "form.bad_value", value=options["worked"], field=t("form.name.date", locale)
                )
        leave_type = _TYPE_WORDS.get(options.get("type", "").lower(), leave_type) or "annual"
        assert leave_type in LEAVE_TYPES
        request = LeaveRequest(
            leave_type=leave_type,
            start=start,
            end=end,
            portion=portion,
            hours=hours,
            special_reason=options.get("reason"),
            worked_holiday=worked,
            note=" ".join(rest),
        )
        result = services.workflow.submit(msg.employee, request, source=f"{msg.platform}:{msg.delivery_id or ''}")
        assert result.request is not None
        return [submitted_reply(result.request, msg, services)]
