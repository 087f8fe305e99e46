"""Content API templates (`HX…`): what a valid one is, its WhatsApp approval on the virtual clock, and how a
`ContentSid` + `ContentVariables` send renders for a channel. Pure.

Facts: reference twilio-more §7 (spec content v1; docs errors 21654-21656, 19023, 63016, 63027/63028,
92008, 92009).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .errors import INVALID_PARAMETER, error
from .fields import MAX_FRIENDLY_NAME

# Every type of the spec's `types` object, and the fields each requires (spec content v1 schemas).
REQUIRED = {
    "twilio/text": ("body",), "twilio/media": ("media",), "twilio/location": ("latitude", "longitude"),
    "twilio/list-picker": ("body", "button", "items"), "twilio/call-to-action": ("body", "actions"),
    "twilio/quick-reply": ("body", "actions"), "twilio/card": ("title",), "twilio/catalog": (),
    "twilio/carousel": (), "twilio/flows": (), "twilio/schedule": (), "whatsapp/card": ("body",),
    "whatsapp/authentication": ("actions",), "whatsapp/flows": (),
}
# What a WhatsApp or RCS message is sent as, richest first; SMS/MMS take only text and media [reference §7.5:
# "WhatsApp/RCS receive the richest type they support"; UNVERIFIED: the exact order].
RICH_ORDER = ("twilio/card", "whatsapp/card", "twilio/carousel", "twilio/catalog", "twilio/flows", "whatsapp/flows",
              "twilio/list-picker", "twilio/call-to-action", "twilio/quick-reply", "whatsapp/authentication",
              "twilio/location", "twilio/media", "twilio/text")
SMS_ORDER = ("twilio/media", "twilio/text")
# Types that cannot open a business-initiated WhatsApp conversation (docs errors/63016).
SESSION_ONLY = ("twilio/list-picker", "twilio/location")
MAX_TEMPLATE_TEXT = 1024  # a WhatsApp template's text with its values (docs errors/63021)
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
APPROVED, REJECTED, RECEIVED, UNSUBMITTED = "approved", "rejected", "received", "unsubmitted"
APPROVAL_OUTCOMES = (APPROVED, REJECTED, "pending", "paused", "disabled")

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")


@dataclass
class Approval:
    """A WhatsApp approval request: `received` until `decided_at` on the virtual clock, then `outcome`."""
    name: str
    category: str
    submitted_at: float
    decided_at: float
    outcome: str = APPROVED
    rejection_reason: str = ""

    def status_at(self, now: float) -> str:
        return self.outcome if now >= self.decided_at else RECEIVED


@dataclass
class Content:
    sid: str
    account_sid: str
    friendly_name: str
    language: str
    variables: dict
    types: dict
    date_created: float
    date_updated: float
    approval: dict | None = None  # an Approval's fields (stored as a record)

    def approval_at(self, now: float) -> tuple[str, Approval | None]:
        if not self.approval:
            return UNSUBMITTED, None
        found = Approval(**self.approval)
        return found.status_at(now), found


def _fail(message: str, param: str) -> None:
    # [UNVERIFIED] code: Twilio's Content API answers a malformed body with a 400; 20001 is its generic one.
    raise error(INVALID_PARAMETER, message, param=param)


def check(body: dict) -> tuple[str, str, dict, dict]:
    """(friendly_name, language, variables, types) of a create or update body, checked. The SDK sends every
    type key of its model, null when unused: those are dropped."""
    if not isinstance(body, dict):
        _fail("The body must be a JSON object.", "body")
    name = body.get("friendly_name") or ""
    if not isinstance(name, str) or len(name) > MAX_FRIENDLY_NAME:
        _fail(f"friendly_name must be a string of at most {MAX_FRIENDLY_NAME} characters.", "friendly_name")
    language = body.get("language")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*", language):
        _fail("language is required: an ISO 639-1 code such as en or pt_BR.", "language")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        _fail("variables must be an object of placeholder: sample value (strings).", "variables")
    types = body.get("types")
    if not isinstance(types, dict):
        _fail("types is required: an object keyed by content type (twilio/text …).", "types")
    types = {k: v for k, v in types.items() if v is not None}
    if "twilio/button" in types:
        raise error(92008, "Content type twilio/button is not supported.")  # docs errors/92008
    if not types:
        _fail("types must hold at least one content type.", "types")
    for kind, spec in types.items():
        if kind not in REQUIRED:
            _fail(f"{kind} is not a content type (one of {', '.join(REQUIRED)}).", "types")
        if not isinstance(spec, dict):
            _fail(f"types.{kind} must be an object.", "types")
        spec = types[kind] = {k: v for k, v in spec.items() if v is not None}
        for need in REQUIRED[kind]:
            if spec.get(need) in (None, "", []):
                _fail(f"types.{kind}.{need} is required.", "types")
        for text_field in ("body", "title", "subtitle", "button", "footer", "header_text", "label", "address", "id"):
            if text_field in spec and not isinstance(spec[text_field], str):
                _fail(f"types.{kind}.{text_field} must be a string.", "types")
        if "media" in spec and not (isinstance(spec["media"], list) and all(isinstance(m, str) for m in spec["media"])):
            _fail(f"types.{kind}.media must be a list of URLs.", "types")
        for list_field in ("actions", "items"):
            if list_field in spec and not (isinstance(spec[list_field], list)
                                           and all(isinstance(a, dict) for a in spec[list_field])):
                _fail(f"types.{kind}.{list_field} must be a list of objects.", "types")
        if kind == "twilio/text" and len(spec["body"]) > 1600:
            _fail("types.twilio/text.body is at most 1600 characters.", "types")
    return name, language, variables, types


def check_approval(body: dict) -> tuple[str, str]:
    name, category = body.get("name"), body.get("category")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,512}", name or ""):
        _fail("name is required: lowercase letters, digits and underscores.", "name")
    if not isinstance(category, str) or category.upper() not in CATEGORIES:
        _fail(f"category is required: one of {', '.join(CATEGORIES)}.", "category")
    return name, category.upper()


def placeholders(types: dict) -> set[str]:
    """Every {{key}} of a template's texts, media URLs and actions."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(json.dumps(types, ensure_ascii=False))}


