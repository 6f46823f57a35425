"""One way to read request parameters, whatever they arrive as.

Query string, urlencoded form, multipart and JSON bodies are merged (the body wins), then normalised:
`key[]` names, `a[b][c]` nesting, repeated keys collected into lists for list fields, Pleroma's
boolean spellings, and strings checked for NUL and unpaired surrogates. The result is converted into
the route's msgspec Struct, whose messages are rewritten into the reference's.

Whatever the bytes, reading ends in parameters or in InvalidInput / TooLarge (a 4xx): invalid UTF-8,
malformed bodies, too many fields, too deep nesting and oversize bodies are refused, never replaced.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, TypeVar, get_args, get_origin
from urllib.parse import parse_qsl

import msgspec
from python_multipart.multipart import parse_options_header
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from plerome.domain.errors import InvalidInput, MissingField, TooLarge

T = TypeVar("T", bound=msgspec.Struct)

FORM_LIMIT = 2 * 1024 * 1024  # JSON and urlencoded bodies
MAX_FIELDS = 2000  # per query string or form body
MAX_DEPTH = 32  # nesting of JSON values and of `a[b][c]` names
_TRUE = {"true", "1", "on", "yes", "t"}
_FALSE = {"false", "0", "off", "no", "f", ""}
_KEY_PART = re.compile(r"\[([^\]]*)\]")
_json = msgspec.json.Decoder()


async def read_body(request: Request, limit: int, too_large: str = "File is too large") -> bytes:
    """The request body, refused with 413 past `limit` bytes (checked while it streams in, so a
    chunked body with no Content-Length is cut off too)."""
    if hasattr(request, "_body"):
        return request._body
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise InvalidInput("Invalid Content-Length")
        if int(declared) > limit:
            raise TooLarge(too_large)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(too_large)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body
    return body


class Repeated(list[Any]):
    """Values of a repeated query or form key (`a=1&a=2`, `a[]=1`). A single-valued field takes the
    last one; a JSON array is never collapsed like this (a list for a string is a type error)."""


def _set_path(target: dict[str, Any], name: str, value: Any) -> None:
    """Put `value` at the place `name` says: `a`, `a[]`, `a[b]`, `a[0][name]`."""
    head, _, rest = name.partition("[")
    parts = [head] + (_KEY_PART.findall("[" + rest) if rest else [])
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last:
            if part == "" and i > 0:  # a[] at the end: the parent is a list
                return
            if part in node:
                existing = node[part]
                node[part] = Repeated([*existing, value] if isinstance(existing, list) else [existing, value])
            else:
                node[part] = value
            return
        if parts[i + 1] == "" and i + 1 == len(parts) - 1:  # `a[]`
            existing = node.get(part)
            if existing is None:
                node[part] = Repeated([value])
            elif isinstance(existing, list):
                existing.append(value)
            else:
                node[part] = Repeated([existing, value])
            return
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child


def _lists_from_indexed(value: Any) -> Any:
    """{"0": x, "1": y} (from `a[0]=x&a[1]=y`) becomes [x, y]; recursively."""
    if isinstance(value, dict):
        value = {k: _lists_from_indexed(v) for k, v in value.items()}
        if value and all(k.isascii() and k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
        return value
    if isinstance(value, list):
        return type(value)(_lists_from_indexed(v) for v in value)
    return value


def pairs_to_dict(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name:
            if name.count("[") > MAX_DEPTH:
                raise InvalidInput(f"Invalid request: {name.partition('[')[0]} is nested too deeply")
            _set_path(out, name, value)
    return {k: _lists_from_indexed(v) for k, v in out.items()}


def parse_urlencoded(raw: bytes, what: str) -> list[tuple[str, str]]:
    """`a=1&b=%C3%A9` as pairs; invalid UTF-8 (raw or percent-encoded) is refused, not replaced."""
    try:
        return parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise InvalidInput(f"Invalid {what}: not valid UTF-8") from None
    except ValueError:  # parse_qsl's "Max number of fields exceeded"
        raise InvalidInput(f"Invalid {what}: more than {MAX_FIELDS} fields") from None


def _check_text(data: dict[str, Any]) -> None:
    """Refuse NUL characters, unpaired surrogates and deep nesting anywhere in `data` (iteratively:
    a hostile body must not exhaust the stack)."""
    # (value, what it is for the error message, where it sits, depth)
    pending: list[tuple[Any, str, str, int]] = [(data, "", "", 0)]
    while pending:
        value, what, where, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput(f"Invalid {what}: NUL characters are not allowed")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidInput(f"Invalid {what}: not valid unicode") from None
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidInput(f"Invalid {what}: nested too deeply")
            if isinstance(value, dict):
                for k, v in value.items():
                    inner = f"{where}.{k}" if where else str(k)
                    pending.append((k, f"field name in {where}" if where else "field name", where, depth + 1))
                    pending.append((v, f"value for {inner}", inner, depth + 1))
            else:
                pending.extend((v, what, where, depth + 1) for v in value)


async def raw_params(request: Request, upload_limit: int) -> dict[str, Any]:
    """Every parameter of the request as one dict (cached on the request: auth reads it too)."""
    cached = request.scope.get("plerome.params")
    if cached is not None:
        return dict(cached)
    data = pairs_to_dict(parse_urlencoded(request.scope.get("query_string", b""), "query string"))
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method not in ("GET", "HEAD"):
        if ctype == "application/json" or ctype.endswith("+json"):
            body = await read_body(request, FORM_LIMIT, "Request body is too large")
            if body.strip():
                data.update(_decode_json(body))
        elif ctype == "application/x-www-form-urlencoded":
            body = await read_body(request, FORM_LIMIT, "Request body is too large")
            data.update(pairs_to_dict(parse_urlencoded(body, "form body")))
        elif ctype == "multipart/form-data":
            body = await read_body(request, upload_limit + 1024 * 1024)
            _check_multipart_end(request.headers.get("content-type", ""), body)
            data.update(pairs_to_dict((await _multipart(request)).multi_items()))
    _check_text(data)
    request.scope["plerome.params"] = data
    return dict(data)


def _decode_json(body: bytes) -> dict[str, Any]:
    try:
        decoded = _json.decode(body)
    # msgspec raises UnicodeDecodeError on invalid UTF-8, ValidationError on numbers out of range
    # and RecursionError on very deep nesting.
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("Invalid JSON body") from None
    if not isinstance(decoded, dict):
        raise InvalidInput("The JSON body must be an object")
    return decoded


def _check_multipart_end(content_type: str, body: bytes) -> None:
    """python-multipart quietly drops a part cut off mid-way; a body without its closing delimiter
    is refused instead, so a truncated upload never passes for a complete one."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if boundary and body.strip() and b"--" + boundary + b"--" not in body:
        raise InvalidInput("Invalid multipart body: truncated")


