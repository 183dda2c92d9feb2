"""Fixtures: the real server (one relaxed, one with tight limits) and clients in both modes.

Most tests take `db` / `make_client`, parametrized over "sync" and "async": in async mode the
AsyncProgressDB is driven through `AsyncBridge` on its own event loop, so one test body checks
both clients against the same server.
"""

import asyncio
import inspect
import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable, Optional

import httpx
import pytest

from progressdb import AsyncProgressDB, ProgressDB
from server_process import KEYS, REPO_ROOT, ServerProcess, start_server

TIGHT_YAML = """\
limits:
  bodyMaxBytes: 2048
rateLimit:
  userPerSecond: 1
  userBurst: 2
"""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    running = start_server(tmp_path_factory.mktemp("server") / "data")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """2 KiB bodies; per user 1 request/s with a burst of 2 (the per-key limit stays off)."""
    running = start_server(
        tmp_path_factory.mktemp("tight") / "data",
        yaml=TIGHT_YAML,
        env={"PROGRESSDB_RATE_LIMIT_USER_PER_SECOND": "1"},
    )
    yield running
    running.stop()


_counter = itertools.count()


@pytest.fixture
def new_id() -> Callable[[str], str]:
    """Unique ids per call, so tests sharing the session server never collide."""
    run = uuid.uuid4().hex[:8]
    return lambda prefix: f"{prefix}-{run}-{next(_counter)}"


async def _collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


class AsyncBridge:
    """Calls an AsyncProgressDB from sync code: coroutines are run to completion on `loop`,
    async iterators are collected into lists, `for_user` clients are bridged too."""

    def __init__(self, client: AsyncProgressDB, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if isinstance(result, AsyncProgressDB):
                return AsyncBridge(result, self._loop)
            if inspect.isawaitable(result):
                return self._loop.run_until_complete(result)
            if hasattr(result, "__aiter__"):
                return self._loop.run_until_complete(_collect(result))
            return result

        return call


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


ClientFactory = Callable[..., Any]


@pytest.fixture
def make_client(mode: str, server: ServerProcess) -> Iterator[ClientFactory]:
    """`make_client(api_key=..., base_url=..., on_response=..., **options)` in this test's mode.

    `on_response(status)` is called for every HTTP response, retries included.
    """
    loop = asyncio.new_event_loop() if mode == "async" else None
    made: list[Any] = []

    def factory(
        *,
        api_key: str = KEYS["backend"],
        base_url: Optional[str] = None,
        on_response: Optional[Callable[[int], None]] = None,
        **options: Any,
    ) -> Any:
        url = base_url or server.url
        if loop is None:
            hooks = {"response": [lambda r: on_response(r.status_code)]} if on_response else {}
            http = httpx.Client(event_hooks=hooks) if on_response else None
            client = ProgressDB(base_url=url, api_key=api_key, http_client=http, **options)
            made.append(http or client)
            return client

        async def hook(response: httpx.Response) -> None:
            assert on_response is not None
            on_response(response.status_code)

        ahttp = httpx.AsyncClient(event_hooks={"response": [hook]}) if on_response else None
        aclient = AsyncProgressDB(base_url=url, api_key=api_key, http_client=ahttp, **options)
        made.append(ahttp or aclient)
        return AsyncBridge(aclient, loop)

    yield factory
    for item in made:
        if loop is None:
            item.close()
        else:
            loop.run_until_complete(item.aclose())
    if loop is not None:
        loop.close()


@pytest.fixture
def db(make_client: ClientFactory) -> Any:
    """A backend-key client (ProgressDB or a bridged AsyncProgressDB)."""
    return make_client()


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
