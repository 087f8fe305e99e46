"""IncomingPhoneNumbers and AvailablePhoneNumbers through the official SDK."""
from __future__ import annotations

import phonenumbers
import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException


def test_buy_a_specific_number_with_webhooks(client, account):
    n = client.incoming_phone_numbers.create(phone_number="+14155550100", sms_url="https://app.example/sms",
                                             sms_method="GET", friendly_name="Support line")
    assert n.sid.startswith("PN") and n.account_sid == account[0]
    assert (n.phone_number, n.friendly_name) == ("+14155550100", "Support line")
    assert (n.sms_url, n.sms_method, n.sms_fallback_method) == ("https://app.example/sms", "GET", "POST")
    assert n.capabilities == {"voice": True, "sms": True, "mms": True, "fax": True}
    assert n.status == "in-use" and n.origin == "twilio" and n.type == "local"
    assert n.uri == f"/2010-04-01/Accounts/{account[0]}/IncomingPhoneNumbers/{n.sid}.json"


def test_default_friendly_name_is_the_national_format(client):
    n = client.incoming_phone_numbers.create(phone_number="+14155550101")
    assert n.friendly_name == "(415) 555-0101"


def test_buy_by_area_code(client):
    n = client.incoming_phone_numbers.create(area_code="303")
    assert n.phone_number.startswith("+1303")


def test_buying_an_owned_number_fails_21422(client, main_client):
    main_client.incoming_phone_numbers.create(phone_number="+14155550102")
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers.create(phone_number="+14155550102")
    assert exc.value.code == 21422


def test_buying_an_invalid_number_fails_21421(client):
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers.create(phone_number="+1555")
    assert exc.value.code == 21421


def test_buying_in_an_invalid_area_code_fails_21451(client):
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers.create(area_code="099")
    assert exc.value.code == 21451


def test_invalid_sms_method_is_refused_and_nothing_is_bought(client):
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers.create(phone_number="+14155550103", sms_method="PUT")
    assert exc.value.status == 400
    assert client.incoming_phone_numbers.list() == []


def test_list_with_phone_number_and_friendly_name_filters(client):
    client.incoming_phone_numbers.create(phone_number="+14155550104", friendly_name="alpha")
    client.incoming_phone_numbers.create(phone_number="+12125550105", friendly_name="beta")
    assert [n.friendly_name for n in client.incoming_phone_numbers.list()] == ["alpha", "beta"]
    assert [n.friendly_name for n in client.incoming_phone_numbers.list(phone_number="415")] == ["alpha"]
    assert [n.friendly_name for n in client.incoming_phone_numbers.list(phone_number="555010*")] == \
        ["alpha", "beta"]
    assert [n.friendly_name for n in client.incoming_phone_numbers.list(friendly_name="beta")] == ["beta"]


def test_list_pages(client):
    for i in range(5):
        client.incoming_phone_numbers.create(phone_number=f"+1415555011{i}")
    assert len(list(client.incoming_phone_numbers.stream(page_size=2))) == 5


def test_local_mobile_toll_free_views(client):
    client.incoming_phone_numbers.local.create(phone_number="+14155550120")
    client.incoming_phone_numbers.toll_free.create(phone_number="+18005550121")
    client.incoming_phone_numbers.mobile.create(phone_number="+447911123457")
    assert [n.phone_number for n in client.incoming_phone_numbers.local.list()] == ["+14155550120"]
    assert [n.phone_number for n in client.incoming_phone_numbers.toll_free.list()] == ["+18005550121"]
    mobile = client.incoming_phone_numbers.mobile.list()
    assert [n.phone_number for n in mobile] == ["+447911123457"]
    assert mobile[0].capabilities["sms"] is True and mobile[0].capabilities["mms"] is False
    with pytest.raises(TwilioRestException) as exc:  # a local number is not a toll-free one
        client.incoming_phone_numbers.toll_free.create(phone_number="+14155550122")
    assert exc.value.code == 21421


def test_fetch_update_delete(client):
    n = client.incoming_phone_numbers.create(phone_number="+14155550130")
    assert client.incoming_phone_numbers(n.sid).fetch().phone_number == "+14155550130"
    updated = client.incoming_phone_numbers(n.sid).update(sms_url="https://app.example/in",
                                                          sms_fallback_url="https://app.example/fb",
                                                          status_callback="https://app.example/status",
                                                          voice_url="https://app.example/voice")
    assert (updated.sms_url, updated.sms_fallback_url) == ("https://app.example/in", "https://app.example/fb")
    assert (updated.status_callback, updated.voice_url) == ("https://app.example/status", "https://app.example/voice")
    assert client.incoming_phone_numbers(n.sid).delete() is True
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers(n.sid).fetch()
    assert exc.value.code == 20404


def test_fallback_url_without_sms_url_21406(client):
    n = client.incoming_phone_numbers.create(phone_number="+14155550131")
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers(n.sid).update(sms_fallback_url="https://app.example/fb")
    assert exc.value.code == 21406


def test_released_number_can_no_longer_send(client):
    n = client.incoming_phone_numbers.create(phone_number="+14155550132")
    client.incoming_phone_numbers(n.sid).delete()
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to="+14155550199", from_="+14155550132", body="x")
    assert exc.value.code == 21606


def test_another_accounts_number_is_not_found(client, main_client):
    theirs = main_client.incoming_phone_numbers.create(phone_number="+14155550133")
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers(theirs.sid).fetch()
    assert exc.value.code == 20404


