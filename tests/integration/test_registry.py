"""Every registered endpoint, through the registry: emulated, typed, and answered strictly.

These tests read the registry, so an endpoint added without a sandbox handler,
a case in ``tests/harness.py`` or a concrete result type fails here.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from baijiayun import ParameterError
from baijiayun.api import REGISTRY
from baijiayun.sandbox import SERVICES, Sandbox
from harness import CASES, World, acall, call, endpoint_names, strict_check, unwrapped

NAMES = endpoint_names()


def test_every_endpoint_has_a_case() -> None:
    assert sorted(CASES) == sorted(NAMES)


def test_every_endpoint_is_emulated_by_the_sandbox() -> None:
    emulated = {spec.qualname for service in SERVICES for spec in service.handlers}
    assert sorted(set(NAMES) - emulated) == []


def _mentions_any(tp: Any) -> bool:
    return tp is Any or any(_mentions_any(arg) for arg in typing.get_args(tp))


@pytest.mark.parametrize("name", NAMES)
def test_every_result_type_is_concrete(name: str) -> None:
    spec = REGISTRY[name]
    assert not _mentions_any(spec.result_type), f"{name} returns {spec.result_type}"


class Recorder:
    """Keeps the ``data`` of every answer, by path (raw, before the SDK reads it)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def __call__(self, response: httpx2.Response) -> None:
        response.read()
        self.data[response.request.url.path] = response.json()["data"]

    async def arecord(self, response: httpx2.Response) -> None:
        await response.aread()
        self.data[response.request.url.path] = response.json()["data"]


@pytest.fixture
def world(sandbox: Sandbox, client: Any) -> World:
    return World.build(sandbox, client)


@pytest.fixture
def recorded(mode: str, sandbox: Sandbox, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A sync client whose raw answers are kept (``client.recorder.data``)."""
    recorder = Recorder()
    http = httpx2.Client(
        transport=sandbox.transport() if mode == "inprocess" else None,
        event_hooks={"response": [recorder]},
    )
    if mode == "http":
        client = request.getfixturevalue("http_sandbox").client(http_client=http, max_retries=0)
    else:
        client = sandbox.client(http_client=http, max_retries=0)
    client.recorder = recorder
    yield client
    http.close()


@pytest.mark.parametrize("name", NAMES)
def test_every_endpoint_answers_its_declared_type_strictly(
    recorded: Any, world: World, name: str
) -> None:
    """The sandbox's answer has exactly the fields the result model declares."""
    spec = REGISTRY[name]
    result = call(recorded, name, **CASES[name](world))
    data = recorded.recorder.data[spec.path]
    strict_check(spec.result_type, unwrapped(name, data))
    if spec.result_type is None:
        assert result is None
    else:
        assert result is not None


@pytest.mark.parametrize("name", NAMES)
async def test_every_endpoint_works_on_the_async_client(
    aclient: Any, world: World, name: str
) -> None:
    spec = REGISTRY[name]
    result = await acall(aclient, name, **CASES[name](world))
    assert (result is None) == (spec.result_type is None)


REQUIRED = [
    pytest.param(spec.qualname, param.name, id=f"{spec.qualname}-{param.name}")
    for spec in REGISTRY
    for param in spec.params
    if param.required and not param.is_file
]


@pytest.mark.parametrize(("name", "param"), REQUIRED)
def test_a_missing_required_parameter_is_answered_1001_naming_it(
    client: Any, world: World, name: str, param: str
) -> None:
    args = {**CASES[name](world), param: None}  # None: not sent
    with pytest.raises(ParameterError) as info:
        call(client.with_options(validate=False), name, **args)
    assert info.value.code == 1001
    assert info.value.msg.startswith(param)
