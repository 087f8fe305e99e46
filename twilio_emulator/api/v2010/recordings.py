"""Wire format for Recordings (spec api.v2010.account.recording and account.call.call_recording): list, fetch,
delete, account-wide and per call; the media itself at the recording's URI without `.json` (a WAV), or with
`.wav` or `.mp3`: a real audio file of the recording's length (silence). And their Transcriptions
(api.v2010.account.transcription, account.recording.recording_transcription): list, fetch, delete."""
from __future__ import annotations

from aiohttp import web

from ...domain.voice import audio
from ...domain.voice.script import Recording, Transcription
from ...engine.voice import recordings
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
ACCOUNT_BASE = "/2010-04-01/Accounts/{AccountSid}/Recordings"
CALL_BASE = "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings"
DAY = 86400.0


def recording_json(r: Recording, under_call: bool = False) -> dict:
    uri = account_uri(r.account_sid, f"/Recordings/{r.sid}")
    out = {"account_sid": r.account_sid, "api_version": "2010-04-01", "call_sid": r.call_sid, "conference_sid": None,
           "date_created": rfc2822(r.date_created), "date_updated": rfc2822(r.date_created),
           "start_time": rfc2822(r.start_time), "duration": str(r.duration), "sid": r.sid, "price": r.price,
           "price_unit": "USD", "status": r.status, "channels": r.channels, "source": r.source, "error_code": None,
           "encryption_details": None}
    if under_call:
        return {**out, "uri": account_uri(r.account_sid, f"/Calls/{r.call_sid}/Recordings/{r.sid}.json"),
                "track": "both"}
    return {**out, "uri": f"{uri}.json", "media_url": f"https://api.twilio.com{uri}",
            "subresource_uris": {"add_on_results": f"{uri}/AddOnResults.json",
                                 "transcriptions": f"{uri}/Transcriptions.json"}}


async def _list(request: web.Request, call_sid: str | None) -> web.Response:
    form = await Form.read(request)
    on, until, since = form.day("DateCreated"), form.day("DateCreated<"), form.day("DateCreated>")
    call_sid = call_sid or form.get("CallSid")
    found = [r for r in await recordings.of_account(request.app[EMULATOR], request[ACCOUNT], call_sid)
             if (on is None or on <= r.date_created < on + DAY) and (until is None or r.date_created < until + DAY)
             and (since is None or r.date_created >= since)]
    names = ("DateCreated", "DateCreated<", "DateCreated>") + (("CallSid",) if "CallSid" not in request.match_info
                                                              else ())
    under_call = "CallSid" in request.match_info
    return await list_response(request, form, "recordings", present(form, *names), in_memory(found),
                               lambda r: recording_json(r, under_call))


@routes.get(ACCOUNT_BASE + ".json")
async def list_recordings(request: web.Request) -> web.Response:
    return await _list(request, None)


@routes.get(CALL_BASE + ".json")
async def list_call_recordings(request: web.Request) -> web.Response:
    await request.app[EMULATOR].calls.find(request[ACCOUNT], request.match_info["CallSid"])
    return await _list(request, request.match_info["CallSid"])


async def _recording(request: web.Request) -> Recording:
    return await recordings.get(request.app[EMULATOR], request[ACCOUNT].sid, request.match_info["Sid"],
                                request.match_info.get("CallSid"))


@routes.get(ACCOUNT_BASE + "/{Sid}.json")
async def fetch_recording(request: web.Request) -> web.Response:
    return json_response(recording_json(await _recording(request)))


@routes.get(CALL_BASE + "/{Sid}.json")
async def fetch_call_recording(request: web.Request) -> web.Response:
    return json_response(recording_json(await _recording(request), under_call=True))


@routes.delete(ACCOUNT_BASE + "/{Sid}.json")
@routes.delete(CALL_BASE + "/{Sid}.json")
async def delete_recording(request: web.Request) -> web.Response:
    await recordings.delete(request.app[EMULATOR], await _recording(request))
    return web.Response(status=204)


TRANSCRIPTIONS = "/2010-04-01/Accounts/{AccountSid}/Transcriptions"
RECORDING_TRANSCRIPTIONS = ACCOUNT_BASE + "/{RecordingSid}/Transcriptions"


def transcription_json(t: Transcription, under_recording: bool = False) -> dict:
    path = f"/Recordings/{t.recording_sid}/Transcriptions/{t.sid}.json" if under_recording else \
        f"/Transcriptions/{t.sid}.json"
    return {"account_sid": t.account_sid, "api_version": "2010-04-01", "date_created": rfc2822(t.date_created),
            "date_updated": rfc2822(t.date_created), "duration": str(t.duration), "price": t.price,
            "price_unit": "USD", "recording_sid": t.recording_sid, "sid": t.sid, "status": t.status,
            "transcription_text": t.text or None, "type": "fast", "uri": account_uri(t.account_sid, path)}


@routes.get(TRANSCRIPTIONS + ".json")
async def list_transcriptions(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = await recordings.transcriptions(request.app[EMULATOR], request[ACCOUNT].sid)
    return await list_response(request, form, "transcriptions", [], in_memory(found), transcription_json)


@routes.get(RECORDING_TRANSCRIPTIONS + ".json")
async def list_recording_transcriptions(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu, sid = request.app[EMULATOR], request.match_info["RecordingSid"]
    await recordings.get(emu, request[ACCOUNT].sid, sid)
    found = await recordings.transcriptions(emu, request[ACCOUNT].sid, sid)
    return await list_response(request, form, "transcriptions", [], in_memory(found),
                               lambda t: transcription_json(t, under_recording=True))


async def _transcription(request: web.Request) -> Transcription:
    return await recordings.transcription(request.app[EMULATOR], request[ACCOUNT].sid, request.match_info["Sid"],
                                          request.match_info.get("RecordingSid"))


@routes.get(TRANSCRIPTIONS + "/{Sid}.json")
async def fetch_transcription(request: web.Request) -> web.Response:
    return json_response(transcription_json(await _transcription(request)))


@routes.get(RECORDING_TRANSCRIPTIONS + "/{Sid}.json")
async def fetch_recording_transcription(request: web.Request) -> web.Response:
    return json_response(transcription_json(await _transcription(request), under_recording=True))


@routes.delete(TRANSCRIPTIONS + "/{Sid}.json")
@routes.delete(RECORDING_TRANSCRIPTIONS + "/{Sid}.json")
async def delete_transcription(request: web.Request) -> web.Response:
    await recordings.delete_transcription(request.app[EMULATOR], await _transcription(request))
    return web.Response(status=204)


# After the .json routes: the media, by extension (none: a WAV, Twilio's default).
@routes.get(ACCOUNT_BASE + "/{Sid:RE[0-9a-fA-F]{32}}{ext:(\\.wav|\\.mp3)?}")
async def fetch_recording_media(request: web.Request) -> web.Response:
    """The recording's audio. Emulator: no credentials needed (Twilio's default unless "HTTP Basic Auth for
    media" is on); wrong credentials, when given, are still refused."""
    rec = await recordings.get(request.app[EMULATOR], request.match_info["AccountSid"], request.match_info["Sid"])
    kind = request.match_info["ext"].lstrip(".") or "wav"
    return web.Response(body=audio.audio(kind, rec.duration), content_type=audio.CONTENT_TYPES[kind])


fetch_recording_media.public = True  # api/auth.py: callable without credentials
