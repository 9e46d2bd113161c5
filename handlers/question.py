"""Policy questions: answered from the company's documents with the passage cited, and handed to the
team that owns them when the bot is not sure or the asker wants a person.

    /ask 出張の日当はいくら?      the answer (Q12), with 👍/👎 and, when unsure, "ask a person"
    /helpful Q12, /unhelpful Q12  the asker's vote (the last one counts)
    /askperson Q12                the asker hands Q12 to the owning team (finance, hr, legal; else admin)
    /answer Q12 <text>            someone of that team (or an admin) answers; the asker is told
    /savefaq Q12 [question]       ...and keeps the answer as an FAQ entry the search finds from then on

A question typed as free text (or through Slack's /ask) reaches `from_free_text` through intake.
The question's words are kept for the asker and the team only: never logged, never audited.
"""

from __future__ import annotations

import logging
import re

from bot.i18n import t
from bot.knowledge.cards import action as card_action
from bot.knowledge.cards import answer_card, cited, team_label, team_role, typed_hint
from bot.knowledge.personal import is_personal_data_question
from bot.knowledge.service import KnowledgeUnavailable
from bot.models import Card, Employee, Reply
from bot.services import Services
from bot.store import records
from bot.store.records import QuestionRecord
from bot.understanding.factory import offline_of
from handlers.base import Inbound, locale_for, normalize, text_reply
from handlers.status import StatusHandler

log = logging.getLogger(__name__)

_QID = re.compile(r"^[Qq]?#?(\d+)$")
# A message the understanding engine could not place that is still shaped like a question.
_QUESTION_SHAPE = re.compile(
    r"[?]\s*$"
    r"|(?:ですか|ますか|でしょうか|ませんか|のか|っけ|かな|教えて(?:ください)?)[。.!！]*\s*$"
    r"|^(?:how|what|when|where|who|which|why|can|could|do|does|is|are|am|may|should|will|would)\b",
    re.IGNORECASE,
)


# The actions typed as plain words (「回答 Q12 …」, "helpful Q12"): Slack's message box keeps "/…" for its own
# commands, so these are what the cards suggest. The Q before the number keeps ordinary sentences out.
_TYPED = re.compile(
    r"^/?(役に立った|役に立たなかった|役に立たない|担当者に聞く|回答|faq登録"
    r"|helpful|not helpful|unhelpful|ask[ -]?person|answer|save[ -]?faq)\s*(Q\s*\d+)(?![0-9])\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TYPED_COMMAND = {
    "役に立った": "helpful", "役に立たなかった": "unhelpful", "役に立たない": "unhelpful", "担当者に聞く": "askperson",
    "回答": "answer", "faq登録": "savefaq", "helpful": "helpful", "not helpful": "unhelpful", "unhelpful": "unhelpful",
    "askperson": "askperson", "ask-person": "askperson", "ask person": "askperson", "answer": "answer",
    "savefaq": "savefaq", "save-faq": "savefaq", "save faq": "savefaq",
}  # fmt: skip


def read_typed_action(text: str) -> tuple[str, str] | None:
    """(command, its arguments) for an action typed as words, e.g. ('answer', 'Q12 取れます'); None otherwise."""
    m = _TYPED.match(normalize(text))
    if m is None:
        return None
    number = re.sub(r"\s+", "", m.group(2))
    return _TYPED_COMMAND[m.group(1).lower()], f"{number} {m.group(3)}".strip()


def parse_question_id(token: str) -> int | None:
    """'Q12', 'q12', '#12' or '12'."""
    m = _QID.match(normalize(token))
    return int(m.group(1)) if m else None


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION_SHAPE.search(normalize(text)))


