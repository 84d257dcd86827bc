"""`make audit`: check every package in the lock file against a vulnerability database with
pip-audit, and say plainly whether anything was actually checked.

pip-audit prints "No known vulnerabilities found" and exits 0 even when it could check nothing
(every package skipped because its database could not be reached or did not know the
version), so its JSON report is read instead and the answer is one of:

  exit 0  every package was checked and none has a known vulnerability
  exit 1  a package has a known vulnerability (each is listed)
  exit 2  NOT AUDITED: the database could not be reached, or some packages were not checked

Usage: python scripts/audit.py requirements/lock.txt [--service pypi|osv]"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("lock")
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        run = subprocess.run([sys.executable, "-m", "pip_audit", "--requirement", args.lock, "--disable-pip",
                              "--no-deps", "--progress-spinner", "off", "--vulnerability-service", args.service,
                              "--format", "json", "--output", str(report)],
                             capture_output=True, text=True)
        found = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    return judge(found, run.returncode, run.stderr, args.service)


def judge(found: dict | None, returncode: int, stderr: str, service: str) -> int:
    if found is None:
        reason = next((line for line in reversed(stderr.splitlines()) if line.strip()), "no report")
        print(f"NOT AUDITED: pip-audit could not reach the {service} vulnerability database, "
              f"so nothing was checked (exit code {returncode}).\n  {reason}")
        return 2
    packages = found.get("dependencies", [])
    skipped = [p for p in packages if p.get("skip_reason")]
    vulnerable = [p for p in packages if p.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    if skipped:
        print(f"NOT AUDITED: {len(skipped)} of {len(packages)} packages could not be checked against the "
              f"{service} vulnerability database, so this is no assurance. For example:")
        for package in skipped[:5]:
            print(f"  {package['name']}: {package['skip_reason']}")
        return 1 if vulnerable else 2
    if vulnerable:
        return 1
    print(f"Audited all {len(packages)} packages against the {service} vulnerability database: "
          f"no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
