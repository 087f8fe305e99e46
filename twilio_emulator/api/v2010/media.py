"""Wire format for a Message's Media subresource (list, fetch, delete)."""
from __future__ import annotations

from aiohttp import web

from ...domain.messages import Media, decode_data_url
from ...engine import messaging
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media"
DAY = 86400.0


def media_json(m: Media) -> dict:
    return {
        "account_sid": m.account_sid,
        "content_type": m.content_type,
        "date_created": rfc2822(m.date_created),
        "date_updated": rfc2822(m.date_updated),
        "parent_sid": m.message_sid,
        "sid": m.sid,
        "uri": account_uri(m.account_sid, f"/Messages/{m.message_sid}/Media/{m.sid}.json"),
    }


@routes.get(BASE + ".json")
async def list_media(request: web.Request) -> web.Response:
    form = await Form.read(request)
    on, until, since = form.day("DateCreated"), form.day("DateCreated<"), form.day("DateCreated>")
    media = await messaging.media_list(request.app[EMULATOR], request[ACCOUNT], request.match_info["MessageSid"])
    # Twilio: DateCreated filters name GMT days, like DateSent on Messages (spec).
    media = [m for m in media
             if (on is None or on <= m.date_created < on + DAY) and (until is None or m.date_created < until + DAY)
             and (since is None or m.date_created >= since)]
    return await list_response(request, form, "media_list",
                               present(form, "DateCreated", "DateCreated<", "DateCreated>"), in_memory(media),
                               media_json)


@routes.get(BASE + "/{Sid}.json")
async def fetch_media(request: web.Request) -> web.Response:
    media = await messaging.media_get(request.app[EMULATOR], request[ACCOUNT], request.match_info["MessageSid"],
                                      request.match_info["Sid"])
    return json_response(media_json(media))


@routes.delete(BASE + "/{Sid}.json")
async def delete_media(request: web.Request) -> web.Response:
    await messaging.media_delete(request.app[EMULATOR], request[ACCOUNT], request.match_info["MessageSid"],
                                 request.match_info["Sid"])
    return web.Response(status=204)


# Registered after the .json routes, which it would otherwise shadow ({Sid} also matches "ME….json").
@routes.get(BASE + "/{Sid}")
async def fetch_media_content(request: web.Request) -> web.Response:
    """The media itself: the URL inbound webhooks put in MediaUrl{N}. Twilio answers with a redirect to
    its storage; the emulator redirects to the URL the media came from, or serves a data: URL's bytes.
    Emulator: no credentials needed (Twilio's default unless "HTTP Basic Auth for media" is on); wrong
    credentials, when given, are still refused."""
    media = await messaging.media_content(request.app[EMULATOR], request.match_info["AccountSid"],
                                          request.match_info["MessageSid"], request.match_info["Sid"])
    data = decode_data_url(media.url)
    if data is None:
        raise web.HTTPTemporaryRedirect(media.url)
    return web.Response(body=data[1], content_type=media.content_type)


fetch_media_content.public = True  # api/auth.py: callable without credentials
