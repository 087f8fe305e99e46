"""The cookie jar's rules (domain.cookies): RFC 6265 matching with Twilio's 4-hour limit."""
from __future__ import annotations

from twilio_emulator.domain import cookies

NOW = 1_700_000_000.0


def jar_after(*headers, url="https://app.example.com/sms/in"):
    return cookies.update([], [(url, h) for h in headers], NOW)


def test_expiry_is_capped_at_four_hours_and_a_shorter_one_kept():
    by_name = {c.name: c for c in jar_after("long=1; Max-Age=999999", "short=1; Max-Age=60",
                                            "dated=1; Expires=Wed, 01 Jan 2099 00:00:00 GMT", "plain=1")}
    assert by_name["long"].expires == by_name["dated"].expires == by_name["plain"].expires == NOW + 4 * 3600
    assert by_name["short"].expires == NOW + 60


def test_default_path_domain_and_secure():
    jar = jar_after("a=1", "b=2; Path=/", "c=3; Secure", "d=4; Domain=example.com; Path=/", "e=5; Domain=other.com")
    assert {c.name for c in jar} == {"a", "b", "c", "d"}  # a Domain that is not the URL's is ignored
    assert cookies.header(jar, "https://app.example.com/sms/next", NOW) == "a=1; c=3; b=2; d=4"
    assert cookies.header(jar, "http://app.example.com/other", NOW) == "b=2; d=4"  # no Secure one over http
    assert cookies.header(jar, "https://api.example.com/", NOW) == "d=4"  # Domain: its subdomains too
    assert cookies.header(jar, "https://example.org/", NOW) is None
    assert cookies.header(jar, "https://app.example.com/", NOW + 4 * 3600) is None


def test_a_cookie_replaces_its_namesake_and_an_expired_one_removes_it():
    jar = jar_after("a=1; Path=/", "a=2; Path=/", "b=1; Path=/")
    assert cookies.header(jar, "https://app.example.com/", NOW) == "a=2; b=1"
    jar = cookies.update(jar, [("https://app.example.com/", "a=x; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")],
                         NOW)
    assert cookies.header(jar, "https://app.example.com/", NOW) == "b=1"
    assert cookies.from_json(cookies.to_json(jar)) == jar


def test_not_a_cookie_is_ignored():
    assert jar_after("no equals sign", "=", "x" * 5000 + "=1") == []
