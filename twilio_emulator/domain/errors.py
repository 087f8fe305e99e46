"""Twilio errors as exceptions carrying Twilio's code. The HTTP status and JSON shape are chosen in api/errors.py."""
from __future__ import annotations


class TwilioError(Exception):
    """An API-time error: becomes {"code", "message", "more_info", "status"} at the edge.

    `status` is the HTTP status Twilio answers with (400 for nearly all 21xxx validation errors).
    """

    code: int = 20001
    status: int = 400
    param: str | None = None  # the field it is about, snake_case as the domain names it (scenario files use it)

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None, param: str | None = None):
        super().__init__(message)
        self.message = message
        if param is not None:
            self.param = param
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotFound(TwilioError):
    # Twilio: "The requested resource {path} was not found", 404/20404 (reference §6.1, captures). The engine
    # raises it without the path (it knows no request): the API's wrapper names the request's (api/errors.py).
    code, status = 20404, 404

    def __init__(self, path: str | None = None):
        super().__init__(f"The requested resource {path or 'you asked for'} was not found")
        self.path = path


class AuthenticationFailed(TwilioError):
    # Twilio: 401 {"code": 20003, "message": "Authenticate", "detail": ...} (reference §4.2, captures).
    code, status = 20003, 401

    def __init__(self, detail: str = "Your AccountSid or AuthToken was incorrect."):
        super().__init__("Authenticate")
        self.detail = detail


class MethodNotAllowed(TwilioError):
    code, status = 20004, 405  # reference §6.2

    def __init__(self, method: str):
        super().__init__(f"Method not allowed: {method}")


# [UNVERIFIED] the code Twilio gives a malformed generic parameter (bad enum, PageSize, PageToken); the
# reference does not name one. Kept in this one constant so that it is corrected in one place.
INVALID_PARAMETER = 20001


def error(code: int, message: str, status: int = 400, param: str | None = None) -> TwilioError:
    """A TwilioError with an explicit code; the common form for the many 21xxx validation errors. `param`:
    the field it is about."""
    return TwilioError(message, code=code, status=status, param=param)
