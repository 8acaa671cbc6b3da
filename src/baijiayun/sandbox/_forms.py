"""Reading a request's form: urlencoded or multipart fields, and file parts."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from ._http import SandboxRequest


class BadRequest(Exception):
    """A request the sandbox cannot even parse: answered as code 1001."""


def parse_form(request: SandboxRequest) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields (last value wins, like the platform's PHP) and file parts."""
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    try:
        if request.query:
            fields.update(parse_qsl(request.query, keep_blank_values=True, errors="strict"))
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
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
                    files[name] = data
                else:
                    fields[name] = data.decode("utf-8")
        elif request.body:
            text = request.body.decode("utf-8")
            fields.update(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeError:
        raise BadRequest("request is not valid UTF-8") from None
    except BadRequest:
        raise
    except Exception as exc:  # any parser failure is the caller's malformed request
        raise BadRequest(f"malformed request body ({type(exc).__name__})") from None
    return fields, files
