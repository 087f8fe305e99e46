"""The one validator of a resource's settable fields (snake_case, as the domain keeps them): types, HTTP
methods, URLs, SID patterns, enums, FriendlyName's 64 characters. Each resource declares its Rules; REST,
the control API and scenario files go through the same check. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import INVALID_PARAMETER, error
from .messages import is_http_url
from .sids import is_sid

MAX_FRIENDLY_NAME = 64


def pascal(name: str) -> str:
    """sms_url -> SmsUrl: the parameter a field is set by."""
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass(frozen=True)
class Rules:
    settable: dict  # field -> the value Twilio shows when it is unset
    methods: tuple[str, ...] = ()  # GET or POST (upper-cased in place)
    urls: tuple[str, ...] = ()  # http(s) URLs, "" clears one
    sids: dict = field(default_factory=dict)  # field -> SID prefix (the spec's ^AP[0-9a-fA-F]{32}$ …)
    enums: dict = field(default_factory=dict)  # field -> allowed values
    bools: tuple[str, ...] = ()


def check(config: dict, rules: Rules) -> None:
    """Raises TwilioError naming the parameter. None values mean "not given" and are skipped."""
    unknown = set(config) - set(rules.settable)
    if unknown:
        raise error(INVALID_PARAMETER, f"unknown fields: {', '.join(sorted(unknown))}", param=sorted(unknown)[0])
    for name, value in config.items():
        if value is None:
            continue
        if name in rules.bools:
            if not isinstance(value, bool):
                raise error(INVALID_PARAMETER, f"{pascal(name)} must be true or false.", param=name)
        elif not isinstance(value, str):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be a string, not {value!r}.", param=name)
    for name in rules.methods:
        value = config.get(name)
        if value is not None and value.upper() not in ("GET", "POST"):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be GET or POST.", param=name)
        if value is not None:
            config[name] = value.upper()
    for name in rules.urls:
        value = config.get(name)
        if value and not is_http_url(value):
            raise error(INVALID_PARAMETER, f"{pascal(name)} is not a valid URL: {value}", param=name)
    for name, prefix in rules.sids.items():
        value = config.get(name)
        # [UNVERIFIED] Twilio's code for a SID parameter that breaks the spec's pattern: 20001.
        if value and not is_sid(value, prefix):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be a SID of the form {prefix} + 32 hex digits, "
                                           f"not {value!r}.", param=name)
    for name, allowed in rules.enums.items():
        value = config.get(name)
        if value is not None and value not in allowed:
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be one of {', '.join(allowed)}, not {value!r}.",
                        param=name)
    if config.get("friendly_name") is not None and len(config["friendly_name"]) > MAX_FRIENDLY_NAME:
        raise error(INVALID_PARAMETER, f"FriendlyName must be {MAX_FRIENDLY_NAME} characters or fewer.",
                    param="friendly_name")
