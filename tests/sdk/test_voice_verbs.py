"""Calls a test holds a conversation with: <Gather>, <Record> and <Dial>, carried out by a scripted phone, with
signed action requests; Recordings through the official SDK and their audio; the voice status callback of an
inbound call; an outbound call whose handset presses a key."""
from __future__ import annotations

import io
import wave

import pytest
import requests
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

import twilio_emulator
from tests.support.numbers import configure
from tests.support.receiver import Receiver

XML = "text/xml"
CALLER = "+14155550166"
SALES = "+14155550167"


def twiml(response: VoiceResponse) -> tuple[int, str, str]:
    return 200, str(response), XML


def saying(text: str) -> tuple[int, str, str]:
    response = VoiceResponse()
    response.say(text)
    return twiml(response)


def call(server, **fields) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/calls", json={"wait": True, **fields}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def handset(server, number: str, **fields) -> None:
    made = requests.post(f"{server.base_url}/_emulator/v1/handsets", json={"number": number, **fields}, timeout=10)
    assert made.status_code in (200, 201), made.text


def signed(request, token: str) -> bool:
    return RequestValidator(token).validate(request.url, {k: v[0] for k, v in request.form.items()},
                                            request.headers["X-Twilio-Signature"])


def test_an_ivr_menu_gathers_a_key_and_dials_sales(server, client, account, number):
    menu = VoiceResponse()
    gather = Gather(num_digits=1, action="/menu")
    gather.say("Press 1 for sales")
    menu.append(gather)
    menu.say("We did not get that")
    transfer = VoiceResponse()
    dial = Dial(action="/dial-done", timeout=20)
    dial.number(SALES)
    transfer.append(dial)
    handset(server, SALES, call_behaviour="answer", call_script=[{"wait": 42}, {"hangup": True}])
    with Receiver(routes={"/voice": twiml(menu), "/menu": twiml(transfer),
                          "/dial-done": saying("Bye")}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number, script=[{"wait": 2}, {"press": "1"}])
        got = app.wait_for(3)
    assert app.paths() == ["/voice", "/menu", "/dial-done"]
    pressed, done = got[1], got[2]
    assert pressed.param("Digits") == "1" and pressed.param("CallSid") == data["sid"] and signed(pressed, account[1])
    assert (done.param("DialCallStatus"), done.param("DialCallDuration")) == ("completed", "42")
    assert signed(done, account[1])
    verbs = [step["verb"] for step in data["transcript"]]
    assert verbs == ["Say", "Gather", "Dial", "Say"]
    assert data["transcript"][0]["text"] == "Press 1 for sales"  # the prompt the caller heard
    assert data["transcript"][1]["digits"] == "1"
    child = client.calls(done.param("DialCallSid")).fetch()
    assert (child.parent_call_sid, child.to, child._from, child.status, child.duration) == (
        data["sid"], SALES, CALLER, "completed", "42")
    assert child.direction == "outbound-dial"
    assert [c.sid for c in client.calls.list(parent_call_sid=data["sid"])] == [child.sid]
    assert client.calls(data["sid"]).fetch().status == "completed"


def test_a_voicemail_records_what_the_caller_says_and_serves_the_audio(server, client, account, number):
    greeting = VoiceResponse()
    greeting.say("Leave a message after the beep")
    greeting.record(max_length=10, action="/rec", recording_status_callback="/rec-status")
    greeting.say("unreachable: the action's answer continues the call")
    with Receiver(routes={"/voice": twiml(greeting), "/rec": saying("Thanks"),
                          "/rec-status": (200, "", "text/plain")}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number, script=[{"record": 4}, {"hangup": True}])
        got = app.wait_until(lambda rs: len(rs) >= 3)
    by_path = dict(zip(app.paths(), got))
    rec = by_path["/rec"]
    assert (rec.param("RecordingDuration"), rec.param("Digits")) == ("4", "hangup") and signed(rec, account[1])
    url, sid = rec.param("RecordingUrl"), rec.param("RecordingSid")
    assert url.endswith(f"/Recordings/{sid}") and sid.startswith("RE")
    audio = requests.get(url, timeout=10)  # no credentials needed, as on Twilio by default
    assert audio.headers["Content-Type"] == "audio/x-wav"
    with wave.open(io.BytesIO(audio.content)) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(4, abs=0.5)
    mp3 = requests.get(url + ".mp3", timeout=10)
    assert mp3.headers["Content-Type"] == "audio/mpeg" and mp3.content[:2] == b"\xff\xfb"
    status = by_path["/rec-status"]
    assert (status.param("RecordingSid"), status.param("RecordingStatus")) == (sid, "completed")
    [listed] = client.recordings.list()
    assert (listed.sid, listed.call_sid, listed.duration, listed.source) == (sid, data["sid"], "4", "RecordVerb")
    assert [r.sid for r in client.calls(data["sid"]).recordings.list()] == [sid]
    assert client.calls(data["sid"]).recordings(sid).fetch().call_sid == data["sid"]
    assert [step["verb"] for step in data["transcript"]] == ["Say", "Record"]  # hung up: "Thanks" not heard
    assert client.recordings(sid).delete() is True
    assert client.recordings.list() == []
    assert requests.get(url, timeout=10).status_code == 404