class QuestionHandler:
    kind = "question"

    def __init__(self) -> None:
        self.status = StatusHandler()

    # -- asking ------------------------------------------------------------------------------

    def ask_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        question = normalize(args)
        if not question:
            return text_reply(msg, services, "kb.q.usage")
        return self.answer(msg, question, services)

    def from_free_text(self, msg: Inbound, services: Services) -> list[Reply]:
        # The understanding engine has read it as a question already: the one place that decides (#14).
        return self.answer(msg, normalize(msg.text), services, decided=True)

    def typed_action(self, msg: Inbound, services: Services) -> list[Reply] | None:
        """A card's action sent as words (「役に立った Q12」, "answer Q12 …"); None when the text is not one."""
        typed = read_typed_action(msg.text)
        if typed is None:
            return None
        command, args = typed
        run = {
            "helpful": self.helpful_command,
            "unhelpful": self.unhelpful_command,
            "askperson": self.ask_person_command,
            "answer": self.answer_command,
            "savefaq": self.save_faq_command,
        }[command]
        return run(msg, args, services)

    def answer(self, msg: Inbound, question: str, services: Services, decided: bool = False) -> list[Reply]:
        """Answer one question and keep it (as Q<n>) so it can be voted on and handed to a person.

        `/ask 有給あと何日?` asks about the asker's own ledger: the offline engine (which reads a question about a
        rule, 「残り1日だけど3日休んだらどうなる?」, apart from one about one's records) decides, unless it has."""
        personal = None
        if not decided and offline_of(services.understanding).understand(question, services.today()).intent == "status":
            personal = is_personal_data_question(question) or "mine"
        if personal == "balance":  # the asker's own ledger, which no policy holds
            return self.status.balance_command(msg, "", services)
        if personal == "mine":
            return self.status.mine_command(msg, "", services)
        try:
            answer = services.knowledge.answer(question)
        except KnowledgeUnavailable as exc:
            return self._unavailable(msg, question, exc, services)
        locale = answer.locale
        if answer.confident:
            text = answer.text
            sources = cited(services, answer.citations, locale)
            fields = ((t("kb.q.field.source", locale), sources),) if sources else ()
            kept = answer.citations
        else:
            # Said in our words rather than the library's: nothing is handed over until the asker chooses to.
            text = t("kb.q.unsure", locale, team=team_label(team_role(answer.owner), locale))
            if answer.quotes:  # the closest passages, each with its nearest lines: the answer may be there
                text += "\n" + t("kb.closest", locale)
                for q in answer.quotes:
                    text += f"\n・{q.citation}" + "".join(f"\n  > {line}" for line in q.text.splitlines())
            closest = "\n".join(q.citation for q in answer.quotes)
            fields = ((t("kb.q.field.closest", locale), closest),) if closest else ()
            kept = tuple(q.section_id for q in answer.quotes)
        with services.store.tx():
            told = (text, answer.source, answer.confident, answer.confidence)
            qid = _keep(services, msg, question, locale, told, kept, answer.owner, services.now_iso())
        return [Reply(locale, text, answer_card(qid, locale, fields, ask_person=not answer.confident))]

    def _unavailable(self, msg: Inbound, question: str, exc: KnowledgeUnavailable, services: Services) -> list[Reply]:
        """The documents cannot be read: say so politely, tell the admins once, and keep the question so a
        person can still be asked."""
        locale = locale_for(msg, services)
        text = t("kb.q.unavailable", locale)
        at = services.now_iso()
        with services.store.tx():
            if exc.first:
                for admin in services.directory.holders("admin"):
                    records.notify(services.store, admin.id, "question_kb_broken", None, {"problem": exc.problem}, at)
            qid = _keep(services, msg, question, locale, (text, "quoted", False, 0.0), (), None, at)
        return [Reply(locale, text, answer_card(qid, locale, (), vote=False, ask_person=True))]

    # -- the asker's follow-ups --------------------------------------------------------------

    def helpful_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        return self._vote(msg, args, services, 1, "helpful")

    def unhelpful_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        return self._vote(msg, args, services, -1, "unhelpful")

    def _vote(self, msg: Inbound, args: str, services: Services, vote: int, command: str) -> list[Reply]:
        rec = self._own_question(msg, args, services, command)
        if isinstance(rec, list):
            return rec
        locale = rec.locale
        with services.store.tx():
            records.record_question_feedback(services.store, rec.id, vote, services.now_iso())
        thanks = t(f"kb.q.thanks.{command}", locale, id=rec.id)
        if vote > 0 or rec.status not in ("answered", "unsure"):
            return [Reply(locale, thanks)]
        # 👎 and nobody asked yet: a person may know better than the passage quoted.
        team = team_label(team_role(rec.owner), locale)
        card = Card(
            t("kb.q.card.title", locale, id=rec.id),
            actions=(card_action("ask_person", rec.id, locale),),
            footer=typed_hint(rec.id, locale, ["ask_person"]),
        )
        sep = "" if locale == "ja" else " "
        return [Reply(locale, thanks + sep + t("kb.q.offer_person", locale, team=team), card)]

    def ask_person_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        rec = self._own_question(msg, args, services, "askperson")
        if isinstance(rec, list):
            return rec
        locale = rec.locale
        if rec.status == "relayed":
            by = services.name(rec.answered_by, locale)
            return [Reply(locale, t("kb.q.already_answered", locale, id=rec.id, by=by))]
        role, people = self._answerers(rec, services)
        team = team_label(role, locale)
        if rec.status == "asked":
            return [Reply(locale, t("kb.q.already_asked", locale, id=rec.id, team=team))]
        if not people:
            return [Reply(locale, t("kb.q.nobody", locale, id=rec.id))]
        at = services.now_iso()
        with services.store.tx():
            if not records.mark_question_asked(services.store, rec.id, msg.employee.id, at):
                return [Reply(locale, t("kb.q.already_asked", locale, id=rec.id, team=team))]
            for person in people:
                records.notify(services.store, person.id, "question_asked", None, {"question": rec.id}, at)
        return [Reply(locale, t("kb.q.asked", locale, id=rec.id, team=team))]

    # -- the team's side ---------------------------------------------------------------------

    def answer_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        token, reply_text = _split_id(args)
        rec = self._team_question(msg, token, services, "answer")
        if isinstance(rec, list):
            return rec
        locale = locale_for(msg, services)
        if rec.status == "relayed":
            by = services.name(rec.answered_by, locale)
            return [Reply(locale, t("kb.q.already_answered", locale, id=rec.id, by=by))]
        if not reply_text:
            return [Reply(locale, t("kb.q.answer_usage", locale, id=rec.id))]
        at = services.now_iso()
        with services.store.tx():
            if not records.relay_question_answer(services.store, rec.id, reply_text, msg.employee.id, at):
                now = records.get_question(services.store, rec.id)
                by = services.name(now.answered_by if now else None, locale)
                return [Reply(locale, t("kb.q.already_answered", locale, id=rec.id, by=by))]
            records.notify(services.store, rec.asker_id, "question_answered", None, {"question": rec.id}, at)
        asker = services.name(rec.asker_id, locale)
        card = Card(
            t("kb.q.relayed.title", locale, id=rec.id),
            ((t("kb.q.field.question", locale), rec.text), (t("kb.q.field.answer", locale), reply_text)),
            actions=(card_action("save_faq", rec.id, locale),),
            footer=typed_hint(rec.id, locale, ["save_faq"]),
        )
        return [Reply(locale, t("kb.q.relayed", locale, id=rec.id, asker=asker), card)]

    def save_faq_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        """`/savefaq Q12 [the question as it should read]`: a question can be reworded before everyone can
        find it (it may name a person or a private detail)."""
        token, reworded = _split_id(args)
        rec = self._team_question(msg, token, services, "savefaq")
        if isinstance(rec, list):
            return rec
        locale = locale_for(msg, services)
        if rec.faq_section:
            citation = services.knowledge.citation(rec.faq_section, locale)
            return [Reply(locale, t("kb.q.faq_already", locale, id=rec.id, citation=citation))]
        if rec.status != "relayed" or not rec.relayed_answer:
            return [Reply(locale, t("kb.q.faq_needs_answer", locale, id=rec.id))]
        team = team_label(team_role(rec.owner), rec.locale)
        section_id = services.knowledge.save_faq(
            reworded or rec.text, rec.relayed_answer, rec.locale, rec.owner, team, services.today()
        )
        records.set_question_faq(services.store, rec.id, section_id, msg.employee.id, services.now_iso())
        citation = services.knowledge.citation(section_id, locale)
        return [Reply(locale, t("kb.q.faq_saved", locale, id=rec.id, citation=citation))]

    # -- who may do what ---------------------------------------------------------------------

    def _find(self, msg: Inbound, token: str, services: Services, command: str) -> QuestionRecord | list[Reply]:
        qid = parse_question_id(token) if token else None
        if qid is None:
            return text_reply(msg, services, "kb.q.bad_id", command=command)
        rec = records.get_question(services.store, qid)
        if rec is None:
            return text_reply(msg, services, "kb.q.not_found", id=qid)
        return rec

    def _own_question(self, msg: Inbound, args: str, services: Services, command: str) -> QuestionRecord | list[Reply]:
        words = normalize(args).split()
        rec = self._find(msg, words[0] if words else "", services, command)
        if isinstance(rec, QuestionRecord) and rec.asker_id != msg.employee.id:
            return text_reply(msg, services, "kb.q.not_asker", id=rec.id)
        return rec

    def _team_question(
        self, msg: Inbound, token: str, services: Services, command: str
    ) -> QuestionRecord | list[Reply]:
        rec = self._find(msg, token, services, command)
        if isinstance(rec, QuestionRecord) and not may_answer(msg.employee, rec):
            role = team_role(rec.owner)
            if role == "admin":
                return text_reply(msg, services, "kb.q.admin_only", id=rec.id)
            team = team_label(role, locale_for(msg, services))
            return text_reply(msg, services, "kb.q.not_team", id=rec.id, team=team)
        return rec

    def _answerers(self, rec: QuestionRecord, services: Services) -> tuple[str, list[Employee]]:
        """The role that will answer and its holders, never the asker: the owning team, else the admins."""
        role = team_role(rec.owner)
        people = [p for p in services.directory.holders(role) if p.id != rec.asker_id]
        if not people and role != "admin":
            role = "admin"
            people = [p for p in services.directory.holders(role) if p.id != rec.asker_id]
        return role, people


def _split_id(args: str) -> tuple[str, str]:
    """'Q12 the rest' → ('Q12', 'the rest'); the rest keeps its own line breaks."""
    parts = args.strip().split(None, 1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")


def may_answer(person: Employee, rec: QuestionRecord) -> bool:
    """Someone of the owning team, or an admin (who also answers what no team owns)."""
    return person.has_role(team_role(rec.owner)) or person.has_role("admin")


def _keep(
    services: Services,
    msg: Inbound,
    question: str,
    locale: str,
    told: tuple[str, str, bool, float],
    citations: tuple[str, ...],
    owner: str | None,
    at: str,
) -> int:
    """Record a question and what the asker was told: (text, source, confident, confidence)."""
    text, source, confident, confidence = told
    return records.add_question(
        services.store,
        asker_id=msg.employee.id,
        platform=msg.platform,
        text=question,
        locale=locale,
        answer=text,
        source=source,
        confident=confident,
        confidence=confidence,
        citations=citations,
        owner=owner,
        at=at,
    )
