"""TwiML: the XML apps answer webhooks with. Parsed safely (parse.py) into verbs (verbs.py). Imports lxml and
the standard library only; the engine carries the verbs out."""
