"""Recordings a call's <Record> or <Dial record> makes: stored (REST: list, fetch, delete), served as real audio
files of their length (api/v2010/recordings.py answers the media route), told to the verb's
recordingStatusCallback, and transcribed when the verb asks (Transcriptions: the words the phone said)."""
from __future__ import annotations

from email.utils import formatdate
from typing import TYPE_CHECKING

from ...domain.errors import NotFound
from ...domain.sids import is_sid
from ...domain.voice.script import Recording, Transcription
from ...store import records
from ..callbacks import notify

if TYPE_CHECKING:
    from ...domain.accounts import Account
    from .. import Emulator

KIND = "recording"


def url(emu: "Emulator", rec: Recording) -> str:
    """RecordingUrl: the media's address on the emulator, without an extension (Twilio's form; .wav and .mp3
    work too)."""
    return f"{emu.public_url}/2010-04-01/Accounts/{rec.account_sid}/Recordings/{rec.sid}"


async def create(emu: "Emulator", account_sid: str, call_sid: str, seconds: float, words: str,
                 started: float, source: str = "RecordVerb", channels: int = 1) -> Recording:
    now = emu.now()
    rec = Recording(sid=emu.sids.new("RE"), account_sid=account_sid, call_sid=call_sid, date_created=now,
                    start_time=started, duration=max(1, round(seconds)), words=words, source=source,
                    channels=channels)
    await emu.store.write(records.put(KIND, rec))
    return rec


async def _listed(emu: "Emulator", kind: str, cls, account_sid: str, parent: str, parent_sid: str | None) -> list:
    """An account's records of `kind`, newest first; those of one parent (`parent` attribute) when given."""
    found = await records.load_for_account(emu.store, kind, account_sid, cls)
    return sorted((r for r in found if parent_sid is None or getattr(r, parent) == parent_sid),
                  key=lambda r: r.date_created, reverse=True)


async def _one(emu: "Emulator", kind: str, cls, prefix: str, account_sid: str, sid: str, parent: str,
               parent_sid: str | None):
    """One record of `kind` of the account (and of that parent, when given), else 20404."""
    found = await records.load(emu.store, kind, sid, cls) if is_sid(sid, prefix) else None
    if found is None or found.account_sid != account_sid or (parent_sid is not None and
                                                             getattr(found, parent) != parent_sid):
        raise NotFound()
    return found


async def of_account(emu: "Emulator", account: "Account", call_sid: str | None = None) -> list[Recording]:
    """Newest first."""
    return await _listed(emu, KIND, Recording, account.sid, "call_sid", call_sid)


async def get(emu: "Emulator", account_sid: str, sid: str, call_sid: str | None = None) -> Recording:
    return await _one(emu, KIND, Recording, "RE", account_sid, sid, "call_sid", call_sid)


async def delete(emu: "Emulator", rec: Recording) -> None:
    """The recording and its transcriptions."""
    gone = await transcriptions(emu, rec.account_sid, rec.sid)
    await emu.store.write(records.delete(KIND, rec.sid), *(records.delete(TRANSCRIPTION, t.sid) for t in gone))


# ---- transcriptions -------------------------------------------------------------------------------------------
TRANSCRIPTION = "transcription"


def transcription_url(emu: "Emulator", t: Transcription) -> str:
    return f"{emu.public_url}/2010-04-01/Accounts/{t.account_sid}/Transcriptions/{t.sid}"


async def transcribe(emu: "Emulator", account: "Account", rec: Recording, callback: str | None, method: str,
                     call_params: list[tuple[str, str]]) -> Transcription:
    """<Record transcribe>: the transcription of what the phone said (failed when it said no words), then the
    verb's transcribeCallback with the call's parameters and TranscriptionSid, TranscriptionText,
    TranscriptionStatus, TranscriptionUrl, RecordingSid and RecordingUrl (Twilio's docs for the verb)."""
    t = Transcription(sid=emu.sids.new("TR"), account_sid=rec.account_sid, recording_sid=rec.sid, call_sid=rec.call_sid,
                      date_created=emu.now(), duration=rec.duration, text=rec.words,
                      status="completed" if rec.words else "failed")
    await emu.store.write(records.put(TRANSCRIPTION, t))
    if callback:
        params = [*call_params, ("TranscriptionSid", t.sid), ("TranscriptionText", t.text),
                  ("TranscriptionStatus", t.status), ("TranscriptionUrl", transcription_url(emu, t)),
                  ("RecordingSid", rec.sid), ("RecordingUrl", url(emu, rec))]
        await notify(emu, account, rec.sid, "transcribe_callback", f"transcription {t.status}", method, callback,
                     params, f"transcription:{t.sid}")
    return t


async def transcriptions(emu: "Emulator", account_sid: str, recording_sid: str | None = None) -> list[Transcription]:
    """Newest first."""
    return await _listed(emu, TRANSCRIPTION, Transcription, account_sid, "recording_sid", recording_sid)


async def transcription(emu: "Emulator", account_sid: str, sid: str, recording_sid: str | None = None) -> Transcription:
    return await _one(emu, TRANSCRIPTION, Transcription, "TR", account_sid, sid, "recording_sid", recording_sid)


async def delete_transcription(emu: "Emulator", t: Transcription) -> None:
    await emu.store.write(records.delete(TRANSCRIPTION, t.sid))


async def tell(emu: "Emulator", account: "Account", rec: Recording, callback: str, method: str,
               events: tuple[str, ...]) -> None:
    """The recordingStatusCallback of a <Record>: `completed` (the only event a finished recording has here;
    `in-progress` and `absent` are not sent) [UNVERIFIED parameter set: Twilio's docs for the verb]."""
    if "completed" not in events:
        return
    params = [("AccountSid", rec.account_sid), ("CallSid", rec.call_sid), ("RecordingSid", rec.sid),
              ("RecordingUrl", url(emu, rec)), ("RecordingStatus", rec.status),
              ("RecordingDuration", str(rec.duration)), ("RecordingChannels", str(rec.channels)),
              ("RecordingStartTime", _rfc2822(rec.start_time)), ("RecordingSource", rec.source)]
    await notify(emu, account, rec.sid, "recording_status_callback", "recording status callback completed", method,
                 callback, params, f"recording:{rec.sid}:completed")


def _rfc2822(at: float) -> str:
    return formatdate(at, usegmt=False).replace("-0000", "+0000")  # as the call status callback's Timestamp
