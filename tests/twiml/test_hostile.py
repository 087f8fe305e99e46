"""Hostile TwiML (issue 13): DTDs and entities in any encoding, with or without a BOM, billion laughs, huge,
deep, and wide documents. Each is refused with 12100 or 11750, or carried out with at most one alert per code,
and the emulator answers other requests while it works on them."""
from __future__ import annotations

import codecs
import threading

import pytest
import requests

from twilio_emulator.twiml import parse
from twilio_emulator.twiml.errors import TwimlError

from tests.support.numbers import configure
from tests.support.receiver import Receiver

HANDSET = "+14155550188"
DTDS = {
    "internal entity": '<!DOCTYPE Response [<!ENTITY x "EXPANDED">]><Response><Message>&x;</Message></Response>',
    "external entity": '<!DOCTYPE Response [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       '<Response><Message>&x;</Message></Response>',
    "parameter entity": '<!DOCTYPE Response [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>'
                        '<Response><Message>hi</Message></Response>',
    "billion laughs": '<!DOCTYPE Response [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                      '<Response><Message>&d;</Message></Response>',
    "doctype only": '<!DOCTYPE Response SYSTEM "http://127.0.0.1:9/x.dtd"><Response><Message>hi</Message></Response>',
}
ENCODINGS = {  # name in the XML declaration, Python codec, BOM
    "UTF-8": ("utf-8", b""), "UTF-8 BOM": ("utf-8", codecs.BOM_UTF8), "UTF-16": ("utf-16-le", codecs.BOM_UTF16_LE),
    "UTF-16BE": ("utf-16-be", b""), "UTF-16LE": ("utf-16-le", b""), "UTF-32": ("utf-32-le", codecs.BOM_UTF32_LE),
    "UTF-32BE": ("utf-32-be", b""),
}


def encoded(document: str, name: str) -> bytes:
    codec, bom = ENCODINGS[name]
    declared = name.replace(" BOM", "")
    return bom + f'<?xml version="1.0" encoding="{declared}"?>{document}'.encode(codec)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("kind", DTDS)
def test_a_dtd_is_refused_in_every_encoding(kind, encoding):
    with pytest.raises(TwimlError) as caught:
        parse.document(encoded(DTDS[kind], encoding))
    assert caught.value.code == 12100


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_plain_document_parses_in_every_encoding(encoding):
    root = parse.document(encoded("<Response><Message>héllo ☃</Message></Response>", encoding))
    assert root.tag == "Response" and root[0].text == "héllo ☃"


def test_deep_nesting_is_a_parse_failure():
    depth = 20000
    with pytest.raises(TwimlError) as caught:
        parse.document(b"<Response>" + b"<a>" * depth + b"</a>" * depth + b"</Response>")
    assert caught.value.code in (12100, 11750)


def inject(server, number: str) -> dict:
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=60,
                         json={"From": HANDSET, "To": number, "Body": "hi", "wait": True}).json()["outcome"]


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-32BE", "UTF-8 BOM"])
def test_a_dtd_in_another_encoding_reaches_no_reply_through_the_server(server, client, number, encoding):
    with Receiver(routes={"/sms": (200, encoded(DTDS["internal entity"], encoding), "text/xml")}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = inject(server, number)
    assert [a["error_code"] for a in outcome["alerts"]] == [12100]
    assert outcome["replies"] == []


def test_a_10_mb_document_is_11750(server, client, number):
    big = b"<Response><Message>" + b"x" * (10 * 1024 * 1024) + b"</Message></Response>"
    with Receiver(routes={"/sms": (200, big, "text/xml")}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = inject(server, number)
    assert [a["error_code"] for a in outcome["alerts"]] == [11750]


@pytest.mark.parametrize("shape", ["attributes", "children", "refused messages"])
def test_thousands_of_warnings_are_one_alert_per_code_with_a_count(server, client, number, account, shape):
    if shape == "attributes":  # a 64 kB document: one unknown attribute after another
        attrs = " ".join(f"a{i}='1'" for i in range(5000))
        document, code, count = f"<Response {attrs}><Message>ok</Message></Response>", 12200, 5000
    elif shape == "children":
        document, code, count = "<Response>" + "<Nope/>" * 5000 + "<Message>ok</Message></Response>", 12200, 5000
    else:  # each <Message> refused by the Messages API: 14101 each
        document = "<Response>" + '<Message to="not a number">x</Message>' * 500 + "<Message>ok</Message></Response>"
        code, count = 14101, 500
    assert len(document) <= 64 * 1024
    answered = threading.Event()
    others: list[int] = []
    with Receiver(routes={"/sms": (200, document, "text/xml")}) as app:
        configure(client, number, sms_url=app.url("/sms"))

        def meanwhile() -> None:  # the emulator keeps answering while it works on the document
            while not answered.is_set():
                others.append(requests.get(f"{server.base_url}/2010-04-01/Accounts/{account[0]}.json",
                                           auth=account, timeout=10).status_code)
        thread = threading.Thread(target=meanwhile)
        thread.start()
        try:
            outcome = inject(server, number)
        finally:
            answered.set()
            thread.join(10)
    alerts = [a for a in outcome["alerts"] if a["error_code"] == code]
    assert len(alerts) == 1, [a["error_code"] for a in outcome["alerts"]]
    assert f"(and {count - 1} more warnings {code} in this document)" in alerts[0]["alert_text"]
    assert len({a["error_code"] for a in outcome["alerts"]}) == len(outcome["alerts"])  # one per code
    assert [m["body"] for m in outcome["replies"]] == ["ok"]
    assert others and set(others) == {200}
