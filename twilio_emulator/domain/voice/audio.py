"""Real audio files of a given length, for the emulator's recordings: silence, as a WAV (8 kHz, 16-bit mono
PCM, as Twilio records calls) or an MP3 (silent MPEG-1 Layer III frames). Pure; standard library only."""
from __future__ import annotations

import io
import math
import wave

WAV_RATE = 8000
MP3_FRAME = bytes([0xFF, 0xFB, 0x18, 0xC0]) + bytes(140)  # 32 kbit/s, 32 kHz, mono, no CRC: 144 bytes, silent
MP3_FRAME_SECONDS = 1152 / 32000  # samples per frame / sample rate
CONTENT_TYPES = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}


def wav(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(WAV_RATE)
        w.writeframes(bytes(2 * round(seconds * WAV_RATE)))
    return out.getvalue()


def mp3(seconds: float) -> bytes:
    return MP3_FRAME * max(1, math.ceil(seconds / MP3_FRAME_SECONDS))


def audio(kind: str, seconds: float) -> bytes:
    return wav(seconds) if kind == "wav" else mp3(seconds)
