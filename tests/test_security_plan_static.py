"""Security test plan row 25, static scan (see tests/SECURITY_PLAN.md). The plan asks for
`bandit -ll` (run by tests/test_bandit.py) and semgrep with local rules. Semgrep's rule packs
come from the network and it is not installed, so its local rules are here, as a small AST and
template scan over the product packages (casework, workflows, web, notifications):

- no `|safe` in a template and no `Markup(...)` of a computed value, except the reviewed
  places listed below (each says why the value is already escaped or is ours);
- no SQL built from strings: `text()`, `exec_driver_sql()` and `.execute()` take literals only;
- no shell: no `shell=True`, `os.system`, `os.popen`; no `eval`/`exec`, `pickle`, `marshal`,
  `yaml.load`;
- no template built from a string (`render_template_string`, `Environment.from_string`) and
  every Jinja `Environment` autoescapes;
- no `random` module (tokens come from `secrets`) and no switched-off TLS checks.

Each rule is also run against a bad sample, so a rule that could never fire fails too. The
lock file, hashes, SBOM and advisory audit are tests/test_supply_chain.py."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("casework", "workflows", "web", "notifications")

#: (template, what is piped to `safe`) -> why it is safe. A new `|safe` fails the test.
REVIEWED_SAFE = {
    ("web/templates/cases/_action_context.html", '"<br>"'): "a literal line break",
    ("web/templates/cases/_action_context.html", ")"): "value|readable|e|replace(...): escaped with |e first",
    ("web/templates/cases/check_notice.html", "letter_html"): "rendered by the autoescaping letter environment",
    ("web/templates/_timeline.html", "item.html"): "built by web.presenters.timeline from escaped parts",
    ("web/templates/_macros.html", "step.html"): "the process picture's own words, not user input",
}
#: (file, function) where Markup() wraps a computed value -> why it is safe.
REVIEWED_MARKUP = {
    ("web/views/account.py", "_qr_svg"): "SVG drawn by segno from a pyotp provisioning URI",
    ("web/macro_cache.py", "init_app"): "the output of our own GOV.UK macros, rendered once",
    ("notifications/letters/rendering.py", "environment"): "our bundled stylesheet file",
    ("notifications/bundles/pages.py", "environment"): "the bundle's own stylesheet file",
}


def product_files(suffix: str):
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob(f"*{suffix}"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


SAFE_FILTER = re.compile(r"""([\w.]+|"[^"]*"|'[^']*'|\))\s*\|\s*safe\b""")


def safe_filters(source: str) -> list[str]:
    """What each `|safe` in a template is applied to."""
    return SAFE_FILTER.findall(source)


def template_findings() -> set[tuple[str, str]]:
    found = set()
    for path in product_files(".html"):
        for expr in safe_filters(path.read_text(encoding="utf-8")):
            found.add((rel(path), expr))
    return found


def test_no_template_marks_anything_safe_but_the_reviewed_places():
    assert template_findings() == set(REVIEWED_SAFE)


def test_the_template_rule_fires_on_user_data_marked_safe():
    assert safe_filters("<p>{{ case.title|safe }}</p><p>{{ case.title | safe }}</p>") == ["case.title", "case.title"]


# --- Python ------------------------------------------------------------------------------------

BANNED_CALLS = {"eval", "exec", "os.system", "os.popen", "pickle.loads", "pickle.load", "marshal.loads",
                "yaml.load", "render_template_string", "ssl._create_unverified_context", "compile"}
BANNED_IMPORTS = {"random", "pickle", "marshal", "shelve", "telnetlib"}
SQL_CALLS = {"text", "exec_driver_sql", "execute"}


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.IfExp):
        return is_literal(node.body) and is_literal(node.orelse)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def built_string(node: ast.AST) -> bool:
    """An f-string, `+` or `%` on strings, or `.format()`/`.join()`: SQL put together from text."""
    if isinstance(node, ast.IfExp):
        return built_string(node.body) or built_string(node.orelse)
    if isinstance(node, ast.Call):
        return dotted(node.func).rsplit(".", 1)[-1] in ("format", "join")
    return isinstance(node, (ast.JoinedStr, ast.BinOp))