def parse_variables(raw: str | None) -> dict[str, str]:
    """ContentVariables: a JSON object (as a string) of placeholder -> value; 21656 otherwise (docs)."""
    if raw is None or raw == "":
        return {}
    try:
        values = json.loads(raw)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise error(21656, "The ContentVariables Parameter is invalid: it must be a JSON object as a string.")
    out = {}
    for key, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or value == "":
            raise error(21656, f"The ContentVariables Parameter is invalid: {key!r} must be a non-empty string.")
        out[key] = value
    return out


@dataclass
class Rendered:
    """A template as one channel receives it."""
    type: str
    body: str
    media: list[str] = field(default_factory=list)
    spec: dict = field(default_factory=dict)  # the type's object with the values filled in (actions, items …)
    unknown_variables: tuple[str, ...] = ()  # keys of ContentVariables the template has no placeholder for


def _fill(value, values: dict[str, str]):
    if isinstance(value, str):
        if re.search(r"\{\{(?![^{}]*\}\})", value):  # `{{x}`: opened, never closed
            raise error(21656, f"The ContentVariables Parameter is invalid: malformed placeholder in {value!r}.")
        def sub(m):
            key = m.group(1)
            if not key:
                raise error(21656, "The ContentVariables Parameter is invalid: empty placeholder {{}}.")
            if key not in values:
                raise error(21656, f"The ContentVariables Parameter is invalid: no value for {{{{{key}}}}}.")
            return values[key]
        return _PLACEHOLDER.sub(sub, value)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def text_of(kind: str, spec: dict) -> str:
    """The text a message of this type shows (its `body`), as the created Message's body [UNVERIFIED: reference
    §7.5 "the created Message's body holds the rendered text"]."""
    if kind == "twilio/card":
        return "\n".join(t for t in (spec.get("title", ""), spec.get("subtitle", "")) if t)
    if kind == "twilio/location":
        return spec.get("label") or spec.get("address") or ""
    if kind == "whatsapp/authentication":
        return "{{1}} is your verification code."  # Meta's fixed authentication text [UNVERIFIED wording]
    return spec.get("body", "")


def render(content: Content, raw_variables: str | None, rich: bool) -> Rendered:
    """The template for a channel: `rich` (WhatsApp, RCS) takes the richest type it has, SMS/MMS its
    twilio/media or twilio/text (19023 when it has neither: docs errors/19023). Values: ContentVariables,
    else the template's own defaults; a placeholder left without either is 21656."""
    given = parse_variables(raw_variables)
    order = RICH_ORDER if rich else SMS_ORDER
    kind = next((k for k in order if k in content.types), None)
    if kind is None:
        raise error(19023, "Invalid channel type: the content has no twilio/text or twilio/media type for SMS.")
    values = {**{k: str(v) for k, v in content.variables.items()}, **given}
    spec = content.types[kind]
    text = text_of(kind, spec)
    if kind == "whatsapp/authentication":
        values.setdefault("1", given.get("1", ""))
        if not values["1"]:
            raise error(21656, "The ContentVariables Parameter is invalid: an authentication template needs "
                               "{{1}}, the code.")
    filled = _fill(spec, values)
    unknown = tuple(sorted(set(given) - placeholders(content.types) - ({"1"} if kind == "whatsapp/authentication"
                                                                        else set())))
    return Rendered(type=kind, body=_fill(text, values), media=list(filled.get("media") or []), spec=filled,
                    unknown_variables=unknown)
