"""A small HTTP client of a running emulator (its control API and its REST API), for the CLI and the pytest
plugin. Standard library only, so that it works wherever the package is installed."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

CONTROL = "/_emulator/v1"


class RemoteError(Exception):
    """The emulator answered with an error (`status` > 0, its message and Twilio `code` if any), or could not
    be reached at all (`status` 0)."""

    def __init__(self, status: int, message: str, code: int | None = None, body: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.body = status, message, code, body or {}


class Remote:
    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def control(self, method: str, path: str, body: dict | None = None, query: dict | None = None) -> dict:
        """A control API call (JSON in, JSON out)."""
        data = json.dumps(body).encode() if body is not None else None
        return self._send(method, CONTROL + path, query, data, {"Content-Type": "application/json"} if data else {})

    def rest(self, method: str, path: str, auth: tuple[str, str], form: dict | None = None,
             query: dict | None = None, json_body: dict | None = None) -> dict:
        """A Twilio REST call (form-encoded in, or `json_body` for the products that take JSON; JSON out) with
        HTTP Basic credentials."""
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        return self._send(method, path, query, data, headers)

    def events(self, path: str, query: dict | None = None):
        """Open a control API stream of Server-Sent Events (errors raise here, once it is open nothing is
        missed); returns an iterator of (event, data as JSON) as they arrive, without a timeout (heartbeat
        comments keep an idle stream open), which ends when the emulator closes the stream."""
        url = self.base_url + CONTROL + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        try:
            answer = urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/event-stream"}))
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
            except ValueError:
                body = {}
            raise RemoteError(exc.code, str(body.get("error") or exc.reason), body.get("code"), body) from None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(0, f"cannot reach an emulator at {self.base_url}: {getattr(exc, 'reason', exc)}") \
                from None
        return _server_sent_events(answer)

    def _send(self, method: str, path: str, query: dict | None, data: bytes | None, headers: dict) -> dict:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None}, doseq=True)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read()
                return json.loads(raw) if raw else {}
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
            except ValueError:
                body = {}
            message = body.get("error") or body.get("message") or exc.reason
            raise RemoteError(exc.code, str(message), body.get("code"), body) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(0, f"cannot reach an emulator at {self.base_url}: {reason}") from None


def _server_sent_events(answer):
    with answer:
        event, data = "message", []
        for raw in answer:
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:  # the end of one event
                if data:
                    yield event, json.loads("\n".join(data))
                event, data = "message", []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
