"""domain.records: a dataclass built by keyword through a function that calls it by position."""
import dataclasses
import inspect

import pytest

from twilio_emulator.domain.messages import Message, SendRequest, message_of, new_send_request
from twilio_emulator.domain.records import by_keyword


@pytest.mark.parametrize("cls, make", [(SendRequest, new_send_request), (Message, message_of)])
def test_it_takes_what_the_class_takes_with_the_same_defaults(cls, make):
    ours = [(p.name, p.kind, p.default) for p in inspect.signature(make).parameters.values()]
    theirs = [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]
    assert ours == theirs


def test_it_builds_what_the_class_builds_and_each_gets_its_own_default_list():
    fields = {"to": "+14155550199", "body": "hi", "validity_period": 60, "fallback_from": "+14155550100"}
    made = new_send_request(**fields)
    assert made == SendRequest(**fields)
    assert made.media_urls == [] and made.media_urls is not new_send_request(to="x").media_urls
    assert new_send_request("+1", "+2", "x") == SendRequest("+1", "+2", "x")
    with pytest.raises(TypeError):
        new_send_request(too="+14155550199")


def test_a_class_with_keyword_only_fields_is_refused():
    @dataclasses.dataclass
    class KeywordOnly:
        a: int
        b: int = dataclasses.field(default=0, kw_only=True)

    with pytest.raises(TypeError):
        by_keyword(KeywordOnly)
