"""The API's errors: ``{"error": {"code", "message", "field"}}`` with an English ``code`` a
program can test, a Chinese ``message`` a person can read, and the request ``field`` at
fault (``null`` when none; ``index`` too when a list was pushed)."""

from __future__ import annotations

from typing import Any

from flask import jsonify


class ApiError(Exception):
    """An answer other than success: status, code, message and the field at fault."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 index: int | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.index, self.headers = field, index, headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.index is not None:
            error["index"] = self.index
        return {"error": error}


def api_error(exc: ApiError) -> Any:
    """The blueprint's handler for :class:`ApiError`."""
    return jsonify(exc.body()), exc.status, exc.headers


def unauthorized(code: str, message: str) -> ApiError:
    """A 401 that tells the client how to authenticate."""
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="yuqing"'})


def forbidden(message: str, field: str | None = None) -> ApiError:
    """A 403: the token is valid but its scope does not cover this."""
    return ApiError(403, "forbidden", message, field=field)


def not_found(message: str) -> ApiError:
    """A 404: nothing of that id or number within the token's reach."""
    return ApiError(404, "not_found", message)


def invalid(message: str, field: str | None, *, index: int | None = None,
            code: str = "invalid_field") -> ApiError:
    """A 422: the request is well-formed JSON but a field's value cannot be taken."""
    return ApiError(422, code, message, field=field, index=index)
