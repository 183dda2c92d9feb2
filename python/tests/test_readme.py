"""The README's examples run as written against a development-mode server."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server_process import ServerProcess, start_server

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.fixture
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Like `npm start`: no keys configured, so it writes ./data/dev-keys.json. One per test,
    since the quickstart's output depends on what its thread already holds."""
    root = tmp_path_factory.mktemp("devmode")
    running = start_server(root / "data", keys=False, cwd=root)
    yield running
    running.stop()


def run(code: str, cwd: Path, env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROGRESSDB_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(cwd),
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quickstart_reads_the_dev_keys_file(dev_server: ServerProcess) -> None:
    quickstart = python_blocks()[0]
    assert "data/dev-keys.json" in quickstart
    out = run(quickstart, dev_server.data_dir.parent, {"PROGRESSDB_URL": dev_server.url})
    assert out.splitlines() == [
        "1 user Where is my order?",
        "2 assistant It ships today.",
        "unread: 0",
    ]


def test_quickstart_takes_the_key_from_the_environment(
    dev_server: ServerProcess, tmp_path: Path
) -> None:
    key = json.loads((dev_server.data_dir / "dev-keys.json").read_text())["backendKey"]
    env = {"PROGRESSDB_URL": dev_server.url, "PROGRESSDB_KEY": key}
    out = run(python_blocks()[0], tmp_path, env)  # no ./data here: the key must come from env
    assert "assistant It ships today." in out


def test_async_example(dev_server: ServerProcess, tmp_path: Path) -> None:
    key = json.loads((dev_server.data_dir / "dev-keys.json").read_text())["backendKey"]
    code = python_blocks()[1] + f"\nasyncio.run(main({dev_server.url!r}, {key!r}))\n"
    out = run(code, tmp_path, {})
    assert out.splitlines()[0] == "{'text': 'hi'}"
