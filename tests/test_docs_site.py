"""`make docs` builds the site with MkDocs in strict mode (a broken link or anchor fails it), and the built site
works offline: every page, script, style sheet and font it loads is in the site itself."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    try:
        import mkdocs  # noqa: F401
        import material  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("MkDocs is not installed (pip install -e '.[docs]', as make test does)")
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def test_the_site_builds_strict_with_a_page_per_topic(site):
    for page in ("index", "serve", "python-and-pytest", "scenarios", "control-api", "messaging",
                 "messaging-services", "whatsapp-rcs-content", "conversations", "verify", "voice", "lookup", "applications", "inspector",
                 "faults-and-throughput", "ci", "node", "limitations", "benchmarks", "architecture", "coverage"):
        assert (site / f"{page}.html").is_file(), page
    assert (site / "inspector-phones.png").is_file()


def test_the_site_loads_nothing_from_elsewhere(site):
    remote = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    found = {str(p.relative_to(site)): remote.findall(p.read_text()) for p in site.rglob("*.html")}
    assert {page: hits for page, hits in found.items() if hits} == {}
    css = [p for p in site.rglob("*.css") if re.search(r"url\(\s*['\"]?(?:https?:)?//", p.read_text())]
    assert css == []


def test_the_control_api_page_has_a_row_for_every_endpoint():
    from twilio_emulator.coverage import emulator_routes
    text = re.sub(r"\{[^}]+\}", "{}", (ROOT / "docs" / "control-api.md").read_text())
    missing = [f"{m} {p}" for m, p in emulator_routes() if p.startswith("/_emulator/v1")
               and f"`{m} {re.sub(r'{[^}]+}', '{}', p)}" not in text]
    assert missing == []
