"""The lock file pins every runtime, test and benchmark dependency with hashes, `make` installs
from it with --require-hashes, and `make audit` says NOT AUDITED rather than "no known
vulnerabilities" when pip-audit checked nothing."""
import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"


def locked() -> dict[str, str]:
    """name -> the requirement's whole entry (its pin, hashes and `# via` lines)."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text())
    return {re.split(r"[=\[ ]", entry, 1)[0].lower().replace("_", "-"): entry for entry in entries
            if "==" in entry.split("\n", 1)[0]}


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, 1)[0].lower().replace("_", "-") for r in requirements}


def test_every_declared_dependency_is_locked_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = names(project["dependencies"]) | names(sum(project["optional-dependencies"].values(), []))
    pins = locked()
    assert declared - set(pins) == set(), "run `make lock` after changing pyproject.toml"
    assert [name for name, entry in pins.items() if "--hash=sha256:" not in entry] == []


def test_make_installs_from_the_lock_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -q --require-hashes -r $(LOCK)" in makefile
    assert "pip install -q --no-deps -e ." in makefile


def test_the_sbom_lists_every_locked_package():
    sbom = json.loads((ROOT / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert {c["name"].lower().replace("_", "-") for c in sbom["components"]} == set(locked())


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_audit_that_reached_no_database_says_not_audited(audit, capsys):
    assert audit.judge(None, 1, "Traceback ...\nConnectionError: Failed to resolve 'api.osv.dev'", "osv") == 2
    out = capsys.readouterr().out
    assert out.startswith("NOT AUDITED: pip-audit could not reach the osv vulnerability database")
    assert "no known vulnerabilities" not in out.lower()


def test_an_audit_that_skipped_packages_says_not_audited(audit, capsys):
    found = {"dependencies": [{"name": "flask", "version": "3.1.2", "skip_reason": "Dependency not found on PyPI"},
                              {"name": "click", "version": "8.3.0", "vulns": []}]}
    assert audit.judge(found, 0, "", "pypi") == 2
    assert capsys.readouterr().out.startswith("NOT AUDITED: 1 of 2 packages could not be checked")


def test_a_vulnerability_is_named_and_fails(audit, capsys):
    found = {"dependencies": [{"name": "jinja2", "version": "3.1.2", "vulns": [
        {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]}]}
    assert audit.judge(found, 1, "", "pypi") == 1
    assert "VULNERABLE: jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in capsys.readouterr().out


def test_a_complete_clean_audit_says_how_many_it_checked(audit, capsys):
    found = {"dependencies": [{"name": "click", "version": "8.3.0", "vulns": []}]}
    assert audit.judge(found, 0, "", "pypi") == 0
    assert "Audited all 1 packages" in capsys.readouterr().out
