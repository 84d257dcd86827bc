"""Security test plan row 25: bandit, the static security analyser, over the product packages
with the reviewed configuration (`[tool.bandit]` in pyproject.toml). Any finding of medium or
high severity fails, at any confidence (`bandit -ll`). A finding judged a false positive is
silenced in place with `# nosec <id>` only if it is listed below with the reason, so a new
`# nosec` fails until someone has reviewed it. The same run over a bad sample proves the
scan can fail. Semgrep is not run: its rule packs come from the network (semgrep.dev), and
its local-rule equivalents are tests/test_security_plan_static.py."""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("casework", "workflows", "notifications", "web")

#: (file, bandit test id) -> why the finding there is not a vulnerability.
REVIEWED = {
    ("web/macro_cache.py", "B704"): "Markup() of our own GOV.UK macros' output, rendered once with no data",
    ("web/presenters/report_tables.py", "B704"): "Markup() of a report table's rows: our own tags, every cell's "
                                                  "text escaped as markupsafe.escape does",
    ("web/views/account.py", "B704"): "Markup() of segno's SVG of our own otpauth:// address; the title is a literal",
    ("notifications/letters/rendering.py", "B704"): "Markup() of our bundled letter.css file",
    ("workflows/fields.py", "B608"): "an error message that starts with 'Select', not SQL",
    ("web/config.py", "B104"): "'0.0.0.0' is compared with to show a link, never bound",
    ("notifications/bundles/pages.py", "B704"): "Markup() of the bundle's own bundle.css file",
    ("casework/search.py", "B608"): "search index DDL from the module's own table and column names, no input",
    ("casework/persistence/migrations/versions/0008_case_search.py", "B608"):
        "search index DDL from the revision's own table and column names, no input",
}


def bandit(*targets: str, cwd: Path = ROOT) -> dict:
    run = subprocess.run([sys.executable, "-m", "bandit", "-c", str(ROOT / "pyproject.toml"), "-r", *targets,
                          "-f", "json", "-q"], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert run.stdout, run.stderr  # exit status 1 only means "found something"
    report = json.loads(run.stdout)
    assert not report["errors"], report["errors"]
    return report


def medium_or_high(report: dict) -> list[str]:
    return [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
            if r["issue_severity"] in ("MEDIUM", "HIGH")]


def test_bandit_finds_nothing_of_medium_or_high_severity_in_the_product():
    report = bandit(*PACKAGES)
    assert medium_or_high(report) == []
    assert report["metrics"]["_totals"]["loc"] > 5000, "the packages were scanned"


def test_every_nosec_in_the_product_has_been_reviewed():
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                for ids in re.findall(r"#\s*nosec\b([\w ,]*)", line):
                    codes = re.findall(r"B\d{3}", ids)
                    assert codes, f"{path}: a bare # nosec silences every test; name the one reviewed"
                    found |= {(str(path.relative_to(ROOT)), code) for code in codes}
    assert found == set(REVIEWED)


def test_bandit_fails_a_bad_sample(tmp_path):
    (tmp_path / "bad.py").write_text(
        "import hashlib, subprocess, yaml\n"
        "def run(user):\n"
        "    subprocess.call('ls ' + user, shell=True)\n"
        "    yaml.load(user)\n"
        "    return hashlib.md5(user.encode()).hexdigest()\n"
        "def query(cur, name):\n"
        "    cur.execute(\"SELECT * FROM people WHERE name = '%s'\" % name)\n")
    found = {line.split()[1] for line in medium_or_high(bandit(str(tmp_path), cwd=tmp_path))}
    assert {"B602", "B506", "B324", "B608"} <= found
