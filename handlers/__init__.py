"""Every command the bot understands, in one table: name → the handler method that answers it."""

from __future__ import annotations

from handlers import archive, export, login, transfers
from handlers.approval import ACTION_OF_COMMAND, ApprovalHandler
from handlers.base import Command, Inbound
from handlers.contract import ContractHandler
from handlers.edit import EditHandler
from handlers.expense import ExpenseHandler
from handlers.leave import LeaveHandler
from handlers.question import QuestionHandler
from handlers.status import StatusHandler

__all__ = ["Command", "Inbound", "command_table"]


def command_table() -> dict[str, Command]:
    expense, leave, status, approval = ExpenseHandler(), LeaveHandler(), StatusHandler(), ApprovalHandler()
    question = QuestionHandler()
    table: dict[str, Command] = {
        "expense": expense.submit_command,
        "attach": expense.attach_command,
        "leave": leave.submit_command,
        "help": status.help_command,
        "show": status.show_command,
        "mine": status.mine_command,
        "pending": status.pending_command,
        "balance": status.balance_command,
        "contract": ContractHandler().contract_command,
        "edit": EditHandler().edit_command,
        "ask": question.ask_command,
        "helpful": question.helpful_command,
        "unhelpful": question.unhelpful_command,
        "askperson": question.ask_person_command,
        "ask-person": question.ask_person_command,
        "answer": question.answer_command,
        "savefaq": question.save_faq_command,
    }
    for command in ACTION_OF_COMMAND:
        table[command] = approval.make(command)
    for commands in (export.COMMANDS, transfers.COMMANDS, archive.COMMANDS):
        table.update(commands)  # #16: /export, the transfer file and paid, receipt search (their aliases too)
    table.update(login.COMMANDS)  # #17: the dashboard's one-time sign-in link (/login, /ダッシュボード)
    # Japanese aliases, so a user can type what they say.
    aliases = {
        "経費": "expense",
        "休暇": "leave",
        "契約": "contract",
        "契約チェック": "contract",
        "添付": "attach",
        "承認": "approve",
        "却下": "reject",
        "差戻し": "changes",
        "取消": "cancel",
        "修正": "edit",
        "ヘルプ": "help",
        "残日数": "balance",
        "自分": "mine",
        "承認待ち": "pending",
        "質問": "ask",
        "役に立った": "helpful",
        "役に立たない": "unhelpful",
        "役に立たなかった": "unhelpful",
        "担当者に聞く": "askperson",
        "回答": "answer",
        "faq登録": "savefaq",  # typed "/FAQ登録": the router looks names up in lower case
    }
    for alias, command in aliases.items():
        table[alias] = table[command]
    return table
