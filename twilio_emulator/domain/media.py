"""Outbound media as Twilio takes it: each MediaUrl is downloaded before the message goes to the carrier, and
what came back decides whether it can go. Pure: stdlib only.

Sources: docs messaging/guides/accepted-mime-types ("Twilio checks the content-type header at the provided
MediaUrl … If the content-type header does not match … Twilio will reject the request"; the accepted types;
5 MB in total for an MMS), docs errors/11751 (the total over the channel's limit), errors/11200 (HTTP
retrieval failure), errors/11205 (HTTP connection failure), errors/12300 (Invalid Content-Type).
[UNVERIFIED] that these are the codes the *message* fails with (Twilio logs them in the debugger; a failed
MMS's error_code is not documented), that the download follows redirects and has the webhooks' 15 s, and
that a failure fails the whole message (nothing is sent).
"""
from __future__ import annotations

import mimetypes
from dataclasses import dataclass

MAX_TOTAL = 5 * 1024 * 1024  # bytes: an MMS's media together (docs accepted-mime-types; errors/11751)

# Twilio's accepted content types for media (docs accepted-mime-types): the first four are transcoded for
# the handset, the others are passed on as they are.
ACCEPTED_TYPES = frozenset("""
image/jpeg image/jpg image/gif image/png image/bmp image/tiff image/webp
audio/basic audio/l24 audio/mp4 audio/mpeg audio/ogg audio/vorbis audio/vnd.rn-realaudio audio/vnd.wave
audio/3gpp audio/3gpp2 audio/ac3 audio/webm audio/amr-nb audio/amr audio/aac
video/mpeg video/mp4 video/quicktime video/webm video/3gpp video/3gpp2 video/3gpp-tt video/h261 video/h263
video/h263-1998 video/h263-2000 video/h264
text/vcard text/x-vcard text/csv text/rtf text/richtext text/calendar text/directory
application/pdf application/vcard application/vnd.apple.pkpass application/msword application/vnd.ms-excel
application/vnd.ms-powerpoint
application/vnd.openxmlformats-officedocument.presentationml.presentation
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
application/vnd.openxmlformats-officedocument.wordprocessingml.document
""".split())

# WhatsApp and RCS (reference twilio-more §5.7, §6): up to 16 MB; on WhatsApp images up to 5 MB, and only
# the types WhatsApp takes; another type is 63021, "invalid content for channel" (reference §5.4).
CHANNEL_TOTAL = 16 * 1024 * 1024
WHATSAPP_IMAGE = 5 * 1024 * 1024
WHATSAPP_TYPES = frozenset("""
image/jpeg image/jpg image/png image/webp
audio/ogg audio/amr audio/amr-nb audio/3gpp audio/aac audio/mpeg audio/mp4
video/mp4 video/3gpp
application/pdf application/msword application/vnd.ms-excel application/vnd.ms-powerpoint
application/vnd.openxmlformats-officedocument.presentationml.presentation
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
application/vnd.openxmlformats-officedocument.wordprocessingml.document
text/vcard text/x-vcard
""".split())

RETRIEVAL_FAILURE, CONNECTION_FAILURE, INVALID_CONTENT_TYPE, TOO_LARGE = 11200, 11205, 12300, 11751
CHANNEL_CONTENT = 63021
TITLES = {
    CHANNEL_CONTENT: "Channel invalid content error",
    RETRIEVAL_FAILURE: "HTTP retrieval failure",
    CONNECTION_FAILURE: "HTTP connection failure",
    INVALID_CONTENT_TYPE: "Invalid Content-Type",
    TOO_LARGE: "Media Message - Media exceeds messaging provider size limit",
}


@dataclass
class Download:
    """What fetching one MediaUrl gave."""
    url: str
    status: int | None = None  # None: no answer (error says why)
    content_type: str = ""  # the Content-Type header as sent
    size: int = 0  # bytes read (at most the limit + 1)
    error: str | None = None
    duration_ms: float = 0.0


def unfetched(url: str) -> Download:
    """A MediaUrl accepted without downloading it (serve --no-media-fetch): its type from the URL's extension
    (`…/owl.png` -> image/png; none known: no type, which Twilio refuses with 12300), no bytes."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return Download(url, status=200, content_type=mimetypes.guess_type(path, strict=False)[0] or "")


NOT_FETCHED = 11200  # the code of the info alert that says a message's media was not fetched [emulator choice]
SWITCH = "serve --no-media-fetch accepts media without downloading it, e.g. on a machine without internet"


def media_type(header: str) -> str:
    """`image/JPEG; charset=x` -> `image/jpeg`."""
    return header.split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Refusal:
    code: int
    detail: str  # for the alert: which URL and why

    @property
    def title(self) -> str:
        return TITLES[self.code]


def limit(channel: str) -> int:
    """The bytes a message's media may add up to: 5 MB for an MMS, 16 MB on WhatsApp and RCS."""
    return CHANNEL_TOTAL if channel else MAX_TOTAL


def verdict(downloads: list[Download], channel: str = "") -> Refusal | None:
    """Why the message cannot go, from the first download that fails; None when all of them can. `channel`:
    whatsapp | rcs | "" (SMS/MMS)."""
    total, most = 0, limit(channel)
    for d in downloads:
        if d.error is not None or d.status is None:
            return Refusal(CONNECTION_FAILURE, f"media {d.url} could not be fetched: {d.error} ({SWITCH})")
        if not 200 <= d.status < 300:
            return Refusal(RETRIEVAL_FAILURE, f"media {d.url} answered HTTP {d.status} ({SWITCH})")
        kind = media_type(d.content_type)
        if kind not in ACCEPTED_TYPES:
            shown = f"Content-Type {d.content_type!r}" if d.content_type else "no Content-Type"
            return Refusal(INVALID_CONTENT_TYPE, f"media {d.url} has {shown}, which Twilio does not accept")
        if channel == "whatsapp" and kind not in WHATSAPP_TYPES:
            return Refusal(CHANNEL_CONTENT, f"media {d.url} is {kind}, which WhatsApp does not take")
        if channel == "whatsapp" and kind.startswith("image/") and d.size > WHATSAPP_IMAGE:
            return Refusal(TOO_LARGE, f"image {d.url} is over WhatsApp's 5 MB for an image")
        total += d.size
        if total > most:
            return Refusal(TOO_LARGE, f"the media add up to more than {most // (1024 * 1024)} MB (at {d.url})")
    return None
