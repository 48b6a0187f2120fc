"""The domain knows nothing of the UI: importing it must not import Textual."""

from __future__ import annotations

import subprocess
import sys

DOMAIN_MODULES = [
    "prep.content",
    "prep.scheduling.memory",
    "prep.scheduling.queue",
    "prep.scheduling.replay",
    "prep.store",
    "prep.stats.summary",
    "prep.study.session",
    "prep.settings",
    "prep.cli.commands",
]


def test_domain_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in DOMAIN_MODULES)
        + "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
