"""Checking JSON bodies and query arguments against the same schemas the OpenAPI document shows.

The checking is jsonschema's (JSON Schema 2020-12, ``format: date`` asserted); this module only
adds what the database needs of every string (no NUL, no lone surrogate), keeps integers whole
(``3.0`` is refused as the forms would refuse it) and turns jsonschema's errors into the API's
error shape: one Vietnamese message per field, the field named by its path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import request
from flask_babel import gettext as _

if TYPE_CHECKING:
    from jsonschema import ValidationError

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

# jsonschema's keyword → the message's key (``type`` is keyed by the expected type instead),
# in the order a field's errors are reported: only the first is shown. A keyword the API's
# schemas do not use would read "Giá trị không hợp lệ." (the key ``null``).
KINDS = {
    "required": "required",
    "additionalProperties": "unknown",
    "type": "",
    "text": "text",
    "enum": "enum",
    "minLength": "too_short",
    "maxLength": "too_long",
    "format": "date",
    "minimum": "range",
    "maximum": "range",
    "maxItems": "too_long",
    "uniqueItems": "unique",
}
RANK = {keyword: n for n, keyword in enumerate(KINDS)}


def _storable(text: str) -> bool:
    """Whether the database can store ``text``: no NUL (PostgreSQL refuses it), no lone
    surrogate (it cannot be encoded as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


@cache
def _validator_and_formats() -> tuple[Any, Any]:
    """jsonschema's 2020-12 validator with our ``type`` and ``integer``, and the date format
    checker; built on the first API call, so a web worker that serves none never loads
    jsonschema (memory)."""
    from jsonschema import Draft202012Validator, FormatChecker, ValidationError
    from jsonschema.validators import extend

    plain_type = Draft202012Validator.VALIDATORS["type"]

    def type_and_text(validator, types, instance, schema) -> Iterator[ValidationError]:
        """jsonschema's ``type``; a string of the right type must also be storable."""
        errors = list(plain_type(validator, types, instance, schema))
        yield from errors
        if not errors and isinstance(instance, str) and not _storable(instance):
            yield ValidationError("not storable text", validator="text")

    validator = extend(
        Draft202012Validator,
        validators={"type": type_and_text},
        # A whole number only: JSON Schema counts 3.0 as an integer, the forms behind the API
        # do not.
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
            "integer",
            lambda _checker, value: isinstance(value, int) and not isinstance(value, bool),
        ),
    )
    return validator, FormatChecker(formats=["date"])


def _name(path: Sequence[str | int]) -> str:
    """A field's name from an error's path: ``units`` for ``units[0]``, ``a.b`` if nested."""
    names = []
    for part in path:
        if isinstance(part, int):
            break
        names.append(part)
    return ".".join(names)


def _problems(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(field, message key) pairs for one jsonschema error."""
    prefix = _name(error.path)
    prefix = f"{prefix}." if prefix else ""
    if error.validator == "required":
        for name in error.validator_value:
            if name not in error.instance:
                yield prefix + name, "required"
    elif error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        for name in error.instance:
            if name not in known:
                yield prefix + name, "unknown"
    elif error.validator == "type":
        types = error.validator_value
        yield _name(error.path), types[0] if isinstance(types, list) else types
    else:
        yield _name(error.path), KINDS.get(str(error.validator), "null")


def _check(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """``ApiError`` 400 naming every field of ``instance`` that ``schema`` refuses."""
    found: dict[str, tuple[int, str]] = {}
    validator, dates = _validator_and_formats()
    for error in validator(schema, format_checker=dates).iter_errors(instance):
        rank = RANK.get(str(error.validator), len(RANK))
        for name, kind in _problems(error):
            if name not in found or rank < found[name][0]:
                found[name] = (rank, kind)
    if found:
        fields = {
            name: _(MESSAGES.get(kind, MESSAGES["null"])) for name, (_rank, kind) in found.items()
        }
        raise ApiError(400, "invalid_request", _("Dữ liệu gửi lên không hợp lệ."), fields)


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
    _check(body, schema)
    return body


def _argument(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query argument as JSON would have it: digits become a number where one is expected
    (at most twelve: a longer one is no id), anything else stays text for the schema to refuse."""
    types = schema.get("type")
    if (types[0] if isinstance(types, list) else types) == "integer":
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= 12:
            return int(text)
    return raw


def check_args(parameters: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The query arguments named in ``parameters`` (OpenAPI parameter objects), typed: missing
    ones take their default, dates are ``date``s.

    As with bodies, an argument the endpoint does not know is refused, not silently ignored (a
    misspelt filter would otherwise return everything).
    """
    schemas = {parameter["name"]: parameter["schema"] for parameter in parameters}
    given = {
        name: _argument(request.args[name], schemas[name])
        if name in schemas
        else request.args[name]
        for name in request.args
    }
    _check(given, {"type": "object", "properties": schemas, "additionalProperties": False})
    values = {}
    for name, schema in schemas.items():
        value = given.get(name, schema.get("default"))
        if isinstance(value, str) and schema.get("format") == "date":
            value = date.fromisoformat(value)
        values[name] = value
    return values