class Scan(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[tuple[str, str, int]] = []   # (rule, function, line)
        self.function = "<module>"

    def add(self, rule: str, node: ast.AST) -> None:
        self.findings.append((rule, self.function, node.lineno))

    def visit_FunctionDef(self, node) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in BANNED_IMPORTS:
                self.add(f"import {alias.name}", node)

    def visit_ImportFrom(self, node) -> None:
        if (node.module or "").split(".")[0] in BANNED_IMPORTS:
            self.add(f"from {node.module} import", node)

    def visit_Attribute(self, node) -> None:
        if dotted(node) in ("ssl.CERT_NONE",):
            self.add("TLS check off", node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        short = name.rsplit(".", 1)[-1]
        if name in BANNED_CALLS or short in ("render_template_string", "from_string"):
            self.add(f"call {name}", node)
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value):
                self.add("shell=True", node)
            if keyword.arg in ("verify", "check_hostname") and isinstance(keyword.value, ast.Constant) \
                    and keyword.value.value is False:
                self.add(f"{keyword.arg}=False", node)
        if short in SQL_CALLS and node.args and built_string(node.args[0]):
            self.add(f"SQL built from strings in {short}()", node)
        elif short == "text" and node.args and not is_literal(node.args[0]):
            self.add("SQL built from strings in text()", node)
        if short == "Environment" and not any(k.arg == "autoescape" for k in node.keywords):
            self.add("Jinja Environment without autoescape", node)
        if short == "Markup" and node.args and not is_literal(node.args[0]):
            self.add("Markup of a computed value", node)
        self.generic_visit(node)


def scan(source: str) -> list[tuple[str, str, int]]:
    visitor = Scan()
    visitor.visit(ast.parse(source))
    return visitor.findings


def python_findings() -> dict[str, list[tuple[str, str, int]]]:
    found = {}
    for path in product_files(".py"):
        hits = [hit for hit in scan(path.read_text(encoding="utf-8"))
                if not (hit[0] == "Markup of a computed value" and (rel(path), hit[1]) in REVIEWED_MARKUP)]
        if hits:
            found[rel(path)] = hits
    return found


def test_the_product_code_breaks_none_of_the_rules():
    assert python_findings() == {}


def test_the_reviewed_markup_places_still_exist():
    """An allow-list entry whose code has gone would silently cover a new one of the same name."""
    markup = {(rel(path), hit[1]) for path in product_files(".py")
              for hit in scan(path.read_text(encoding="utf-8")) if hit[0] == "Markup of a computed value"}
    assert set(REVIEWED_MARKUP) <= markup


@pytest.mark.parametrize("bad, rule", [
    ("import subprocess\nsubprocess.run(cmd, shell=True)", "shell=True"),
    ("import os\nos.system('ls ' + name)", "call os.system"),
    ("eval(form['x'])", "call eval"),
    ("import random\ntoken = random.random()", "import random"),
    ("s.execute(text(f'SELECT * FROM cases WHERE id = {case_id}'))", "SQL built from strings in text()"),
    ("s.execute('SELECT * FROM cases WHERE id = %s' % case_id)", "SQL built from strings in execute()"),
    ("s.execute('SELECT {}'.format(x))", "SQL built from strings in execute()"),
    ("conn.exec_driver_sql('DROP TABLE ' + name)", "SQL built from strings in exec_driver_sql()"),
    ("from jinja2 import Environment\nEnvironment(loader=loader)", "Jinja Environment without autoescape"),
    ("env.from_string(request.form['t'])", "call env.from_string"),
    ("render_template_string(body)", "call render_template_string"),
    ("Markup(case.title)", "Markup of a computed value"),
    ("import ssl\nctx.verify_mode = ssl.CERT_NONE", "TLS check off"),
])
def test_each_rule_fires_on_a_bad_sample(bad, rule):
    assert rule in [found for found, _, _ in scan(bad)]


def test_literal_sql_and_plain_calls_pass():
    assert scan("conn.exec_driver_sql('DROP TABLE IF EXISTS alembic_version')\ns.execute(select(Case))\n"
                "Markup('<br>')\nEnvironment(autoescape=True)") == []
