"""Platform callbacks (docs/protocol.md §6): verify, parse into typed events, drop repeats, answer.

The platform POSTs form fields (all text) to your URL: class events (set with
``client.live_account.set_class_callback_url``) and transcode results of
videos and playbacks (``client.video_account.set_transcode_callback_url``).
Each delivery carries ``qid`` (unique per delivery), ``timestamp`` and
``sign``: the MD5 sign of every other field under your partner key (§2).

>>> fields = verify_callback(request.form, PARTNER_KEY)   # or client.verify_callback(...)
>>> event = parse_callback(fields)
>>> if dedup.is_new(event):
...     handle(event)
>>> return SUCCESS_BODY                                 # {"code": 0, "msg": ""}

Ready receivers for Starlette/FastAPI, Flask and Django are in
:mod:`baijiayun.callbacks.receivers`. :func:`sign_callback` builds valid callbacks for
your tests.

One module per concern: :mod:`~baijiayun.callbacks.verify` (fields, sign,
timestamp, answers), :mod:`~baijiayun.callbacks.events` (typed events),
:mod:`~baijiayun.callbacks.dedup` (repeated deliveries, their stores); every
name is also here.
"""

from __future__ import annotations

from .dedup import (
    DEFAULT_CLAIM_TTL,
    DEFAULT_DEDUP_TTL,
    CallbackDeduplicator,
    Claim,
    DedupStore,
    MemoryDedupStore,
    RedisDedupStore,
    check_qid,
)
from .events import (
    CallbackEvent,
    ClassEnded,
    ClassEvent,
    ClassStarted,
    PlaybackEvent,
    PlaybackFailed,
    PlaybackGenerating,
    PlaybackReady,
    TranscodeEvent,
    UnknownEvent,
    VideoEvent,
    VideoFailed,
    VideoTranscoded,
    VideoUploaded,
    event_type,
    parse_callback,
)
from .verify import (
    DEFAULT_TOLERANCE,
    MAX_CHARS,
    MAX_FIELDS,
    SIGN,
    SUCCESS_BODY,
    TIMESTAMP,
    callback_fields,
    failure_body,
    sign_callback,
    verify_callback,
)

__all__ = [
    "DEFAULT_CLAIM_TTL",
    "DEFAULT_DEDUP_TTL",
    "DEFAULT_TOLERANCE",
    "MAX_CHARS",
    "MAX_FIELDS",
    "SIGN",
    "SUCCESS_BODY",
    "TIMESTAMP",
    "CallbackDeduplicator",
    "CallbackEvent",
    "Claim",
    "ClassEnded",
    "ClassEvent",
    "ClassStarted",
    "DedupStore",
    "MemoryDedupStore",
    "PlaybackEvent",
    "PlaybackFailed",
    "PlaybackGenerating",
    "PlaybackReady",
    "RedisDedupStore",
    "TranscodeEvent",
    "UnknownEvent",
    "VideoEvent",
    "VideoFailed",
    "VideoTranscoded",
    "VideoUploaded",
    "callback_fields",
    "check_qid",
    "event_type",
    "failure_body",
    "parse_callback",
    "sign_callback",
    "verify_callback",
]
