"""The coverage table: for every Twilio product the emulator registers, each operation of Twilio's OpenAPI
description of it (method and path), whether the emulator serves it, and the twilio-python call that reaches
it; the emulator's own paths apart. `twilio-emulator coverage --spec-dir DIR` prints it (`--write` puts it in
docs/coverage.md); tests/test_coverage.py keeps the committed page current.

The specs are Twilio's `twilio-oai` files, one per product and version (`twilio_api_v2010.json`,
`twilio_messaging_v1.json` …). An operation is emulated when a registered route of the same product and
method matches its path: a route's `{Name}` stands for one of the spec's path parameters, and only a
placeholder with its own pattern (`{Type:Local|Mobile|…}`) stands for literal segments. The SDK call is
derived from the path (the spec's `x-twilio.mountName` where the SDK's name differs) and then looked up on a
real `twilio.rest.Client`, which makes no request until a method is called: a call the installed SDK does not
have is shown as "—" rather than guessed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

SPEC_FILE = re.compile(r"twilio_(?P<product>[a-z_]+?)_(?P<version>v\d+)\.json")
_PLACEHOLDER = re.compile(r"\{([^}:]+)(?::([^}]+))?\}")

# Registered routes that are Twilio's but absent from its OpenAPI description, with the reason.
OFF_SPEC = {
    ("GET", "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}"):
        "a media item's content: the Media resource's URI without `.json`, where Twilio serves the file "
        "(the URL inbound webhooks carry as MediaUrl{N}); the spec describes only the JSON resource",
    ("GET", "/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid:RE[0-9a-fA-F]{32}}{ext:(\\.wav|\\.mp3)?}"):
        "a recording's audio: the Recording resource's URI without `.json` (a WAV), or with `.wav` or `.mp3`, "
        "where Twilio serves the file (the RecordingUrl of <Record> actions); the spec describes only the JSON "
        "resource",
}
_METHODS = ("get", "post", "put", "delete", "patch")


@dataclass(frozen=True)
class Operation:
    product: str
    version: str
    method: str
    path: str
    emulated: bool
    sdk: str | None


@dataclass(frozen=True)
class Route:
    product: str
    method: str
    path: str
    pattern: re.Pattern

    @classmethod
    def of(cls, product: str, method: str, path: str) -> "Route":
        regex, at = "", 0
        for m in _PLACEHOLDER.finditer(path):
            # A plain {Name} is one of the spec's path parameters; {Name:pattern} also names literal segments.
            any_parameter = r"\{[^/}]+\}"
            regex += re.escape(path[at:m.start()])
            regex += f"(?:{any_parameter}|(?:{m.group(2)}))" if m.group(2) else any_parameter
            at = m.end()
        regex += re.escape(path[at:])
        return cls(product, method, path, re.compile(regex))


def registered_routes() -> list[Route]:
    """The REST routes in the order the router tries them, one per product that has the path."""
    from .api import route_table
    return [Route.of(host.split(".", 1)[0], method, path)
            for hosts, method, path in route_table() for host in hosts.split(", ")]


def emulator_routes() -> list[tuple[str, str]]:
    """(method, path) of the emulator's own API (/_emulator/v1/…) and the inspector."""
    from aiohttp import web

    from .control import routes as control, views
    from .inspector import PREFIX as INSPECTOR
    own = [(r.method, control.PREFIX + r.path) for table in (control.routes, views.routes) for r in table
           if isinstance(r, web.RouteDef)]
    return own + [("GET", "/"), ("GET", INSPECTOR + "/{name}")]


def load_specs(spec_dir: Path) -> list[tuple[str, str, dict]]:
    """(product, version, spec) of every twilio-oai file in spec_dir, by product and version."""
    found = []
    for path in sorted(Path(spec_dir).glob("twilio_*.json")):
        m = SPEC_FILE.fullmatch(path.name)
        if m:
            found.append((m["product"], m["version"], json.loads(path.read_text())))
    return found


