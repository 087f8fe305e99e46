"""Smart Encoding: Unicode look-alikes replaced with GSM-7 characters before a message is counted and sent.

Twilio applies it when a message sets SmartEncoded=true or its Messaging Service has smart_encoding on (spec).
Twilio's own table is not published; this one follows the public approximation in reference §10.3 (Twilio
DevEd's message-segment-calculator) [UNVERIFIED as exact], with three choices of ours:
- every Unicode space (and TAB) becomes one space (the calculator turns some into two, TAB into seven);
- ‹ becomes < and › becomes > (the calculator swaps them);
- nothing in the CJK punctuation block (U+3000-U+303F) or with emoji presentation (✨ ❄ ❇) is touched:
  emoji and CJK are never transliterated.
Pure: stdlib only.
"""
from __future__ import annotations

_GROUPS: dict[str, str] = {
    '"': "\u00ab\u00bb\u201c\u201d\u02ba\u02ee\u201f\u201e\u275d\u275e",
    "'": "\u2018\u2019\u02bb\u02c8\u02bc\u02bd\u02b9\u201b\u00b4\u02ca\u0060\u02cb\u275b\u275c\u0313\u0314"
         "\ufe10\ufe11",
    "-": "\u2013\u2014\u2010\u2015\u2043\u2022\u23bc\u23bd\ufe63\ufe58",
    "...": "\u2026",
    "/": "\u00f7\u29f8\u0337\u0338\u2044\u2215",
    "1/4": "\u00bc", "1/2": "\u00bd", "3/4": "\u00be",
    "\\": "\u29f9\u29f5\u20e5\ufe68",
    "_": "\u0332\u2017",
    "|": "\u20d2\u20d3\u2223\u23b8\u23b9\u23d0\u239c\u239f",
    "!": "\u01c3\ufe15\ufe57", "!!": "\u203c",
    ",": "\u201a\u0326\ufe50\ufe51",
    ".": "\ufe52",
    ";": "\ufe54", ":": "\ufe55", "?": "\ufe56", "(": "\ufe59", ")": "\ufe5a", "{": "\ufe5b", "}": "\ufe5c",
    "#": "\ufe5f", "&": "\ufe60", "+": "\ufe62", "=": "\ufe66", "$": "\ufe69", "%": "\ufe6a", "@": "\ufe6b",
    "*": "\u204e\u2217\u229b\ufe61",
    "<": "\ufe64\u2039", ">": "\ufe65\u203a",
    " ": "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u2028\u2029"
         "\u0080\u008d\u0090\u009b\u009f",
    "": "\u0000\u0003\u0004\u0010\u0011\u0012\u0013\u0014\u0017\u0019\u200b\u2060\ufeff",
}
# Small capitals (ᴀ ʙ ᴄ …) read as capitals.
_SMALL_CAPITALS = dict(zip("ABCDEFGHIJKLMNOPRSTUVWYZ", "\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a"
                                                     "\u1d0a\u1d0b\u029f\u1d0d\u0274\u1d0f\u1d18\u0280\ua731"
                                                     "\u1d1b\u1d1c\u1d20\u1d21\u028f\u1d22"))
_EMOJI = {"\u2728", "\u2744", "\u2747"}  # inside the dingbat asterisks, but emoji: left alone


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Fullwidth forms U+FF01-U+FF5E are ASCII shifted by 0xFEE0; the fullwidth grave accent becomes an
    # apostrophe, since ` itself is not GSM-7.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0xFF40] = "'"
    table[0xFF61], table[0xFF64] = ".", ","  # halfwidth ideographic full stop and comma
    for code in range(0x2722, 0x274C):  # dingbat asterisks, stars and florettes
        if chr(code) not in _EMOJI:
            table[code] = "*"
    for target, sources in _GROUPS.items():
        for ch in sources:
            table[ord(ch)] = target
    for target, source in _SMALL_CAPITALS.items():
        table[ord(source)] = target
    return table


TABLE = _table()


def smart_encode(text: str) -> str:
    """`text` with every look-alike replaced; characters without a GSM-7 equivalent are left as they are."""
    return text.translate(TABLE)
