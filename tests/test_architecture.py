"""Imports point one way (web -> notifications -> workflows -> casework) and only web/ imports
Flask: import-linter checks the contracts in pyproject.toml."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ kept, 0 broken", result.stdout), result.stdout
