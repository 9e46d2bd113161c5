"""How a person calls this bot: the words every "next, run …" line should show.

`make run` installs the bot into the checkout's .venv, which is not on anyone's PATH, so a plain `backoffice …`
in a hint fails when typed; an installed bot (pip, the Docker image) is on PATH and a full path would be noise.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

NAME = "backoffice"


def command() -> str:
    """`backoffice` when that name on PATH is this very bot; else the full path of this bot's script (a
    checkout's /…/.venv/bin/backoffice), which works from any folder, a company folder made by `init` included."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    script = argv0 if argv0 is not None and argv0.name == NAME else Path(sys.executable).with_name(NAME)
    found = shutil.which(NAME)
    if found and script.exists() and Path(found).resolve() == script.resolve():
        return NAME
    return str(script.absolute()) if script.exists() else NAME
