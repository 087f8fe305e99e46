"""Reading a webhook's answer as Twilio does: by Content-Type, then as XML with a hardened parser.

Security: no DTD is loaded, no entity is resolved, nothing is fetched from the network, and a document with
a DOCTYPE, an entity declaration or an entity reference is refused outright (12100). The refusal is made on
what the parser read, after decoding, so that no encoding (UTF-16, UTF-32, with or without a BOM, or any
other the XML declaration names) can hide a DTD from it; a quick look at the raw bytes first refuses the
plain ASCII-compatible case before parsing. Size: TwiML above 64 kB is Twilio's error 11750; nesting deeper
than libxml2's limit (huge_tree off) is a parse failure.
"""
from __future__ import annotations

import re

from lxml import etree

from .errors import (DOCUMENT_PARSE_FAILURE, INVALID_CONTENT_TYPE, RESPONSE_TOO_LARGE, ROOT_NOT_RESPONSE,
                     TwimlError)

MAX_BYTES = 64 * 1024
XML_TYPES = ("text/xml", "application/xml", "text/html")  # parsed as TwiML (reference §7.6)
TEXT_TYPE = "text/plain"  # the body itself is the reply

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def media_type(content_type: str) -> str:
    """`text/xml; charset=utf-8` -> `text/xml`."""
    return content_type.split(";", 1)[0].strip().lower()


def document(body: bytes) -> etree._Element:
    """The <Response> root of a TwiML document. Raises TwimlError (12100, 12102, 11750)."""
    if len(body) > MAX_BYTES:
        raise TwimlError(RESPONSE_TOO_LARGE, f"TwiML response body too large ({len(body)} bytes; the limit is 64 kB)")
    if _DTD.search(body):
        raise TwimlError(DOCUMENT_PARSE_FAILURE, "Document parse failure: DTDs and entity declarations are not "
                                                 "allowed in TwiML")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise TwimlError(DOCUMENT_PARSE_FAILURE, f"Document parse failure: {exc}") from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype \
            or next(root.iter(etree.Entity), None) is not None:
        raise TwimlError(DOCUMENT_PARSE_FAILURE, "Document parse failure: DTDs and entities are not allowed in "
                                                 "TwiML")
    if root.tag != "Response":
        raise TwimlError(ROOT_NOT_RESPONSE, f"The root element must be Response, not <{root.tag}>")
    return root


def check_content_type(content_type: str) -> str:
    """The media type of an answer Twilio will act on; raises TwimlError 12300 for any other."""
    kind = media_type(content_type)
    if kind in XML_TYPES or kind == TEXT_TYPE:
        return kind
    raise TwimlError(INVALID_CONTENT_TYPE, f"Invalid Content-Type: {content_type or '(none)'}; TwiML must be "
                                           "text/xml, application/xml, text/html or text/plain")
