"""Cards for policy questions: the asker's answer, the team's question, the team's reply relayed.

Questions are not requests (no approval chain, no version), so the cards never carry a
`request_id`; each action carries the question's number instead, and every card says what to
type where there are no buttons (Chatwork, a terminal). Light on purpose: bot.cards imports this
to render notifications, and must not pull the search libraries in with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.knowledge.texts import TEXTS
from bot.models import ROLES, Action, Card, Employee, Reply
from bot.store import records

if TYPE_CHECKING:
    from bot.services import Services

# Who answers a question no team owns, or whose team has nobody in the directory.
FALLBACK_ROLE = "admin"


def team_role(owner: str | None) -> str:
    """The directory role that answers for `owner` (search.yaml names teams after roles)."""
    return owner if owner in ROLES and owner not in ("employee", "manager") else FALLBACK_ROLE


def team_label(role: str, locale: str) -> str:
    key = f"kb.team.{role}"
    return t(key, locale) if key in TEXTS else role


def typed_hint(question_id: int, locale: str, actions: Sequence[str]) -> str:
    """'Or type: /helpful Q12 / /unhelpful Q12': the same actions as words."""
    options = " / ".join(t(f"kb.q.typed.{a}", locale, id=question_id) for a in actions)
    return t("kb.q.hint", locale, options=options)


def action(name: str, question_id: int, locale: str) -> Action:
    style = "primary" if name in ("ask_person", "answer_question") else "default"
    label_key = "kb.q.action.answer" if name == "answer_question" else f"kb.q.action.{name}"
    return Action(name, t(label_key, locale), question_id, style)


def answer_card(
    question_id: int, locale: str, fields: tuple[tuple[str, str], ...], vote: bool = True, ask_person: bool = False
) -> Card:
    """The card under an answer: its sources, 👍/👎, and "ask a person" when the bot was not sure."""
    names = (["helpful", "unhelpful"] if vote else []) + (["ask_person"] if ask_person else [])
    return Card(
        t("kb.q.card.title", locale, id=question_id),
        fields,
        actions=tuple(action(n, question_id, locale) for n in names),
        footer=typed_hint(question_id, locale, names) if names else "",
    )


def cited(services: Services, section_ids: Sequence[str], locale: str) -> str:
    return "\n".join(services.knowledge.citation(s, locale) for s in section_ids)


def question_notification(event: str, data: dict[str, Any], services: Services, recipient: Employee) -> Reply:
    """What a person is told about a policy question: the team gets it to answer, the asker gets the answer,
    the admins hear that the documents cannot be read."""
    locale = services.locale_of(recipient)
    if event == "question_kb_broken":
        return Reply(locale, t("kb.q.broken", locale, problem=data.get("problem", "")), to=recipient.id)
    qid = int(data.get("question") or 0)
    rec = records.get_question(services.store, qid) if qid else None
    if rec is None:
        return Reply(locale, t("kb.q.not_found", locale, id=qid), to=recipient.id)
    if event == "question_asked":
        return _team_card(rec, services, recipient, locale)
    if event == "question_answered":
        return _answered_card(rec, services, recipient)
    return Reply(locale, event, to=recipient.id)


def _team_card(rec: records.QuestionRecord, services: Services, recipient: Employee, locale: str) -> Reply:
    asker = services.name(rec.asker_id, locale)
    team = team_label(team_role(rec.owner), locale)
    fields = [(t("kb.q.field.asker", locale), asker), (t("kb.q.field.question", locale), rec.text)]
    if rec.citations:
        fields.append((t("kb.q.field.bot_found", locale), cited(services, rec.citations, locale)))
    card = Card(
        t("kb.q.team.title", locale, id=rec.id, team=team),
        tuple(fields),
        actions=(action("answer_question", rec.id, locale),),
        footer=typed_hint(rec.id, locale, ["answer"]),
    )
    return Reply(locale, t("kb.q.team.text", locale, asker=asker), card, to=recipient.id)


def _answered_card(rec: records.QuestionRecord, services: Services, recipient: Employee) -> Reply:
    # In the language the question was asked in: the question and the answer are.
    locale = rec.locale if rec.locale in ("ja", "en") else services.locale_of(recipient)
    by = services.name(rec.answered_by, locale)
    team = team_label(team_role(rec.owner), locale)
    card = answer_card(
        rec.id,
        locale,
        (
            (t("kb.q.field.question", locale), rec.text),
            (t("kb.q.field.answer", locale), rec.relayed_answer or ""),
            (t("kb.q.field.answered_by", locale), f"{by} ({team})"),
        ),
    )
    return Reply(locale, t("kb.q.answered.text", locale, id=rec.id, by=by, team=team), card, to=recipient.id)
