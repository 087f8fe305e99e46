"""Twilio -> app HTTP: the outgoing wire format (signatures, payloads) and the client that sends it."""
