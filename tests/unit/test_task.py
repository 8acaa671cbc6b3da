"""Task methods (``_task.py``): several steps in one generator, run by the sync and async drivers.

A toy group declares one with ``@task``; the platform is the scripted ``MockAPI``.
Also: the files ``video.upload`` opens are closed whatever happens, and the
sandbox's paths outside the API are registered once each.
"""

from __future__ import annotations

import builtins
import io
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

import baijiayun._upload
from baijiayun import RoomNotFoundError, ValidationError
from baijiayun._flow import Sleep
from baijiayun._group import Group, ModeT
from baijiayun._task import CallEndpoint, Task, Transfer, task
from baijiayun.api.room import Room
from baijiayun.errors import APIConnectionError
from baijiayun.sandbox import Sandbox, SandboxResponse, Service
from baijiayun.sandbox.core.app import _raw_table

from .conftest import DEFAULT_DATA, ROOM_ID, envelope

HOST = "https://files.example.com/put?token=secret-token"


class Pieces:
    """A body of three pieces; counts how many times it was produced."""

    def __init__(self) -> None:
        self.produced = 0

    @property
    def length(self) -> int:
        return 9

    def pieces(self) -> Iterator[bytes]:
        self.produced += 1
        yield from (b"abc", b"def", b"ghi")


STEPS: list[Any] = []


def steps(client: Any, values: dict[str, Any]) -> Task[dict[str, Any]]:
    """Look a room up, send a body elsewhere, pause, and say what came back."""
    STEPS.clear()
    try:
        info = yield CallEndpoint(Room.info.spec, {"room_id": values["room_id"]})
        STEPS.append("called")
        outcome = yield Transfer(HOST, "/put", (("Content-Length", "9"),), Pieces(), 5.0)
        STEPS.append("sent")
        slept = yield Sleep(0)
        return {"title": info.title, "outcome": outcome, "slept": slept}
    finally:
        STEPS.append("closed")


class Toy(Group[ModeT], name="toy"):
    @task(Room.info, run=steps)
    def look_and_send(self, room_id: int) -> dict[str, Any]:
        """Look a room up, then send a body to another host."""


def run_toy(harness, room_id: int = ROOM_ID) -> Any:
    return harness.run(lambda c: Toy(c).look_and_send(room_id))


def test_a_task_runs_its_steps_in_order(harness) -> None:
    harness.api.script("/put", httpx2.Response(201, json={"ok": True}))
    result = run_toy(harness)
    assert result["title"] == DEFAULT_DATA["/openapi/room/info"]["title"]
    assert harness.api.to("/openapi/room/info")[0].form["room_id"] == str(ROOM_ID)
    assert harness.api.paths == ["/openapi/room/info", "/put"]
    put = harness.api.last
    assert put.body == b"abcdefghi" and put.url == HOST
    assert result["outcome"].status == 201 and result["outcome"].body == b'{"ok":true}'
    assert result["slept"] is None
    assert STEPS == ["called", "sent", "closed"]


def test_an_api_error_ends_the_task_and_closes_it(harness) -> None:
    harness.api.script("/openapi/room/info", envelope(code=3001, msg="no room"))
    with pytest.raises(RoomNotFoundError):
        run_toy(harness)
    assert STEPS == ["closed"]
    assert harness.api.paths == ["/openapi/room/info"]


def test_a_network_failure_of_a_transfer_is_handed_to_the_task(harness) -> None:
    harness.api.script("/put", httpx2.ConnectError("refused"))
    result = run_toy(harness)
    error = result["outcome"]
    assert isinstance(error, APIConnectionError) and not error.may_have_been_sent
    assert error.path == "/put" and "secret-token" not in str(error)
    assert STEPS == ["called", "sent", "closed"]


def test_a_task_is_validated_like_its_signature(harness) -> None:
    with pytest.raises(TypeError):
        harness.run(lambda c: Toy(c).look_and_send())
    with pytest.raises(ValidationError) as info:
        run_toy(harness, room_id=0)
    assert info.value.param == "room_id"
    assert harness.api.sent == []


def test_the_reference_calls_it_a_task() -> None:
    from baijiayun._registry import derived_kind

    assert derived_kind(Toy.look_and_send) == "task"
    assert Toy.look_and_send.source is Room.info.spec


# --------------------------------------------------------------------------- upload's files
@pytest.fixture
def opened(monkeypatch) -> list[io.BufferedReader]:
    """The files ``video.upload`` opens."""
    handles: list[io.BufferedReader] = []

    def tracking_open(*args: Any, **kwargs: Any) -> Any:
        handle = builtins.open(*args, **kwargs)  # noqa: SIM115 - the test checks it is closed
        handles.append(handle)
        return handle

    monkeypatch.setattr(baijiayun._upload, "open", tracking_open, raising=False)
    return handles


@pytest.mark.parametrize("outcome", ["done", "network", "bad-argument", "empty"])
def test_a_file_opened_from_a_path_is_always_closed(harness, tmp_path, opened, outcome) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(b"" if outcome == "empty" else b"x" * 70_000)
    harness.api.script(
        "/openapi/video/getUploadUrl",
        {"video_id": 166536, "upload_url": "https://upload.example/_upload/video?token=t"},
    )
    harness.api.script("/_upload/video", httpx2.Response(200, json={"code": 1, "msg": "ok"}))
    if outcome == "network":
        harness.api.script("/_upload/video", httpx2.ConnectError("refused"))
    kwargs: dict[str, Any] = {"max_resumes": 0}
    if outcome == "bad-argument":
        kwargs["category_id"] = -5
    try:
        harness.run(lambda c: c.video.upload(str(path), **kwargs))
    except (APIConnectionError, ValidationError):
        assert outcome != "done"
    else:
        assert outcome == "done"
    assert len(opened) == 1 and opened[0].closed


# --------------------------------------------------------------------------- the sandbox's paths
def _answer(env: Any, request: Any) -> SandboxResponse:
    return SandboxResponse(body=b"ok")


@pytest.mark.parametrize("path", ["/openapi/room/x", "/_sandbox/y", "/web/z"])
def test_a_service_cannot_serve_the_apis_paths(path) -> None:
    service = Service("toy")
    service.serves(path)(_answer)
    with pytest.raises(TypeError, match="taken"):
        _raw_table((service,))


def test_a_path_is_served_once() -> None:
    first, second = Service("a"), Service("b")
    first.serves("/_files/x")(_answer)
    with pytest.raises(TypeError, match="served twice"):
        first.serves("/_files/x")(_answer)
    second.serves("/_files/x")(_answer)
    with pytest.raises(TypeError, match="taken"):
        _raw_table((first, second))


def test_the_upload_host_is_reached_through_the_core() -> None:
    sandbox = Sandbox(raise_errors=True)
    sandbox.inject("/_upload/video", status=503)
    with httpx2.Client(transport=sandbox.transport()) as http:
        assert http.post("http://sandbox.local/_upload/video").status_code == 503
        assert http.post("http://sandbox.local/_upload/video").json()["code"] == 4001
    assert sandbox.request_count("/_upload/video") == 2
