"""Starts and stops the repo's real ProgressDB server (packages/server/dist/main.js)."""

import collections
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_MAIN = REPO_ROOT / "packages" / "server" / "dist" / "main.js"
START_DEADLINE_S = 30.0
STOP_DEADLINE_S = 10.0
LISTENING = re.compile(r"listening on (http://\S+)")

KEYS = {
    "backend": "py-test-backend-key",
    "frontend": "py-test-frontend-key",
    "admin": "py-test-admin-key",
    "signing": "py-test-signing-secret",
}


@dataclass
class ServerProcess:
    url: str
    data_dir: Path
    process: "subprocess.Popen[str]"
    output: "collections.deque[str]" = field(default_factory=lambda: collections.deque(maxlen=200))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_DEADLINE_S)


def ensure_built() -> None:
    """`npm test` builds first; a bare `pytest` in python/ builds once if dist/ is missing."""
    if SERVER_MAIN.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"{SERVER_MAIN} is missing and npm is not installed to build it.")
    subprocess.run([npm, "run", "build", "--silent"], cwd=REPO_ROOT, check=True, timeout=600)


def start_server(
    data_dir: Path,
    *,
    keys: bool = True,
    yaml: Optional[str] = None,
    env: Optional[dict[str, str]] = None,
    cwd: Optional[Path] = None,
) -> ServerProcess:
    """Starts the server on a free port and waits (with a deadline) for its listening line."""
    ensure_built()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH; the Python tests run against the real server.")
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [node, str(SERVER_MAIN), "serve", "--port", "0", "--data-dir", str(data_dir)]
    argv += ["--log-level", "warn"]
    if yaml is not None:
        config = data_dir.parent / f"{data_dir.name}-config.yaml"
        config.write_text(yaml)
        argv += ["--config", str(config)]
    # Start from a clean slate: no PROGRESSDB_* from the developer's shell leaks in.
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PROGRESSDB_")}
    if keys:
        child_env.update(
            PROGRESSDB_BACKEND_KEYS=KEYS["backend"],
            PROGRESSDB_FRONTEND_KEYS=KEYS["frontend"],
            PROGRESSDB_ADMIN_KEYS=KEYS["admin"],
            PROGRESSDB_SIGNING_KEYS=KEYS["signing"],
        )
    child_env.update(
        PROGRESSDB_RATE_LIMIT_USER_PER_SECOND="0",
        PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND="0",
    )
    child_env.update(env or {})
    process = subprocess.Popen(
        argv,
        cwd=str(cwd or data_dir.parent),
        env=child_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[Optional[str]] = queue.Queue()
    output: collections.deque[str] = collections.deque(maxlen=200)

    def pump() -> None:
        # Keeps draining the pipe for the server's whole life so it never blocks on a write.
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + START_DEADLINE_S
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            break
        match = LISTENING.search(line)
        if match:
            return ServerProcess(match.group(1), data_dir, process, output)
    process.kill()
    process.wait()
    raise RuntimeError("The server did not start in time:\n" + "".join(output))