def operations(spec_dir: Path, routes: list[Route] | None = None) -> list[Operation]:
    """Every operation of the specs of the products the emulator registers."""
    routes = registered_routes() if routes is None else routes
    products = {r.product for r in routes}
    client = _offline_client()
    out = []
    for product, version, spec in load_specs(spec_dir):
        if product not in products:
            continue
        for path, item in spec["paths"].items():
            for method in (m.upper() for m in _METHODS if m in item):
                emulated = any(r.product == product and r.method == method and r.pattern.fullmatch(path)
                               for r in routes)
                out.append(Operation(product, version, method, path, emulated,
                                     sdk_call(client, product, version, spec, path, method)))
    return out


def unmatched_routes(spec_dir: Path, routes: list[Route] | None = None) -> list[Route]:
    """Registered routes of a product whose specs are in spec_dir that match none of its operations (and are
    not listed in OFF_SPEC with their reason)."""
    routes = registered_routes() if routes is None else routes
    specs = load_specs(spec_dir)
    described = {product for product, _, _ in specs}
    paths = {(product, m.upper(), path) for product, _, spec in specs for path, item in spec["paths"].items()
             for m in _METHODS if m in item}
    return [r for r in routes if r.product in described and (r.method, r.path) not in OFF_SPEC
            and not any(p == r.product and m == r.method and r.pattern.fullmatch(path) for p, m, path in paths)]


def sdk_call(client, product: str, version: str, spec: dict, path: str, method: str) -> str | None:
    """`client.api.v2010.accounts(sid).messages.create()` for an operation, when the installed twilio-python has
    exactly that chain of attributes; else None. The method is the verb of the spec's operationId
    (`CreateMessage`, `FetchBalance` …); an operation's own mountName (`new_keys` for CreateNewKey) wins."""
    operation = spec["paths"][path][method.lower()]
    verb = _VERB.match(operation.get("operationId", ""))
    if verb is None:
        return None
    mount = operation.get("x-twilio", {}).get("mountName")
    for chain in _candidates(spec, path, mount):
        found = _walk(client, product, version, chain, verb[1].lower())
        if found:
            return found
    return None


_VERB = re.compile(r"(Create|Fetch|List|Update|Delete)[A-Z]")


def _walk(client, product: str, version: str, chain: list[tuple[str, str | None]], verb: str) -> str | None:
    try:
        obj = getattr(getattr(client, product), version)
        text = f"client.{product}.{version}"
        for name, arg in chain:
            obj = getattr(obj, name)
            text += f".{name}"
            if arg is not None:
                obj, text = obj("x"), text + f"({arg})"
        if not callable(getattr(obj, verb, None)) and callable(obj):  # a singleton: its context, then the verb
            obj, text = obj(), text + "()"
        return f"{text}.{verb}()" if callable(getattr(obj, verb, None)) else None
    except Exception:  # an attribute the SDK does not have: no call to show
        return None


def _candidates(spec: dict, path: str, mount: str | None) -> list[list[tuple[str, str | None]]]:
    """The chains to try: every literal segment an attribute, then (as twilio-python names `SMS/ShortCodes`
    `short_codes`) the resource's last segment alone."""
    chain = _chain(spec, path)
    if chain is None:
        return []
    out = [chain]
    if mount:
        out = [chain[:-1] + [(mount, chain[-1][1])]]
    parent = spec["paths"][path].get("x-twilio", {}).get("parent")
    if parent:
        head = _chain(spec, "/" + path.split("/")[1] + parent) or []
        if len(chain) - len(head) > 1:
            out.append(head + [out[0][-1]])
    return out


