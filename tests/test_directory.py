"""The employee directory: importing YAML/CSV files, the messages a person fixing the file sees,
and the in-memory Directory view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.directory import Directory, DirectoryError, load_directory_file
from bot.models import ROLES, Employee

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "directory"
HEADER = (
    "id,name_ja,name_en,email,slack_user_id,chatwork_account_id,locale,team,manager,roles,delegate,"
    "hire_date,weekly_days,weekly_hours,active"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DirectoryError) as info:
        load_directory_file(path)
    err = info.value
    assert str(err) == "\n".join(err.problems)
    return err.problems


def yaml_person(ident: str, **keys: str) -> str:
    """One `employees:` entry in YAML; `keys` override or add to the required ones."""
    values = {
        "name_ja": f"社員 {ident}",
        "name_en": f"Staff {ident}",
        "email": f"{ident}@example.jp",
        "hire_date": "2020-04-01",
        **keys,
    }
    return f"  - id: {ident}\n" + "".join(f"    {key}: {value}\n" for key, value in values.items())


# -- the shipped demo company --------------------------------------------------------------------


def test_shipped_org_yaml_loads_the_13_people_of_hikari_works() -> None:
    people = load_directory_file(ROOT / "knowledge" / "org.yaml")
    directory = Directory(people)

    assert len(directory) == 13
    assert [e.id for e in directory] == [f"e{n:03d}" for n in range(1, 14)]
    for role in ROLES:
        assert directory.holders(role), f"nobody holds the role {role!r}"

    ceo = directory.require("e001")
    assert (ceo.name_ja, ceo.name_en) == ("山田 光", "Hikari Yamada")
    assert ceo.email == "yamada@hikari-works.example"
    assert ceo.roles == ("employee", "ceo", "admin")
    assert ceo.manager_id is None and ceo.delegate_id == "e002"

    sato = directory.require("e002")
    assert sato.roles == ("employee", "manager", "finance")
    assert (sato.manager_id, sato.delegate_id) == ("e001", "e003")

    kato = directory.require("e011")
    assert (kato.weekly_days, kato.weekly_hours, kato.manager_id) == (3, 18.0, "e012")
    assert directory.require("e010").hire_date == dt.date(2026, 8, 1)
    assert [e.id for e in directory if e.locale == "en"] == ["e008", "e013"]
    assert directory.find("U0000000013") == directory.require("e013")
    assert directory.find("1000005") == directory.require("e005")
    assert [e.id for e in directory.reports("e006")] == ["e007", "e008", "e009", "e010"]
    assert [e.id for e in directory.holders("finance")] == ["e002", "e003"]


# -- CSV -----------------------------------------------------------------------------------------


def test_valid_csv_with_bom_semicolon_roles_and_manager_by_email_loads() -> None:
    path = DATA / "valid.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "the fixture must keep its BOM"

    people = {e.id: e for e in load_directory_file(path)}

    assert list(people) == ["a01", "a02", "a03", "a04"]  # the BOM is not part of the first header
    aoki, inoue, ueda, eto = people["a01"], people["a02"], people["a03"], people["a04"]
    assert aoki == Employee(
        id="a01",
        name_ja="青木 一郎",
        name_en="Ichiro Aoki",
        email="Aoki@Example.co.jp",
        locale="ja",
        team="management",
        manager_id=None,
        roles=("employee", "ceo", "admin"),
        delegate_id="a02",
        hire_date=dt.date(2010, 4, 1),
        weekly_days=5,  # empty cell: the default
        weekly_hours=40.0,
        slack_user_id="U0A01",
        chatwork_account_id="2000001",
        active=True,
    )
    assert inoue.manager_id == "a01"  # given as aoki@example.co.jp, in another case
    assert inoue.roles == ("employee", "manager", "finance")
    assert ueda.manager_id == "a02"  # given as INOUE@example.co.jp
    assert ueda.roles == ("employee", "hr", "legal")  # "hr, legal" in a quoted cell
    assert (ueda.locale, ueda.weekly_days, ueda.weekly_hours, ueda.slack_user_id) == ("en", 3, 22.5, None)
    # An empty locale cell is "not set": replies follow the person's Slack locale, else the company default.
    assert eto.active is False and eto.chatwork_account_id is None and eto.locale == ""


def test_csv_with_several_bad_cells_reports_each_with_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.csv",
        HEADER
        + "\n"
        + "b01,木村,Kimura,kimura@example.jp,,,ja,,,,,2020-04-01,,,\n"
        + "b02,林,Hayashi,hayashi-at-example.jp,,12a4,ja,,,,,2021-04-01,,,\n"
        + "b03,森,Mori,mori@example.jp,,,fr,,,cfo;finance,,2024-13-01,8,0,maybe\n"
        + ",清水,,shimizu@example.jp,,,,,,,,,5,40,\n",
    )

    assert problems_of(path) == [
        "org.csv row 3, column 'email': 'hayashi-at-example.jp' is not an e-mail address (name@example.com)",
        "org.csv row 3, column 'chatwork_account_id': '12a4' is not a Chatwork account ID (digits only)",
        "org.csv row 4, column 'locale': 'fr' is not one of ja, en",
        "org.csv row 4, column 'roles': 'cfo' is not a role (did you mean 'ceo'?) "
        "(roles: employee, manager, finance, hr, legal, ceo, admin)",
        "org.csv row 4, column 'hire_date': '2024-13-01' is not a date (YYYY-MM-DD)",
        "org.csv row 4, column 'weekly_days': '8' is not a whole number of days from 1 to 7",
        "org.csv row 4, column 'weekly_hours': '0' is not a number of hours above 0 and at most 80",
        "org.csv row 4, column 'active': 'maybe' is not one of true/false, yes/no, 1/0",
        "org.csv row 5, column 'id': required, but empty",
        "org.csv row 5, column 'name_en': required, but empty",
        "org.csv row 5, column 'hire_date': required, but empty",
    ]


def test_csv_unknown_column_suggests_the_close_name(tmp_path: Path) -> None:
    header = HEADER.replace("hire_date", "hire_dat").replace("team", "department")
    path = write(tmp_path, "org.csv", header + "\nb01,木村,Kimura,kimura@example.jp,,,,,,,,2020-04-01,,,\n")

    problems = problems_of(path)

    assert "org.csv row 1, column 'hire_dat': not a known column (did you mean 'hire_date'?)" in problems
    unknown = "org.csv row 1, column 'department': not a known column; known columns: id, name_ja,"
    assert any(p.startswith(unknown) for p in problems)
    assert "org.csv row 1: missing required column 'hire_date'" in problems
    assert len(problems) == 3  # the missing column is reported once, not again on every row


def test_csv_counts_rows_as_a_spreadsheet_does_even_after_a_blank_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "staff.csv",
        HEADER
        + "\nb01,木村,Kimura,kimura@example.jp,,,,,,,,2020-04-01,,,\n"
        + "\n"
        + "b02,林,Hayashi,x,,,,,,,,2020-04-01,,,\n",
    )

    assert problems_of(path) == ["staff.csv row 4, column 'email': 'x' is not an e-mail address (name@example.com)"]


def test_csv_saved_as_shift_jis_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes((HEADER + "\nb01,木村,Kimura,kimura@example.jp,,,,,,,,2020-04-01,,,\n").encode("cp932"))

    [problem] = problems_of(path)

    assert problem.startswith("org.csv: not UTF-8 text")
    assert "'CSV UTF-8'" in problem


# -- cross-row checks ----------------------------------------------------------------------------


def test_duplicate_email_ignores_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.csv",
        HEADER
        + "\n"
        + "b01,木村,Kimura,kimura@example.jp,,,,,,,,2020-04-01,,,\n"
        + "b02,林,Hayashi,hayashi@example.jp,,,,,,,,2020-04-01,,,\n"
        + "b03,木村 二,Kimura Jr,Kimura@Example.JP,,,,,,,,2020-04-01,,,\n",
    )

    assert problems_of(path) == [
        "org.csv row 4, column 'email': 'Kimura@Example.JP' is already used by row 2 "
        "(e-mail addresses are compared ignoring case)"
    ]


def test_duplicate_ids_and_chat_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n"
        + yaml_person("e001", slack_user_id="U001", chatwork_account_id="111")
        + yaml_person("e002", slack_user_id="U001", chatwork_account_id="111")
        + yaml_person("e001", email="other@example.jp"),
    )

    assert problems_of(path) == [
        "org.yaml employees[1] (id e002), key 'slack_user_id': 'U001' is already used by employees[0]",
        "org.yaml employees[1] (id e002), key 'chatwork_account_id': '111' is already used by employees[0]",
        "org.yaml employees[2] (id e001), key 'id': 'e001' is already used by employees[0]",
    ]


def test_unknown_manager_and_delegate(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n" + yaml_person("e001") + yaml_person("e002", manager="e099", delegate="nobody@example.jp"),
    )

    assert problems_of(path) == [
        "org.yaml employees[1] (id e002), key 'manager': 'e099' is not the id or e-mail of anyone in this file",
        "org.yaml employees[1] (id e002), key 'delegate': 'nobody@example.jp' is not the id or e-mail "
        "of anyone in this file",
    ]


def test_own_manager_and_own_delegate(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n" + yaml_person("e001", manager="e001", delegate="E001@example.jp"),
    )

    assert problems_of(path) == [
        "org.yaml employees[0] (id e001), key 'manager': e001 cannot be their own manager",
        "org.yaml employees[0] (id e001), key 'delegate': e001 cannot be their own delegate",
    ]


def test_manager_cycle_is_reported_once_with_the_loop(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n"
        + yaml_person("e001")
        + yaml_person("e002", manager="e003")
        + yaml_person("e003", manager="e004@example.jp")
        + yaml_person("e004", manager="e002")
        + yaml_person("e005", manager="e002"),  # reports into the loop, but is not part of it
    )

    assert problems_of(path) == [
        "org.yaml employees[1] (id e002), key 'manager': managers go round in a loop: e002 → e003 → e004 → e002"
    ]


def test_two_person_manager_cycle(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.csv",
        HEADER
        + "\n"
        + "b01,木村,Kimura,kimura@example.jp,,,,,b02,,,2020-04-01,,,\n"
        + "b02,林,Hayashi,hayashi@example.jp,,,,,kimura@example.jp,,,2020-04-01,,,\n",
    )

    assert problems_of(path) == ["org.csv row 2, column 'manager': managers go round in a loop: b01 → b02 → b01"]


# -- YAML ----------------------------------------------------------------------------------------


def test_yaml_problems_name_the_entry_its_id_and_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "company: Example KK\nemployees:\n"
        + yaml_person("e001")
        + yaml_person("e002", roles="[manager]")
        + yaml_person("e003", locale="fr", hire_dat="2020-01-01", weekly_hours="abc")
        + yaml_person("e004", hire_date="2024-13-01"),  # PyYAML itself would crash on this date
    )

    assert problems_of(path) == [
        "org.yaml employees[2] (id e003), key 'locale': 'fr' is not one of ja, en",
        "org.yaml employees[2] (id e003), key 'weekly_hours': 'abc' is not a number of hours above 0 and at most 80",
        "org.yaml employees[2] (id e003), key 'hire_dat': not a known key (did you mean 'hire_date'?)",
        "org.yaml employees[3] (id e004), key 'hire_date': '2024-13-01' is not a date (YYYY-MM-DD)",
    ]


def test_yaml_missing_keys_and_a_numeric_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yml",
        "employees:\n  - id: 007\n    name_ja: 山本\n    name_en: Yamamoto\n    email:\n",
    )

    assert problems_of(path) == [
        "org.yml employees[0], key 'id': 7 is a number, not text; put it in quotes (\"...\") to keep it exactly",
        "org.yml employees[0], key 'email': required, but empty",
        "org.yml employees[0], key 'hire_date': required, but missing",
    ]


def test_yaml_roles_as_comma_string_and_active_false(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n" + yaml_person("e001", roles="'hr, legal'", active="false", weekly_hours="7.5"),
    )

    [person] = load_directory_file(path)

    assert person.roles == ("employee", "hr", "legal")
    assert person.active is False and person.weekly_hours == 7.5


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "org.yaml",
        "employees:\n  - id: e001\n    name_ja: 山田\n   name_en: [Yamada\n    email: y@example.jp\n",
    )

    [problem] = problems_of(path)

    assert problem.startswith("org.yaml line 4, column ")
    assert "YAML syntax error" in problem


def test_yaml_key_given_twice_is_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    path = write(tmp_path, "org.yaml", "employees:\n" + yaml_person("e001") + "    email: second@example.jp\n")

    [problem] = problems_of(path)

    assert problem == "org.yaml line 7, column 5: YAML syntax error: key 'email' appears twice"


def test_yaml_without_employees_list(tmp_path: Path) -> None:
    path = write(tmp_path, "org.yaml", "company: Example\nemployee:\n  - id: e001\n")

    assert problems_of(path) == [
        "org.yaml: top-level key 'employee': not a known key (did you mean 'employees'?)",
        "org.yaml: no 'employees:' list; expected a mapping with an 'employees:' list (see knowledge/org.yaml)",
    ]


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, "org.xlsx", "")) == [
        "org.xlsx: unknown file type '.xlsx'; use a .yaml, .yml or .csv file"
    ]
    [problem] = problems_of(tmp_path / "absent.csv")
    assert problem.startswith(f"{tmp_path / 'absent.csv'}: cannot read the file")


# -- the Directory view --------------------------------------------------------------------------


@pytest.fixture
def directory() -> Directory:
    return Directory(load_directory_file(DATA / "valid.csv"))


def test_find_by_id_email_slack_and_chatwork(directory: Directory) -> None:
    aoki = directory.require("a01")

    assert directory.find("a01") is aoki
    assert directory.find("aoki@example.co.jp") is aoki
    assert directory.find("AOKI@EXAMPLE.CO.JP") is aoki
    assert directory.find(" Aoki@Example.co.jp ") is aoki
    assert directory.find("U0A01") is aoki
    assert directory.find("2000001") is aoki
    assert directory.find("2000003") is directory.require("a03")
    assert directory.find("nobody@example.co.jp") is None
    assert directory.find("") is None


def test_holders_and_team_members_leave_out_inactive_people(directory: Directory) -> None:
    # a04 (inactive) holds finance and hr and is in ops
    assert [e.id for e in directory.holders("finance")] == ["a02"]
    assert [e.id for e in directory.holders("hr")] == ["a03"]
    assert [e.id for e in directory.holders("employee")] == ["a01", "a02", "a03"]
    assert [e.id for e in directory.team_members("ops")] == ["a03"]
    assert [e.id for e in directory.reports("a02")] == ["a03"]
    assert directory.holders("nonexistent-role") == []
    # but the inactive person is still known by id, for the history of their requests
    assert "a04" in directory and directory.get("a04") is not None and not directory.require("a04").active


def test_directory_basics(directory: Directory) -> None:
    assert len(directory) == 4
    assert [e.id for e in directory] == ["a01", "a02", "a03", "a04"]
    assert "zz" not in directory and directory.get("zz") is None
    with pytest.raises(KeyError, match="no employee with id 'zz' in the directory"):
        directory.require("zz")
    # what a caller gets back is a copy: changing it does not change the directory
    directory.holders("finance").clear()
    assert len(directory.holders("finance")) == 1


def test_directory_sorts_by_id_and_refuses_duplicate_ids() -> None:
    people = [Employee("x2", "乙", "B", "b@example.jp"), Employee("x1", "甲", "A", "a@example.jp")]
    assert [e.id for e in Directory(people)] == ["x1", "x2"]
    with pytest.raises(ValueError, match="'x1' appears twice"):
        Directory([*people, Employee("x1", "丙", "C", "c@example.jp")])
