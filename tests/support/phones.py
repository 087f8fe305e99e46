"""What a handset does and gets, through the control API: a text to one of your numbers (waiting until its
webhook has run), and the messages a handset received (waiting until it has `count`); and the status and code of
a refused SDK call."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException


def inject(server, from_, to, body) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30,
                           json={"From": from_, "To": to, "Body": body, "wait": True})
    assert answer.status_code == 201, answer.text
    return answer.json()


def received(server, number, count) -> list[dict]:
    return requests.get(f"{server.base_url}/_emulator/v1/handsets/{number}/messages", timeout=30,
                        params={"count": count, "timeout": 10}).json()["messages"]


def refused(call) -> tuple[int, int]:
    with pytest.raises(TwilioRestException) as exc:
        call()
    return exc.value.status, exc.value.code
