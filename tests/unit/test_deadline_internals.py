"""The deadline's reliance on httpx2/httpcore2 internals fails loudly, never silently.

``baijiayun._deadline`` is the one module that touches private attributes of
httpx2 and httpcore2 (listed in ``PRIVATE``). If an upgrade renames one, these
tests fail (they never skip), and a client built on such a version warns.
"""

from __future__ import annotations

import importlib
import warnings

import httpx2
import pytest

from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient, _deadline

from .conftest import PARTNER_ID, PARTNER_KEY


def _owner(dotted: str) -> type:
    module, _, name = dotted.partition(".")
    owner: type = getattr(importlib.import_module(module), name)
    return owner


def _instances(owner: type) -> list[object]:
    """Real instances of ``owner`` as httpx2 builds them for our pools (a proxy's too)."""
    proxy = "http://127.0.0.1:9"
    clients: list[object] = [
        httpx2.Client(),
        httpx2.AsyncClient(),
        httpx2.Client(mounts={"http://": httpx2.HTTPTransport(proxy=proxy)}),
        httpx2.AsyncClient(mounts={"http://": httpx2.AsyncHTTPTransport(proxy=proxy)}),
    ]
    found: list[object] = []
    for client in clients:
        transports = [client._transport, *client._mounts.values()]  # type: ignore[attr-defined]
        pools = [t._pool for t in transports]
        found += [x for x in (client, *transports, *pools) if isinstance(x, owner)]
    return found


@pytest.mark.parametrize(("owner", "attribute"), _deadline.PRIVATE)
def test_every_private_attribute_the_deadline_needs_exists(owner: str, attribute: str) -> None:
    instances = _instances(_owner(owner))
    assert instances, f"no {owner} among what httpx2 builds"
    for instance in instances:
        assert hasattr(instance, attribute), (
            f"{owner}.{attribute} is gone from the installed httpx2/httpcore2: "
            "baijiayun._deadline must be ported, or the per-attempt deadline is not enforced"
        )


@pytest.mark.parametrize("cls", [BaiJiaYunClient, AsyncBaiJiaYunClient])
def test_our_pools_run_on_the_deadline_backend(cls: type) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no weakened deadline
        client = cls(PARTNER_ID, partner_key=PARTNER_KEY)
    backend = client._driver.http._transport._pool._network_backend
    assert isinstance(backend, (_deadline.Backend, _deadline.AsyncBackend))


def test_a_missing_attribute_warns_instead_of_weakening_silently() -> None:
    class Renamed:  # an httpx2 whose client keeps its transport under another name
        _mounts: dict[object, object] = {}  # noqa: RUF012

    with pytest.warns(RuntimeWarning, match="deadline is not enforced"):
        _deadline.bound(Renamed())

    class NoPool:
        pass

    class Client:
        _transport = NoPool()
        _mounts: dict[object, object] = {}  # noqa: RUF012

    with pytest.warns(RuntimeWarning, match="NoPool._pool._network_backend"):
        _deadline.bound(Client())
