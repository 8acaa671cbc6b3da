"""Methods that take several steps: API calls, raw transfers and pauses, in one generator.

Some methods are more than one call: :meth:`Video.upload` asks for an upload
URL, streams a file to it in chunks and asks where to resume after a failure.
Their logic is written once, as a generator (a *task*) that yields what it
needs and receives the outcome, like :meth:`ClientBase._flow`:

* :class:`CallEndpoint` — make an API call (the client's whole call flow:
  validation, signing, retries); the driver sends back its result, and an
  error is raised out of the task;
* :class:`Transfer` — POST a streamed body to a URL outside the API (an
  upload host: no sign, no envelope); the driver sends back a
  :class:`~baijiayun._flow.RawResponse` or the mapped network error;
* :class:`~baijiayun._flow.Sleep` — pause.

The drivers in ``_transport.py`` perform the I/O, sync or async; nothing here
knows which. :func:`task` declares such a method on a group.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

from ._endpoint import Endpoint
from ._flow import Sleep
from ._group import AsyncMode, Bound, EndpointMethod, StubMethod, SyncMode

if TYPE_CHECKING:
    from ._flow import ClientBase

__all__ = ["Body", "CallEndpoint", "Task", "TaskMethod", "Transfer", "task"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class CallEndpoint:
    """Make one API call with already bound ``values``."""

    spec: Endpoint
    values: dict[str, Any]


class Body(Protocol):
    """A request body produced piece by piece (never held whole in memory)."""

    @property
    def length(self) -> int:
        """Total bytes (sent as ``Content-Length``)."""
        ...

    def pieces(self) -> Iterator[bytes]:
        """The body's bytes, in order; a fresh iterator on each call."""
        ...


@dataclass(slots=True)
class Transfer:
    """POST ``body`` to ``url`` (not an API endpoint: nothing is signed or unwrapped).

    ``path`` names the target in errors and logs without the URL's query
    (which may hold an upload token).
    """

    url: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: Body
    timeout: float | None

    def __repr__(self) -> str:
        return f"Transfer(POST {self.path}, {self.body.length} bytes)"


Action = CallEndpoint | Transfer | Sleep
Task = Generator[Action, Any, T]
Run = Callable[["ClientBase", dict[str, Any]], Task[T]]


class TaskMethod(StubMethod, Generic[P, T]):
    """A method whose steps are a task: ``run(client, arguments)`` (see :func:`task`)."""

    kind = "task"
    """What the reference calls it (``pages``, ``compose``, ``task``)."""

    def __init__(self, source: EndpointMethod[Any, Any], run: Run[T], stub: Callable[..., Any]):
        super().__init__(source, stub)
        self.run = run

    def _run_sync(self, client: ClientBase, values: dict[str, Any]) -> Any:
        return client._run_task(self.run(client, values))  # a coroutine on the async client

    _run_async = _run_sync  # the client's own driver runs the task either way

    @overload
    def __get__(self, obj: None, owner: Any) -> TaskMethod[P, T]: ...
    @overload
    def __get__(self, obj: Bound[SyncMode], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Bound[AsyncMode], owner: Any) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any:
        return self if obj is None else self._bind(obj)


def task(
    source: EndpointMethod[Any, Any], *, run: Run[T]
) -> Callable[[Callable[Concatenate[Any, P], Any]], TaskMethod[P, T]]:
    """Declare a method whose steps are the task ``run(client, arguments)``.

    The stub gives the method's signature and doc; ``source`` is the endpoint
    it starts from (shown in the reference). The method returns the task's
    result on the sync client and an awaitable of it on the async client.
    """

    def decorate(stub: Callable[Concatenate[Any, P], Any]) -> TaskMethod[P, T]:
        return TaskMethod(source, run, stub)

    return decorate