def test_silence_makes_no_recording_and_the_next_verb_runs(server, client, number):
    greeting = VoiceResponse()
    greeting.record(timeout=3, action="/rec")
    greeting.say("I did not receive a recording")
    with Receiver(routes={"/voice": twiml(greeting)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number, script=[])
        assert app.paths() == ["/voice"]
    assert [step["verb"] for step in data["transcript"]] == ["Record", "Say"]
    assert client.recordings.list() == []


def test_speech_is_recognised_and_no_input_falls_through(server, client, number):
    ask = VoiceResponse()
    gather = Gather(input="speech", action="/said", timeout=3)
    gather.say("Sales or billing?")
    ask.append(gather)
    ask.say("No answer, goodbye")
    with Receiver(routes={"/voice": twiml(ask), "/said": saying("Billing it is")}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        spoken = call(server, From=CALLER, To=number, script=[{"press": "9"}, {"say": "billing"}])
        [_, said] = app.wait_for(2)
        assert (said.param("SpeechResult"), said.param("Confidence")) == ("billing", "0.9")
        assert said.param("Digits") is None  # input="speech": the key press is not heard
        assert [s["verb"] for s in spoken["transcript"]] == ["Say", "Gather", "Say"]
        silent = call(server, From=CALLER, To=number, script=[{"wait": 10}])
        assert app.paths() == ["/voice", "/said", "/voice"]  # no request for the silent gather
    assert [s.get("text") for s in silent["transcript"] if s["verb"] == "Say"] == ["Sales or billing?",
                                                                                  "No answer, goodbye"]
    assert silent["transcript"][1]["timed_out"] is True


@pytest.mark.parametrize("behaviour,status", [("busy", "busy"), ("no-answer", "no-answer"), ("failed", "failed")])
def test_a_dialled_handset_that_does_not_answer(server, client, number, behaviour, status):
    callee = {"busy": "+14155550168", "no-answer": "+14155550169", "failed": "+14155550170"}[behaviour]
    handset(server, callee, call_behaviour=behaviour)
    forward = VoiceResponse()
    forward.dial(callee, action="/after")
    with Receiver(routes={"/voice": twiml(forward), "/after": (200, "<Response><Hangup/></Response>", XML)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        call(server, From=CALLER, To=number)
        after = app.wait_for(2)[1]
    assert after.param("DialCallStatus") == status and after.param("DialCallDuration") is None
    assert client.calls(after.param("DialCallSid")).fetch().status == status


def test_dial_nouns_that_are_not_emulated_fail_with_a_warning(server, client, number):
    document = "<Response><Dial action=\"/after\"><Client>agent</Client></Dial></Response>"
    with Receiver(routes={"/voice": (200, document, XML), "/after": twiml(VoiceResponse())}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
        after = app.wait_for(2)[1]
    assert after.param("DialCallStatus") == "failed"
    assert [(a["error_code"], "not emulated" in a["alert_text"]) for a in data["outcome"]["alerts"]] == [(13224, True)]


def test_an_inbound_call_tells_the_numbers_status_callback_and_the_applications(server, client, number):
    with Receiver(routes={"/voice": saying("Hi"), "/status": (200, "", "text/plain")}) as app:
        configure(client, number, voice_url=app.url("/voice"), status_callback=app.url("/status"))
        data = call(server, From=CALLER, To=number)
        status = app.wait_until(lambda rs: any("/status" in r.url for r in rs))[-1]
        assert (status.param("CallSid"), status.param("CallStatus")) == (data["sid"], "completed")
        assert status.param("Direction") == "inbound" and status.param("CallDuration") is not None
        application = client.applications.create(friendly_name="voice app", voice_url=app.url("/voice"),
                                                  status_callback=app.url("/status?app=1"))
        configure(client, number, voice_application_sid=application.sid)
        second = call(server, From=CALLER, To=number)
        via_app = app.wait_until(lambda rs: any("app=1" in r.url for r in rs))[-1]
    assert (via_app.param("CallSid"), via_app.param("CallStatus")) == (second["sid"], "completed")


def test_an_outbound_call_to_a_handset_that_presses_a_key(server, client, number):
    user = "+14155550172"
    handset(server, user, call_script=[{"press": "1"}])
    confirm = VoiceResponse()
    gather = Gather(num_digits=1, action="/confirmed")
    gather.say("Your code is 4 2 4 2. Press 1 to confirm.")
    confirm.append(gather)
    with Receiver(routes={"/call": twiml(confirm), "/confirmed": saying("Confirmed")}) as app:
        made = client.calls.create(to=user, from_=number, url=app.url("/call"))
        pressed = app.wait_for(2)[1]
    assert (pressed.param("Digits"), pressed.param("CallSid"), pressed.param("Direction")) == (
        "1", made.sid, "outbound-api")
    ended = requests.get(f"{server.base_url}/_emulator/v1/calls/{made.sid}", params={"wait": "final"},
                         timeout=30).json()
    assert [s["verb"] for s in ended["transcript"]] == ["Say", "Gather", "Say"]


def test_bad_scripts_are_refused(server, number):
    for script, what in (([{"press": "x"}], "press"), ("1", "list"), ([{"sing": "la"}], "script[0]"),
                         ([{"wait": -1}], "wait")):
        answer = requests.post(f"{server.base_url}/_emulator/v1/calls", timeout=10,
                               json={"From": CALLER, "To": number, "script": script})
        assert answer.status_code == 400 and what in answer.json()["error"], answer.text
    bad = requests.post(f"{server.base_url}/_emulator/v1/handsets", timeout=10,
                        json={"number": "+14155550173", "call_script": [{"hangup": "yes"}]})
    assert bad.status_code == 400 and "call_script" in bad.text


async def test_recordings_through_the_async_client(server, client, account, number):
    greeting = VoiceResponse()
    greeting.record(action="/rec", max_length=5)
    with Receiver(routes={"/voice": twiml(greeting), "/rec": twiml(VoiceResponse())}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        call(server, From=CALLER, To=number, script=[{"say": "call me back tomorrow"}, {"hangup": True}])
        sid = app.wait_for(2)[1].param("RecordingSid")
    async_client = twilio_emulator.async_client(server.base_url, *account)
    try:
        listed = await async_client.recordings.list_async()
        assert [r.sid for r in listed] == [sid]
        assert (await async_client.recordings(sid).fetch_async()).duration == "2"
    finally:
        await async_client.http_client.close()


def test_a_live_call_waits_for_the_input_the_test_gives(server, client, number):
    menu = VoiceResponse()
    gather = Gather(num_digits=1, action="/menu", timeout=30)
    gather.say("Press 1 to leave a message")
    menu.append(gather)
    leave = VoiceResponse()
    leave.record(action="/saved", timeout=30)
    with Receiver(routes={"/voice": twiml(menu), "/menu": twiml(leave), "/saved": twiml(VoiceResponse())}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        placed = call(server, From=CALLER, To=number, live=True, wait=False)
        base = f"{server.base_url}/_emulator/v1/calls/{placed['sid']}"
        listening = requests.get(base, params={"wait": "listening"}, timeout=30).json()
        assert listening["listening"] is True and listening["transcript"][0]["text"] == "Press 1 to leave a message"
        assert requests.post(f"{base}/input", json={"digits": "1"}, timeout=10).status_code == 200
        assert app.wait_for(2)[1].param("Digits") == "1"
        requests.get(base, params={"wait": "listening"}, timeout=30)
        requests.post(f"{base}/input", json={"record": 3}, timeout=10)
        requests.post(f"{base}/input", json={"hangup": True}, timeout=10)
        saved = app.wait_for(3)[2]
        ended = requests.get(base, params={"wait": "final"}, timeout=30).json()
    assert (saved.param("RecordingDuration"), saved.param("Digits")) == ("3", "hangup")
    assert ended["status"] == "completed" and ended["listening"] is False
    late = requests.post(f"{base}/input", json={"digits": "2"}, timeout=10)
    assert late.status_code == 409 and "ended" in late.json()["error"]
    bad = requests.post(f"{base}/input", json={"dance": True}, timeout=10)
    assert bad.status_code == 400


def test_a_live_gather_times_out_on_the_manual_clock(server, client, number, manual_clock):
    menu = VoiceResponse()
    gather = Gather(num_digits=1, action="/menu", timeout=8)
    gather.say("Press 1")
    menu.append(gather)
    menu.say("Nothing pressed")
    with Receiver(routes={"/voice": twiml(menu)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        placed = call(server, From=CALLER, To=number, live=True, wait=False)
        base = f"{server.base_url}/_emulator/v1/calls/{placed['sid']}"
        assert requests.get(base, params={"wait": "listening"}, timeout=30).json()["listening"] is True
        server.call(manual_clock.advance, 9)
        ended = requests.get(base, params={"wait": "final"}, timeout=30).json()
        assert app.paths() == ["/voice"]
    assert [s.get("text") for s in ended["transcript"] if s["verb"] == "Say"] == ["Press 1", "Nothing pressed"]


def test_a_recorded_dial_and_partial_speech_results(server, client, account, number):
    handset(server, SALES, call_behaviour="answer", call_script=[{"wait": 30}, {"hangup": True}])
    ask = VoiceResponse()
    gather = Gather(input="speech", action="/said", partial_result_callback="/partial")
    gather.say("How can we help?")
    ask.append(gather)
    transfer = VoiceResponse()
    dial = Dial(action="/dialled", record="record-from-answer-dual", recording_status_callback="/rec-status")
    dial.number(SALES)
    transfer.append(dial)
    with Receiver(routes={"/voice": twiml(ask), "/said": twiml(transfer), "/partial": (200, "", "text/plain"),
                          "/dialled": twiml(VoiceResponse()), "/rec-status": (200, "", "text/plain")}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number, script=[{"say": "talk to sales"}])
        got = app.wait_until(lambda rs: len(rs) >= 7)
    paths = app.paths()
    partials = [r for r, p in zip(got, paths) if p == "/partial"]
    assert [(r.param("UnstableSpeechResult"), r.param("StableSpeechResult"), r.param("SequenceNumber"))
            for r in partials] == [("talk", "", "0"), ("talk to", "talk", "1"), ("talk to sales", "talk to", "2")]
    assert all(signed(r, account[1]) for r in partials)
    assert paths.index("/said") > max(i for i, p in enumerate(paths) if p == "/partial")
    dialled = got[paths.index("/dialled")]
    sid = dialled.param("RecordingSid")
    assert (dialled.param("DialCallStatus"), dialled.param("RecordingDuration")) == ("completed", "30")
    recording = client.recordings(sid).fetch()
    assert (recording.call_sid, recording.source, recording.channels, recording.duration) == (
        data["sid"], "DialVerb", 2, "30")
    assert got[paths.index("/rec-status")].param("RecordingSid") == sid


def test_a_transcribed_recording_tells_its_words(server, client, account, number):
    greeting = VoiceResponse()
    greeting.record(action="/rec", transcribe_callback="/transcribed")
    with Receiver(routes={"/voice": twiml(greeting), "/rec": twiml(VoiceResponse()),
                          "/transcribed": (200, "", "text/plain")}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number, script=[{"say": "please call me back"}, {"hangup": True}])
        told = app.wait_until(lambda rs: any("/transcribed" in r.url for r in rs))
    [callback] = [r for r in told if "/transcribed" in r.url]
    assert (callback.param("TranscriptionText"), callback.param("TranscriptionStatus")) == (
        "please call me back", "completed")
    assert callback.param("CallSid") == data["sid"] and signed(callback, account[1])
    sid, recording = callback.param("TranscriptionSid"), callback.param("RecordingSid")
    fetched = client.transcriptions(sid).fetch()
    assert (fetched.transcription_text, fetched.status, fetched.recording_sid) == (
        "please call me back", "completed", recording)
    assert [t.sid for t in client.recordings(recording).transcriptions.list()] == [sid]
    assert [t.sid for t in client.transcriptions.list()] == [sid]
    client.recordings(recording).delete()  # its transcriptions go with it
    assert client.transcriptions.list() == []


def test_say_and_play_loop_and_play_digits(server, client, number):
    document = ('<Response><Say loop="2">Hello</Say><Play loop="3">https://example.com/tone.mp3</Play>'
                '<Play digits="1w2"></Play><Say loop="0">Forever</Say></Response>')
    with Receiver(routes={"/voice": (200, document, XML)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
    steps = [(s["verb"], s.get("text") or s.get("url") or s.get("digits")) for s in data["transcript"]]
    assert steps == [("Say", "Hello")] * 2 + [("Play", "https://example.com/tone.mp3")] * 3 + [
        ("Play", "1w2")] + [("Say", "Forever")] * 10
    assert data["outcome"]["alerts"] == []