def test_transfer_a_number_to_a_subaccount(main_client, account):
    n = main_client.incoming_phone_numbers.create(phone_number="+14155550134")
    moved = main_client.incoming_phone_numbers(n.sid).update(account_sid=account[0])
    assert moved.account_sid == account[0]


# ---- AvailablePhoneNumbers ------------------------------------------------------------------------------------

def test_countries_and_one_country(client):
    countries = {c.country_code: c for c in client.available_phone_numbers.list()}
    assert {"US", "CA", "GB"} <= set(countries)
    us = client.available_phone_numbers("US").fetch()
    assert us.country == "United States" and set(us.subresource_uris) == {"local", "toll_free"}


def test_search_local_by_area_code(client):
    found = client.available_phone_numbers("US").local.list(area_code=415, limit=5)
    assert len(found) == 5
    assert all(n.phone_number.startswith("+1415") and n.region == "CA" and n.iso_country == "US" for n in found)
    assert all(n.capabilities["sms"] for n in found)


def test_search_contains_and_in_region(client):
    found = client.available_phone_numbers("US").local.list(contains="555", in_region="NY", limit=3)
    assert len(found) == 3
    assert all("555" in n.phone_number[2:] and n.region == "NY" for n in found)


def test_search_contains_letters_on_the_keypad(client):
    found = client.available_phone_numbers("US").local.list(contains="TWILIO", limit=2)
    assert found and all("894546" in n.phone_number for n in found)


def test_search_toll_free_and_mobile(client):
    tf = client.available_phone_numbers("US").toll_free.list(limit=3)
    assert len(tf) == 3 and all(n.phone_number.startswith("+18") for n in tf)
    gb = client.available_phone_numbers("GB").mobile.list(sms_enabled=True, limit=3)
    assert len(gb) == 3 and all(n.phone_number.startswith("+447") for n in gb)
    assert client.available_phone_numbers("GB").mobile.list(mms_enabled=True, limit=3) == []


def test_searched_numbers_can_be_bought_and_are_then_not_offered(client):
    found = client.available_phone_numbers("US").local.list(area_code=720, limit=1)[0]
    bought = client.incoming_phone_numbers.create(phone_number=found.phone_number)
    assert bought.phone_number == found.phone_number
    again = client.available_phone_numbers("US").local.list(area_code=720, limit=50)
    assert found.phone_number not in [n.phone_number for n in again]


def test_unknown_country_404_and_bad_area_code_21451(client):
    with pytest.raises(TwilioRestException) as exc:
        client.available_phone_numbers("ZZ").fetch()
    assert exc.value.code == 20404
    with pytest.raises(Exception):
        client.available_phone_numbers("US").local.list(area_code=99)


def test_contains_with_a_plus_matches_the_e164_number(client):
    # Issue 14: a pattern with + and the country code (the spec's start anchor) found nothing.
    found = client.available_phone_numbers("US").local.list(contains="+1415*******", limit=3)
    assert len(found) == 3 and all(n.phone_number.startswith("+1415") for n in found)
    found = client.available_phone_numbers("GB").mobile.list(contains="+447*", limit=2)
    assert found and all(n.phone_number.startswith("+447") for n in found)
    assert client.available_phone_numbers("US").local.list(contains="+44*", limit=2) == []
    # Without +, a pattern still matches anywhere in the national number.
    assert all("555" in n.phone_number[2:] for n in
               client.available_phone_numbers("US").local.list(contains="555", limit=2))


def test_searches_offer_only_assigned_geographic_area_codes(client):
    # Issue 14, item 12: +1529… (a personal-communications code, not a place) was offered.
    geographic = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    for country in ("US", "CA"):
        found = client.available_phone_numbers(country).local.list(limit=300)
        assert len(found) > 100
        for n in found:
            parsed = phonenumbers.parse(n.phone_number)
            assert phonenumbers.number_type(parsed) in geographic, n.phone_number
            assert phonenumbers.region_code_for_number(parsed) == country
    for unassigned in (529, 500, 900):
        with pytest.raises(TwilioException) as exc:  # the SDK's list() wraps the error JSON in its message
            client.available_phone_numbers("US").local.list(area_code=unassigned)
        assert '"code": 21451' in str(exc.value)
    assert {n.region for n in client.available_phone_numbers("US").local.list(area_code=206, limit=3)} == {"WA"}


def test_a_search_by_locality_alone_finds_that_citys_numbers(client):
    found = client.available_phone_numbers("US").local.list(in_locality="Tulsa", limit=10)
    assert len(found) == 10 and {(n.locality, n.region) for n in found} == {("Tulsa", "OK")}
    assert all(n.phone_number.startswith(("+1918", "+1539")) for n in found)
    assert client.available_phone_numbers("US").local.list(in_locality="Tulsa", in_region="CA") == []
    assert client.available_phone_numbers("US").local.list(in_locality="Tulsa", area_code="918", limit=3)
    assert client.available_phone_numbers("US").local.list(in_locality="Nowhere Such") == []


def test_search_filters_the_simulated_world_has_no_data_for_are_refused(client):
    for name, value in (("in_postal_code", "74103"), ("in_rate_center", "TULSA"), ("in_lata", "536"),
                        ("near_lat_long", "36.15,-95.99")):
        with pytest.raises(TwilioException) as refused:  # the SDK's list wraps the 400 it got
            client.available_phone_numbers("US").local.list(**{name: value})
        assert "HTTP 400" in str(refused.value) and "not emulated" in str(refused.value)