def _chain(spec: dict, path: str) -> list[tuple[str, str | None]] | None:
    """[(attribute, argument or None), …] from the version on: each literal segment an attribute in snake_case
    (the spec's mountName for the resource's own segments, where it has one), a path parameter the argument of
    the attribute before it; a resource with a parent continues its parent's chain."""
    item = spec["paths"].get(path)
    if item is None:
        return None
    meta = item.get("x-twilio", {})
    parts = path.split("/")[2:]  # after "" and the version ("v1", "2010-04-01")
    head: list[tuple[str, str | None]] = []
    if meta.get("parent"):
        parent_path = "/" + path.split("/")[1] + meta["parent"]
        head = _chain(spec, parent_path) if parent_path in spec["paths"] else None
        if head is None:
            return None
        parts = parts[len(parent_path.split("/")) - 2:]
    tail: list[list] = []
    for part in (p.removesuffix(".json") for p in parts):
        if part.startswith("{"):
            if not tail:
                return None
            tail[-1][1] = _snake(part[1:-1])
        else:
            tail.append([_snake(part), None])
    if not tail:
        return None
    if meta.get("mountName"):
        tail = [[meta["mountName"], tail[-1][1]]]
    return head + [(name, arg) for name, arg in tail]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _offline_client():
    from twilio.rest import Client
    return Client("AC" + "0" * 32, "0" * 32)


def render(spec_dir: Path) -> str:
    """The coverage page (Markdown)."""
    ops = operations(spec_dir)
    specs = load_specs(spec_dir)
    registered = sorted({p for p, _, _ in specs} & {o.product for o in ops})
    others = sorted({p for p, _, _ in specs} - set(registered))
    lines = ["# Coverage", "",
             "<!-- Generated by `twilio-emulator coverage --spec-dir DIR --write` from Twilio's OpenAPI "
             "descriptions (twilio-oai); do not edit by hand. -->", "",
             "Every operation of Twilio's OpenAPI description of each product the emulator serves: whether the "
             "emulator answers it, and the twilio-python call that reaches it, checked against the installed SDK "
             "(`sid` stands for the resource's SID; `client.messages` is the SDK's shortcut for "
             "`client.api.v2010.accounts(<the client's account>).messages`). An operation that is not emulated "
             "answers Twilio's 404 (20404), as an unknown path does. How this page is made, and where the "
             "descriptions come from: [Architecture](architecture.md#the-coverage-table).",
             "", "| product | operations | emulated |", "|---|---:|---:|"]
    for product in registered:
        mine = [o for o in ops if o.product == product]
        lines.append(f"| [{product}.twilio.com](#{product}) | {len(mine)} | {sum(o.emulated for o in mine)} |")
    total = len(ops)
    lines += [f"| **all** | **{total}** | **{sum(o.emulated for o in ops)}** |", ""]
    if others:
        lines += ["Products whose descriptions were read but that the emulator does not serve (every path "
                  "answers 404, not emulated): " + ", ".join(f"`{p}.twilio.com`" for p in others) + ".", ""]
    for product in registered:
        mine = [o for o in ops if o.product == product]
        lines += [f"## {product}", "",
                  f"`{product}.twilio.com`: {sum(o.emulated for o in mine)} of {len(mine)} operations emulated.",
                  "", "| | method | path | twilio-python |", "|---|---|---|---|"]
        for o in sorted(mine, key=lambda o: (not o.emulated, o.version, o.path, _METHODS.index(o.method.lower()))):
            mark = "✅" if o.emulated else "—"
            sdk = f"`{o.sdk}`" if o.sdk else "—"
            lines.append(f"| {mark} | {o.method} | `{o.path}` | {sdk} |")
        lines.append("")
    lines += ["## The emulator's own paths", "",
              "Not Twilio's: the control API ([reference](control-api.md)) and the [inspector](inspector.md).",
              "", "| method | path |", "|---|---|"]
    lines += [f"| {m} | `{p}` |" for m, p in emulator_routes()]
    off = [f"| {m} | `{p}` | {why} |" for (m, p), why in OFF_SPEC.items()]
    lines += ["", "## Twilio paths the descriptions leave out", "",
              "Served by the emulator as Twilio serves them, though the OpenAPI files do not describe them.", "",
              "| method | path | what it is |", "|---|---|---|", *off, ""]
    return "\n".join(lines)
