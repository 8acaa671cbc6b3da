"""Moved to :mod:`baijiayun.callbacks.receivers`; this name keeps working.

``baijiayun.receivers.starlette``, ``.flask`` and ``.django`` re-export the
receivers of ``baijiayun.callbacks.receivers.starlette``, ``.flask`` and
``.django`` (each still imports its framework only when imported).
"""
