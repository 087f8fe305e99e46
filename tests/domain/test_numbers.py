"""Phone number parsing, capabilities and the available-number generator (pure)."""
import random

from twilio_emulator.domain import numbers


def test_parse_e164_and_geo():
    n = numbers.parse("+14155550100")
    assert (n.e164, n.country, n.kind, n.national, n.city, n.state) == (
        "+14155550100", "US", "local", "(415) 555-0100", "SAN FRANCISCO", "CA")
    assert numbers.parse("+15555555555") is None and numbers.parse("") is None and numbers.parse("x") is None
    assert numbers.parse("415 555 0100", "US").e164 == "+14155550100"
    assert numbers.parse("+18005551212").kind == "toll-free"
    assert numbers.parse("+447911123456").kind == "mobile"


def test_capabilities():
    assert numbers.capabilities(numbers.parse("+14155550100"))["mms"] is True
    assert numbers.capabilities(numbers.parse("+442071234567"))["sms"] is False  # UK landline: voice only
    assert numbers.capabilities(numbers.parse("+447911123456")) == {"voice": True, "sms": True, "mms": False,
                                                                    "fax": False}


def test_contains_pattern():
    assert numbers.contains_pattern("CAT").pattern == "228"
    assert numbers.contains_pattern("5*5").pattern == r"5\d5"
    assert numbers.contains_pattern("x") is None and numbers.contains_pattern("12$34") is None


def test_search_is_reproducible_with_a_seed_and_skips_taken_numbers():
    criteria = numbers.SearchCriteria(country="US", kind="local", area_code="415")
    first = numbers.search_available(criteria, random.Random(7), 5)
    assert first == numbers.search_available(criteria, random.Random(7), 5)
    again = numbers.search_available(criteria, random.Random(7), 5, taken={first[0].e164})
    assert first[0] not in again


def test_search_nothing_for_a_kind_a_country_lacks():
    assert numbers.search_available(numbers.SearchCriteria(country="GB", kind="local", mms=True),
                                    random.Random(1), 3) == []
