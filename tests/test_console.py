"""The real console, driven through stdin in a separate process, as a newcomer would use it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_console(tmp_path: Path, script: str, who: str = "e007", now: str = "2026-11-24T10:00") -> str:
    env = {
        **os.environ,
        "BACKOFFICE_DB": str(tmp_path / "bot.db"),
        "BACKOFFICE_ATTACHMENTS_DIR": str(tmp_path / "files"),
        "BACKOFFICE_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "BACKOFFICE_NOW": now,
        "COLUMNS": "200",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--as", who],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_expense_and_leave_filed_approved_by_manager_and_balance_checked(tmp_path: Path) -> None:
    receipt = tmp_path / "taxi-receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    script = "\n".join(
        [
            # As Watanabe (e007, engineering): a taxi with its receipt, a week off.
            f"/expense 12000 supplies 2026-11-20 モニターケーブル receipt={receipt}",
            "/leave 2026-12-14 2026-12-16",
            "/balance",
            # As the manager, Ito (e006): both wait for him.
            "/switch ito@hikari-works.example",
            "/pending",
            "/approve 1",
            "/approve 2 楽しんで",
            "/approve 2",
            # Back as Watanabe: told of both decisions, three days fewer.
            "/switch e007",
            "/balance",
            "/quit",
        ]
    )
    out = run_console(tmp_path, script)
    assert "#1 を申請しました。伊藤 大輔さんの承認待ちです。" in out
    assert "#2 を申請しました。伊藤 大輔さんの承認待ちです。" in out
    assert "[L4]" in out  # 3 working days: the manager decides, and the card says why
    # Ito is told of both (the cards carry the commands to decide them), and /pending lists them, one line each.
    assert "承認依頼: 渡辺 翔太さんの申請 #1" in out
    assert "/approve 2" in out
    assert "あなたの承認待ち(2件・古い順)" in out
    assert "#1 渡辺 翔太 経費 消耗品費 ¥12,000 · 今日から" in out
    assert "#2 渡辺 翔太 休暇 有給 12/14–12/16 · 今日から" in out
    assert "#1 を承認しました。" in out
    assert "#2 を承認しました。" in out
    assert "#2 はすでに伊藤 大輔さんにより承認済みとなっています。" in out
    # Watanabe is told.
    assert "#1 は伊藤 大輔さんにより承認済みとなりました。" in out
    assert "#2 は伊藤 大輔さんにより承認済みとなりました。" in out
    # Hired 2020-01-06: grants of 18 (2025-07-06) and 20 (2026-07-06) days are valid; 3 booked.
    first, second = out.split("有給休暇の残日数", 2)[1:3]
    assert re.search(r"残り\s+38日", first)
    assert re.search(r"残り\s+35日", second)
    assert re.search(r"取得予定\(承認済み\)\s+3日", second)


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    run_console(tmp_path, "/expense 2800 transport 2026-11-20 電車 渋谷→新宿\n/leave 2026-12-24 pm\n")
    out = run_console(tmp_path, "/mine\n")
    # One line a request, newest first.
    assert "#2 休暇 有給 12/24 午後 · 承認済み\n#1 経費 交通費 ¥2,800 · 承認済み\n詳細は /show 2" in out


def test_english_speaker_gets_english_and_bad_input_gets_a_polite_answer(tmp_path: Path) -> None:
    out = run_console(
        tmp_path,
        "\n".join(
            [
                "/expense lots of money",
                "/frobnicate",
                "hello there",
                "/approve",
                "/approve 99",
                "/switch nobody@example.com",
                "/leave sick today",
            ]
        ),
        who="clark@hikari-works.example",
    )
    assert "You are Emily Clark (e008)." in out
    assert "How much was it? (e.g. ¥3,200, $45.20)" in out  # /expense without the form: the bot asks
    assert "There is no command '/frobnicate'." in out
    assert "Sorry, I could not read that. How much was it?" in out  # "hello there" is no amount
    assert "Please give a request number, e.g. /approve 12" in out
    assert "There is no request #99." in out
    assert "No employee matches 'nobody@example.com'." in out
    assert "#1 is submitted and waits for Daisuke Ito." in out
    assert "Traceback" not in out


def test_unknown_console_user_is_refused_politely(tmp_path: Path) -> None:
    env = {**os.environ, "BACKOFFICE_DB": str(tmp_path / "bot.db"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--knowledge", str(ROOT / "knowledge"), "console", "--as", "ghost"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "「ghost」という社員は見つかりません。" in proc.stderr


def test_a_contract_by_path_and_a_policy_question_in_the_console(tmp_path: Path) -> None:
    from tests.contracts_files import make_pdf
    from tests.contracts_samples import SAMPLES

    contract = tmp_path / "業務委託契約書.pdf"
    contract.write_bytes(make_pdf(next(s for s in SAMPLES if s.name == "ja_outsourcing_90_days").text))
    script = "\n".join([f"/contract 紙 {contract}", "出張の日当はいくら?", "/helpful Q1", "/quit"])
    out = run_console(tmp_path, script)
    assert "契約書を確認しました(#1): 重大 1件" in out
    assert "[C2.payment]" in out and "印紙税は¥2,000" in out
    assert "旅費規程 第5条「日当」" in out
    assert "/helpful Q1" in out and "/unhelpful Q1" in out  # the buttons as commands to type
    assert "ありがとうございます" in out
