"""Reading a request's form: urlencoded or multipart fields, and file parts.

Multipart bodies are split on their boundary with ``bytes.find`` (linear, one
copy per file part), so a document of tens of megabytes parses in
milliseconds; each part's headers are read with the standard library's
header parser. A file part keeps the name it was uploaded under
(:class:`FilePart`, a ``bytes`` with ``filename``).

The work is bounded before anything else is checked (the partner and sign
come after): at most :data:`MAX_FIELDS` fields and :data:`MAX_FILES` file
parts, counted in one linear pass before a body is parsed.
"""

from __future__ import annotations

import binascii
import quopri
from email.message import Message
from email.parser import HeaderParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from .http import SandboxRequest

__all__ = ["BadRequest", "FilePart", "file_name", "read_form"]

MAX_FIELDS = 2000
"""Form fields a request may carry (the largest endpoint declares about fifty)."""
MAX_FILES = 32
"""File parts a multipart request may carry."""


class BadRequest(Exception):
    """A request the sandbox cannot even parse: answered as code 1001."""


class FilePart(bytes):
    """The content of an uploaded file part, with the file name it was sent under."""

    filename: str

    def __new__(cls, content: bytes | memoryview, filename: str) -> FilePart:
        part = super().__new__(cls, content)
        part.filename = filename
        return part


def file_name(content: bytes, default: str = "") -> str:
    """The name a file part was uploaded under (``default`` when unknown)."""
    return getattr(content, "filename", None) or default


def read_form(request: SandboxRequest) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields (last value wins, like the platform's PHP) and file parts."""
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    try:
        if request.query:
            fields.update(_pairs(request.query))
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            _count_parts(ctype, request.body)
            _multipart(request.body, ctype, fields, files)
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
    if body.count(b"--" + _boundary(ctype)) > MAX_FIELDS + MAX_FILES + 1:
        raise BadRequest(f"more than {MAX_FIELDS} fields")


def _boundary(ctype: str) -> bytes:
    header = Message()
    header["content-type"] = ctype
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary or len(boundary) > 200:
        raise BadRequest("malformed multipart body")
    return boundary.encode("latin-1")


def _multipart(body: bytes, ctype: str, fields: dict[str, str], files: dict[str, bytes]) -> None:
    delimiter = b"--" + _boundary(ctype)
    view = memoryview(body)
    pos = body.find(delimiter)
    if pos < 0:
        raise BadRequest("malformed multipart body")
    pos += len(delimiter)
    while True:
        if body.startswith(b"--", pos):
            return  # the closing delimiter
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            raise BadRequest("malformed multipart body")
        head_end = body.find(b"\r\n\r\n", line_end)
        if head_end < 0:
            raise BadRequest("malformed multipart body")
        end = body.find(b"\r\n" + delimiter, head_end + 4)
        if end < 0:
            raise BadRequest("malformed multipart body")
        head = body[line_end + 2 : head_end].decode("utf-8")
        _part(head, view[head_end + 4 : end], fields, files)
        pos = end + 2 + len(delimiter)


def _part(head: str, content: memoryview, fields: dict[str, str], files: dict[str, bytes]) -> None:
    headers = HeaderParser(policy=HTTP).parsestr(head + "\r\n\r\n")
    name = headers.get_param("name", header="content-disposition")
    if not isinstance(name, str):
        return
    encoding = str(headers.get("content-transfer-encoding", "")).strip().lower()
    data: bytes | memoryview = content
    if encoding == "base64":
        data = binascii.a2b_base64(bytes(content))
    elif encoding == "quoted-printable":
        data = quopri.decodestring(bytes(content))
    filename = headers.get_filename()
    if filename is not None:
        if len(files) >= MAX_FILES:
            raise BadRequest(f"more than {MAX_FILES} file parts")
        files[name] = FilePart(data, filename)
    else:
        fields[name] = bytes(data).decode("utf-8")
