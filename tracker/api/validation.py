"""Checking JSON bodies and query arguments against the same schemas the OpenAPI document shows.

Only the part of JSON Schema the API uses is understood: objects with ``properties``,
``required`` and ``additionalProperties: false``; strings (``minLength``, ``maxLength``,
``enum``, ``format: date``); integers (``minimum``, ``maximum``); booleans; arrays of integers;
``null`` through a ``type`` list. Every refusal names its field, in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _

from tracker.core.i18n import N_


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "fields"}}`` with ``status``."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


MESSAGES = {
    "required": N_("Trường này là bắt buộc."),
    "string": N_("Phải là một chuỗi ký tự."),
    "integer": N_("Phải là một số nguyên."),
    "boolean": N_("Phải là true hoặc false."),
    "array": N_("Phải là một danh sách."),
    "null": N_("Giá trị không hợp lệ."),
    "enum": N_("Giá trị không nằm trong danh sách cho phép."),
    "date": N_("Ngày không hợp lệ (YYYY-MM-DD)."),
    "too_short": N_("Không được để trống."),
    "too_long": N_("Quá dài."),
    "range": N_("Giá trị nằm ngoài khoảng cho phép."),
    "unknown": N_("Trường này không được hỗ trợ."),
    "text": N_("Chứa ký tự không hợp lệ."),
    "unique": N_("Có giá trị bị lặp lại."),
}


DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class _Invalid(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", "string")
    return kind if isinstance(kind, list) else [kind]


def clean_text(value: str) -> str:
    """``value`` if the database can store it: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise _Invalid("text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid("text") from None
    return value


def _check_string(value: str, schema: dict[str, Any]) -> Any:
    clean_text(value)
    if "enum" in schema and value not in schema["enum"]:
        raise _Invalid("enum")
    if len(value) < schema.get("minLength", 0):
        raise _Invalid("too_short")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise _Invalid("too_long")
    if schema.get("format") == "date":
        if not DATE_RE.fullmatch(value):
            raise _Invalid("date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Invalid("date") from None
    return value


def _check_integer(value: int, schema: dict[str, Any]) -> int:
    if value < schema.get("minimum", value) or value > schema.get("maximum", value):
        raise _Invalid("range")
    return value


def check_value(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` checked against ``schema`` (dates parsed); raises ``_Invalid``."""
    types = _types(schema)
    if value is None:
        if "null" in types:
            return None
        raise _Invalid(types[0])
    if isinstance(value, bool):
        if "boolean" in types:
            return value
    elif isinstance(value, int):
        if "integer" in types:
            return _check_integer(value, schema)
    elif isinstance(value, str):
        if "string" in types:
            return _check_string(value, schema)
    elif isinstance(value, list) and "array" in types:
        items = [check_value(item, schema["items"]) for item in value]
        if len(items) > schema.get("maxItems", len(items)):
            raise _Invalid("too_long")
        if schema.get("uniqueItems") and len(set(items)) != len(items):
            raise _Invalid("unique")
        return items
    raise _Invalid(types[0])


def _error(kinds: dict[str, str]) -> ApiError:
    fields = {name: _(MESSAGES[kind]) for name, kind in kinds.items()}
    return ApiError(400, "invalid_request", _("Dữ liệu gửi lên không hợp lệ."), fields)


def check_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object checked against ``schema``; ``ApiError`` 400 otherwise."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            _("Nội dung phải là JSON (Content-Type: application/json)."),
        )
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise ApiError(400, "invalid_json", _("Nội dung không phải JSON hợp lệ."))
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("Nội dung phải là một đối tượng JSON."))
    properties = schema["properties"]
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in body:
        if name not in properties:
            problems[name] = "unknown"
    for name in schema.get("required", []):
        if name not in body:
            problems[name] = "required"
    for name, value in body.items():
        if name in properties and name not in problems:
            try:
                values[name] = check_value(value, properties[name])
            except _Invalid as exc:
                problems[name] = exc.kind
    if problems:
        raise _error(problems)
    return values


def check_args(parameters: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The query arguments named in ``parameters`` (OpenAPI parameter objects), typed."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    known = {parameter["name"] for parameter in parameters}
    # As with bodies, an argument the endpoint does not know is refused, not silently ignored
    # (a misspelt filter would otherwise return everything).
    for name in request.args:
        if name not in known:
            problems[name] = "unknown"
    for parameter in parameters:
        name, schema = parameter["name"], parameter["schema"]
        raw = request.args.get(name)
        if raw is None:
            values[name] = schema.get("default")
            continue
        try:
            if _types(schema)[0] == "integer":
                text = raw.strip()
                if not (text.isascii() and text.isdigit()) or len(text) > 12:
                    raise _Invalid("integer")
                values[name] = check_value(int(text), schema)
            else:
                values[name] = check_value(raw, schema)
        except _Invalid as exc:
            problems[name] = exc.kind
    if problems:
        raise _error(problems)
    return values
