"""Dependencies point inward (shared/reference/architecture.md). Parses imports with ast; runs nothing."""
from __future__ import annotations

import ast
from pathlib import Path

import twilio_emulator

PKG = Path(twilio_emulator.__file__).parent


def imports(path: Path) -> set[str]:
    """Absolute module names imported by `path` (relative imports resolved against the package)."""
    module = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out |= {f"{name}.{a.name}" for a in node.names}
    return out


def layer_files(layer: str) -> list[Path]:
    target = PKG / layer
    return sorted(target.rglob("*.py")) if target.is_dir() else [PKG / f"{layer}.py"]


def offenders(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{f.relative_to(PKG)} imports {name}" for f in layer_files(layer) for name in sorted(imports(f))
            if any(name == x or name.startswith(x + ".") for x in forbidden)]


INNER = "twilio_emulator."


def test_domain_is_pure():
    assert offenders("domain", ("asyncio", "aiohttp", "aiosqlite", "lxml", "sqlite3", INNER + "engine",
                                INNER + "api", INNER + "store", INNER + "server", INNER + "control")) == []


def test_twiml_imports_only_lxml_and_the_standard_library():
    assert offenders("twiml", ("asyncio", "aiohttp", "aiosqlite", "phonenumbers", INNER + "domain",
                               INNER + "engine", INNER + "api", INNER + "store", INNER + "webhooks",
                               INNER + "control", INNER + "server")) == []


def test_webhooks_know_only_the_domain():
    assert offenders("webhooks", (INNER + "engine", INNER + "api", INNER + "store", INNER + "control",
                                  INNER + "server", "aiohttp.web")) == []


def test_store_never_calls_upward():
    assert offenders("store", (INNER + "engine", INNER + "api", INNER + "server", "aiohttp")) == []


def test_engine_knows_no_http_server():
    assert offenders("engine", ("aiohttp.web", INNER + "api", INNER + "control", INNER + "server")) == []


def test_api_goes_through_the_engine_not_the_store_for_writes():
    # api may import store types (Filters) but never writes rows itself: no store.records / Store use.
    assert offenders("api", (INNER + "store.records", INNER + "server", INNER + "cli")) == []


def test_only_entry_points_import_server():
    allowed = {"server.py", "cli.py", "testing.py", "pytest_plugin.py"}
    bad = [f for f in PKG.rglob("*.py") if f.name not in allowed and INNER + "server" in imports(f)]
    assert bad == []


def test_public_api_is_pinned():
    assert sorted(twilio_emulator.__all__) == ["DEFAULT_ACCOUNT_SID", "DEFAULT_AUTH_TOKEN", "Emulator", "Settings",
                                               "__version__", "async_client", "client"]


def test_the_client_side_modules_know_only_http():
    """harness (the twilio_emulator fixture's object), remote and scenario_files talk to an emulator over HTTP:
    they work against one running elsewhere, and the plugin loads them at pytest start-up, so they stay light."""
    heavy = ("aiohttp", "aiosqlite", "lxml", "phonenumbers", INNER + "engine", INNER + "api", INNER + "store",
             INNER + "domain", INNER + "server", INNER + "control", INNER + "testing")
    assert offenders("harness", heavy) + offenders("remote", heavy) + offenders("scenario_files", heavy) == []


def test_the_plugin_imports_the_engine_only_when_a_test_needs_an_emulator():
    tree = ast.parse((PKG / "pytest_plugin.py").read_text())
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert top <= {"__future__", "pathlib", "config", "harness"}, top


def test_control_is_an_adapter_like_api():
    # control/ (the /_emulator/ API) sits beside api/: it calls the engine and renders JSON, and is never
    # imported by what it serves.
    assert offenders("control", (INNER + "server", INNER + "cli", INNER + "testing", INNER + "pytest_plugin",
                                 INNER + "store.records")) == []
    assert offenders("engine", (INNER + "control",)) + offenders("domain", (INNER + "control",)) == []


def test_every_product_module_is_registered():
    """A resource module under api/ that is in no product would be unreachable: registration is the one step."""
    from twilio_emulator.api import PRODUCTS
    registered = {m.__name__ for p in PRODUCTS for m in p.modules}
    modules = {".".join(f.relative_to(PKG.parent).with_suffix("").parts) for f in (PKG / "api").glob("*/*.py")
               if f.name != "__init__.py"}
    assert modules - registered == set()


def test_the_inspector_is_a_client_of_the_public_apis_only():
    # Issue 17: the page reads and drives the emulator through the control and REST APIs; its package only
    # serves the files, and knows nothing of the engine, the store or the domain.
    assert offenders("inspector", (INNER + "engine", INNER + "store", INNER + "domain", INNER + "api",
                                   INNER + "control", INNER + "server")) == []
