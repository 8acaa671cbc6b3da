"""Ready-made callback receivers for web frameworks (optional: each imports its framework).

* :mod:`baijiayun.callbacks.receivers.starlette` — Starlette and FastAPI (sync or async handler)
* :mod:`baijiayun.callbacks.receivers.flask` — Flask
* :mod:`baijiayun.callbacks.receivers.django` — Django

Each reads the form, verifies it (:func:`baijiayun.callbacks.verify_callback`),
parses it into a typed event, drops repeated deliveries by ``qid`` (when given
a :class:`~baijiayun.callbacks.CallbackDeduplicator`), calls your handler with
the event and answers the platform:

* handled, or a repeat: HTTP 200 ``{"code": 0, "msg": ""}``;
* failed verification: HTTP 400 ``{"code": 1, "msg": "invalid callback"}`` (the
  reason is logged, never answered); so is a body that cannot be a callback (over
  1 MB, a file part, nested multipart, more than 1,000 fields: refused before it is
  parsed, in one linear pass; Starlette parses in the thread pool, off the event loop);
* the handler raised: HTTP 500 ``{"code": 1, "msg": "handler error"}`` (the
  exception is logged; the delivery is forgotten by the deduplicator so the
  platform's next attempt is handled);
* the deduplicator's store failed: HTTP 500 ``{"code": 1, "msg": "server error"}``
  (the handler is not called; the platform delivers it again later).

Nothing here is imported by ``baijiayun`` itself.
"""
