"""Reading a request's form: urlencoded or multipart fields, and file parts.

The work is bounded before anything else is checked (the partner and sign
come after): at most :data:`MAX_FIELDS` fields and :data:`MAX_FILES` file
parts, counted in one linear pass before a body is parsed.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from ._http import SandboxRequest

MAX_FIELDS = 2000
"""Form fields a request may carry (the largest endpoint declares about fifty)."""
MAX_FILES = 32
"""File parts a multipart request may carry."""


class BadRequest(Exception):
    """A request the sandbox cannot even parse: answered as code 1001."""


def parse_form(request: SandboxRequest) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields (last value wins, like the platform's PHP) and file parts."""
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    try:
        if request.query:
            fields.update(_pairs(request.query))
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            _count_parts(ctype, request.body)
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + request.body
            )
            if not message.is_multipart():
                raise BadRequest("malformed multipart body")
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if part.get_filename() is not None:
                    if len(files) >= MAX_FILES:
                        raise BadRequest(f"more than {MAX_FILES} file parts")
                    files[name] = data
                else:
                    fields[name] = data.decode("utf-8")
        elif request.body:
            fields.update(_pairs(request.body.decode("utf-8")))
    except UnicodeError:
        raise BadRequest("request is not valid UTF-8") from None
    except BadRequest:
        raise
    except Exception as exc:  # any parser failure is the caller's malformed request
        raise BadRequest(f"malformed request body ({type(exc).__name__})") from None
    return fields, files


def _pairs(text: str) -> list[tuple[str, str]]:
    if text.count("&") >= MAX_FIELDS:
        raise BadRequest(f"more than {MAX_FIELDS} fields")
    return parse_qsl(text, keep_blank_values=True, errors="strict")


def _count_parts(ctype: str, body: bytes) -> None:
    """Refuse a multipart body with too many parts before parsing it (one pass, in C)."""
    boundary = ctype.partition("boundary=")[2].split(";")[0].strip().strip('"')
    if not boundary:
        raise BadRequest("multipart body without a boundary")
    if body.count(b"--" + boundary.encode("latin-1")) > MAX_FIELDS + MAX_FILES + 1:
        raise BadRequest(f"more than {MAX_FIELDS} fields")