async def _multipart(request: Request) -> Any:
    try:
        return await request.form(max_files=20, max_fields=MAX_FIELDS, max_part_size=FORM_LIMIT)
    except HTTPException as exc:  # Starlette's own limits (fields, files, part size), with a clear text
        raise InvalidInput(f"Invalid multipart body: {exc.detail}") from None
    except Exception:  # python-multipart raises several kinds on a malformed body
        raise InvalidInput("Invalid multipart body") from None


@functools.cache  # a pure function of the type: Structs are defined once, at import
def _field_kinds(struct: type) -> tuple[frozenset[str], frozenset[str]]:
    """Wire names of the bool fields and of the list fields."""
    bools, lists = set(), set()
    for f in msgspec.structs.fields(struct):
        for t in (f.type, *get_args(f.type)):
            if t is bool:
                bools.add(f.encode_name)
            if get_origin(t) in (list, tuple) or t in (list, tuple):
                lists.add(f.encode_name)
    return frozenset(bools), frozenset(lists)


def _coerce_bool(value: Any, name: str) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise InvalidInput(f"Invalid value for {name}: expected a boolean")
    return value


_MISSING = re.compile(r"Object missing required field `([^`]+)`")
_AT = re.compile(r" - at `\$\.?([^`]*)`")


def _rewrite(message: str) -> InvalidInput:
    missing = _MISSING.search(message)
    if missing:
        at = _AT.search(message)
        prefix = f"{at.group(1)}." if at and at.group(1) else ""
        return MissingField(prefix + missing.group(1))
    at = _AT.search(message)
    where = at.group(1) if at else ""
    what = _AT.sub("", message)
    return InvalidInput(f"Invalid value for {where}: {what}" if where else f"Invalid request: {what}")


def convert(data: dict[str, Any], struct: type[T]) -> T:
    """Normalised `data` as an instance of `struct`, or InvalidInput with a clear message."""
    bools, lists = _field_kinds(struct)
    for key in list(data):
        value = data[key]
        if key in lists and not isinstance(value, list):
            data[key] = [value] if not isinstance(value, dict) else value
        elif key not in lists and isinstance(value, Repeated) and value and not isinstance(value[-1], dict):
            data[key] = value[-1]
        if key in bools:
            data[key] = _coerce_bool(data[key], key)
    try:
        return msgspec.convert(data, struct, strict=False)
    except msgspec.ValidationError as exc:
        raise _rewrite(str(exc)) from None


async def params(request: Request, struct: type[T], upload_limit: int) -> T:
    data = await raw_params(request, upload_limit)
    data.pop("access_token", None)
    return convert(data, struct)


def is_upload(value: Any) -> bool:
    return isinstance(value, UploadFile)
