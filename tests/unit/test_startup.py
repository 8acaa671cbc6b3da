"""Start-up cost (issue 8, item 15): what importing and building a client load and cost.

Timings are measured by ``benchmarks/bench_startup.py``; these tests guard the
structure behind them (what is imported when, one TLS context per process)
with bounds loose enough for a loaded machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import pytest

import baijiayun
from baijiayun import AsyncBaiJiaYunClient, BaiJiaYunClient
from baijiayun._transport import shared_ssl_context

from .conftest import PARTNER_ID, PARTNER_KEY


def _fresh(code: str) -> None:
    """Run ``code`` in a fresh interpreter; it asserts what it needs."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_import_baijiayun_loads_neither_clients_nor_callbacks() -> None:
    _fresh(
        "import sys, baijiayun\n"
        "loaded = [m for m in ('baijiayun._client', 'baijiayun.callbacks', 'baijiayun.links',"
        " 'baijiayun.receivers', 'baijiayun.callbacks.receivers', 'baijiayun.api', 'httpx2',"
        " 'pydantic') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert baijiayun.BaiJiaYunError and baijiayun.ClientClosedError  # errors are eager\n"
    )


def test_importing_the_clients_builds_no_result_model_and_loads_no_callbacks() -> None:
    _fresh(
        "import sys\n"
        "from baijiayun import BaiJiaYunClient\n"
        "from baijiayun.models import CodeItem, RoomCreated, RoomInfo\n"
        "assert 'baijiayun.callbacks' not in sys.modules\n"
        "models = (CodeItem, RoomCreated, RoomInfo)\n"
        "built = [m.__name__ for m in models if '_fields_' in m.__dict__]\n"
        "assert not built, built  # each reads its fields at its first use\n"
    )


def test_a_client_loads_a_group_and_its_models_at_first_use() -> None:
    """Importing and building a client loads no group module and no model."""
    _fresh(
        "import sys\n"
        "from baijiayun import BaiJiaYunClient\n"
        "client = BaiJiaYunClient(1, partner_key='k')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('baijiayun.api.',"
        " 'baijiayun.models')) and not m.startswith('baijiayun.api._'))\n"
        "assert loaded == [], loaded\n"
        "assert 'pydantic.main' not in sys.modules\n"
        "assert client.livesetting is client.live_setting  # an alias is the same group\n"
        "assert 'baijiayun.api.live_setting' in sys.modules\n"
        "assert 'baijiayun.models.live_setting' in sys.modules  # with its models\n"
        "assert 'baijiayun.api.room' not in sys.modules\n"
        "assert client.room.info.__name__ == 'info'\n"
        "assert 'baijiayun.api.room' in sys.modules and 'baijiayun.models.room' in sys.modules\n"
    )


FIRST_ROOM_INFO = """
import sys
import httpx2
import baijiayun
from baijiayun import BaiJiaYunClient

ANSWER = (b'{"code": 0, "msg": "", "data": {"room_id": 26112912345678, "title": "t",'
          b' "type": 2, "start_time": "2026-11-29 20:00:00"}}')

def answer(request):
    return httpx2.Response(200, content=ANSWER, headers={"Content-Type": "application/json"})

client = BaiJiaYunClient("10000001", partner_key="k" * 32, base_url="http://mock.local/",
                         http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
info = client.room.info(26112912345678)
assert info.room_id == "26112912345678", info

def loaded(prefix):
    return sorted(m for m in sys.modules if m.startswith(prefix)
                  and not m[len(prefix):].startswith("_"))

assert loaded("baijiayun.models.") == ["baijiayun.models.room"], loaded("baijiayun.models.")
assert loaded("baijiayun.api.") == ["baijiayun.api.room"], loaded("baijiayun.api.")
assert not loaded("baijiayun.sandbox"), loaded("baijiayun.sandbox")
for name in ("baijiayun.callbacks", "baijiayun.timetable", "baijiayun._registry", "asyncio",
             "pydantic", "pydantic_core", "zoneinfo", "decimal", "baijiayun._task",
             "baijiayun._raw"):  # none is needed by a first call (issue 17's cold start)
    assert name not in sys.modules, name

from baijiayun.models import Result

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

modules = {c.__module__ for c in subclasses(Result)}
assert modules <= {"baijiayun.models.room", "baijiayun.models._base",
                   "baijiayun.models._paging"}, modules
"""


def test_a_first_room_info_imports_only_the_room_group_and_its_models() -> None:
    """Issue 17, item 6: the cold first call loads the group it uses and nothing of the others."""
    _fresh(FIRST_ROOM_INFO)


@pytest.mark.parametrize(
    "module",
    [
        "baijiayun.links",
        "baijiayun.callbacks",
        "baijiayun.api",
        "baijiayun.models",
        "baijiayun.keys",
        "baijiayun.receivers.starlette",
        "baijiayun.callbacks.receivers.starlette",
        "baijiayun.sandbox",
    ],
)
def test_every_public_module_can_be_imported_first(module: str) -> None:
    """No import cycle shows whichever module a program imports first."""
    _fresh(f"import {module}")


def test_lazy_names_resolve_and_are_listed() -> None:
    from baijiayun import callbacks, links

    assert baijiayun.verify_callback is callbacks.verify_callback
    assert baijiayun.CallbackDeduplicator is callbacks.CallbackDeduplicator
    assert baijiayun.Role is links.Role and baijiayun.enter_url is links.enter_url
    assert baijiayun.BaiJiaYunClient is BaiJiaYunClient
    assert {"verify_callback", "Role", "BaiJiaYunClient"} <= set(dir(baijiayun))
    assert set(baijiayun.__all__) <= set(dir(baijiayun))
    with pytest.raises(AttributeError):
        baijiayun.no_such_name  # noqa: B018


@pytest.mark.parametrize("cls", [BaiJiaYunClient, AsyncBaiJiaYunClient])
def test_a_client_costs_well_under_a_millisecond(cls) -> None:
    """Before: ~17 ms and ~0.9 MB each (every pool loaded the CA bundle into a new context)."""
    cls(PARTNER_ID, partner_key=PARTNER_KEY)  # the first builds the shared context
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        cls(PARTNER_ID, partner_key=PARTNER_KEY)
        samples.append(time.perf_counter() - started)
    assert statistics.median(samples) < 0.001, statistics.median(samples)


def test_every_pool_of_ours_shares_one_tls_context() -> None:
    a = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY)
    b = AsyncBaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY)
    contexts = {
        id(client._driver.http._transport._pool._ssl_context)  # where httpx2 keeps it
        for client in (a, b)
    }
    assert contexts == {id(shared_ssl_context())}
