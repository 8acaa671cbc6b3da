"""No partner_key, secret_key or sign value ever shows in logs, errors or reprs."""

from __future__ import annotations

import logging
import re
import traceback
from urllib.parse import quote, quote_plus

import httpx2
import pytest

from baijiayun._flow import Send
from baijiayun.api import REGISTRY
from baijiayun.errors import BaiJiaYunError, redact

from .conftest import (
    CREATEKEY,
    FETCHED_KEY,
    FETCHED_KEY_2,
    NOW,
    PARTNER_KEY,
    ROOM_ID,
    SECRET_KEY,
    answer,
    envelope,
)

INFO = "/openapi/room/info"
CREATE = "/openapi/room/create"
START = NOW + 86400
SECRETS = (PARTNER_KEY, SECRET_KEY, FETCHED_KEY, FETCHED_KEY_2)


def _forms(secret: str) -> set[str]:
    """A secret as it could appear: raw, URL-encoded, or in a repr."""
    return {secret, quote_plus(secret), quote(secret, safe=""), repr(secret)[1:-1]}


def _run_batch(h) -> list[BaiJiaYunError]:
    """Successes, API errors, a key refresh, transport errors, bad bodies, bad input."""
    api = h.api
    raised: list[BaiJiaYunError] = []

    def attempt(fn) -> None:
        try:
            h.run(fn)
        except BaiJiaYunError as exc:
            raised.append(exc)

    api.script(CREATEKEY, {"partner_key": FETCHED_KEY}, {"partner_key": FETCHED_KEY_2})
    attempt(lambda c: c.room.info(ROOM_ID))  # createkey fetch + success
    attempt(lambda c: c.room.create("t", START, START + 3600, 2))
    attempt(lambda c: c.room.getcode(ROOM_ID, 42, "https://x.example/a.png"))
    api.script(INFO, envelope(code=1002, msg="签名错误"), answer(INFO))
    attempt(lambda c: c.room.info(ROOM_ID))  # 1002: refresh (fetched) or SignatureError
    api.script(INFO, envelope(code=3001, msg="教室不存在"))
    attempt(lambda c: c.room.info(ROOM_ID))
    api.script(INFO, httpx2.ConnectError("connection refused"))
    attempt(lambda c: c.room.info(ROOM_ID))  # retried, then APIConnectionError
    api.script(CREATE, httpx2.ReadTimeout("read timed out"))
    attempt(lambda c: c.room.create("t", START, START + 3600, 2))
    api.script(INFO, httpx2.Response(502, text="<html>bad gateway</html>"))
    attempt(lambda c: c.room.info(ROOM_ID))
    api.script(INFO, httpx2.Response(200, text="not json"))
    attempt(lambda c: c.room.info(ROOM_ID))
    api.script(INFO, {"no": "room id"})
    attempt(lambda c: c.room.info(ROOM_ID))
    attempt(lambda c: c.room.getcode(ROOM_ID, -1))  # ValidationError
    attempt(lambda c: c.partner.createkey(SECRET_KEY))
    api.script(CREATEKEY, envelope(code=2001, msg="账号不存在"))
    attempt(lambda c: c.partner.createkey(SECRET_KEY))
    return raised


@pytest.mark.parametrize("credentials", ["secret_key", "partner_key"])
def test_no_secret_in_logs_errors_or_reprs(make_harness, mode, caplog, clock, credentials):
    caplog.set_level(logging.DEBUG)  # every logger, root included
    clock.step = 1  # distinct timestamps, so many distinct sign values to look for
    if credentials == "secret_key":
        h = make_harness(mode, partner_key=None, secret_key=SECRET_KEY)
    else:
        h = make_harness(mode, partner_key=PARTNER_KEY, secret_key=SECRET_KEY)
    raised = _run_batch(h)
    assert len(raised) >= 8

    signs = {s.form["sign"] for s in h.api.sent if "sign" in s.form}
    assert len(signs) >= 5
    needles = set().union(*(_forms(s) for s in SECRETS)) | signs
    # the secrets really were used on the wire
    assert any(s.form.get("secret_key") == SECRET_KEY for s in h.api.sent)

    texts: list[str] = []
    assert caplog.records
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.append(str(record.msg))
        texts.append(repr(record.args))
        if record.exc_info:
            texts.append("".join(traceback.format_exception(*record.exc_info)))
    for exc in raised:
        chain: BaseException | None = exc
        while chain is not None:
            texts += [str(chain), repr(chain), repr(chain.args), repr(vars(chain))]
            chain = chain.__cause__ or chain.__context__
    client = h.client
    spec = REGISTRY[CREATE]
    fields, files = spec.prepare(
        {"title": "t", "start_time": START, "end_time": START + 3600, "type": 2}, client._ctx
    )
    prepared = client._build(spec, fields, files, PARTNER_KEY)
    signs.add(dict(prepared.fields)["sign"])
    needles.add(dict(prepared.fields)["sign"])
    keyfetch = client._build(REGISTRY[CREATEKEY], [("secret_key", SECRET_KEY)], {}, None)
    texts += [
        repr(client),
        str(client),
        repr(client.with_options(max_retries=5, validate=False)),
        repr(client._settings),
        str(client._settings),
        repr(client._options),
        repr(client._keys),
        repr(client._keys._store),
        repr(client.room),
        repr(prepared),
        str(prepared),
        repr(Send(prepared, 1.0)),
        repr(keyfetch),
        *(repr(s.request) for s in h.api.sent),
    ]
    for text in texts:
        for needle in needles:
            assert needle not in text, f"secret {needle[:6]}… leaked in {text[:120]!r}"


def test_the_baijiayun_logger_reports_each_attempt(harness, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="baijiayun")
    harness.room("info", ROOM_ID)
    harness.api.script(INFO, httpx2.ReadTimeout("slow"), answer(INFO))
    harness.room("info", ROOM_ID)
    harness.api.script(INFO, envelope(code=3001, msg="gone"))
    with pytest.raises(BaiJiaYunError):
        harness.room("info", ROOM_ID)

    lines = [r.getMessage() for r in caplog.records if r.name == "baijiayun"]
    ok = re.compile(r"^POST /openapi/room/info attempt=(\d+) status=200 code=0 elapsed=\d+\.\dms$")
    assert [ok.match(line).group(1) for line in lines if ok.match(line)] == ["1", "2"]
    assert any(
        re.match(
            r"POST /openapi/room/info attempt=1 status=- error=APITimeoutError "
            r"elapsed=\d+\.\dms",
            line,
        )
        for line in lines
    )
    assert any("retrying" in line and "attempt=1" in line for line in lines)
    assert any(
        re.match(r"POST /openapi/room/info attempt=1 status=200 code=3001 elapsed=\d+\.\dms", line)
        for line in lines
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("secret_key: does not match the account", "secret_key: does not match the account"),
        ("error: 1001 secret_key: does not match", "error: 1001 secret_key: does not match"),
        ("secret_key: 3068cecb29959c102ac188172ef3b101", "secret_key: ***"),
        ("secret_key: abcdefgh", "secret_key: ***"),  # a value alone is hidden
        ("sign: Ab3+/x= more words", "sign: *** more words"),  # not a word: hidden
        ("SIGN=does not", "SIGN=*** not"),  # the form encoding hides whatever follows
        ("Partner_Key: v", "Partner_Key: ***"),
    ],
)
def test_a_sentence_about_a_secret_field_is_kept_its_values_are_not(text: str, shown: str) -> None:
    """Bug: the masking took the word after ``secret_key:`` for its value (issue 19)."""
    assert redact(text) == shown
