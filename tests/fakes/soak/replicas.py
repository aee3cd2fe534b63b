"""`lastmile serve` replicas as child processes, and the round-robin balancer in front of them."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.fakes.signing import SlackReply, post

SERVING = "lastmile serving Slack at "
START_S = 90.0
BOT_TOKEN = "xoxb-soak"


def lastmile_command() -> list[str]:
    """The installed `lastmile` next to this interpreter, else `python -c main()`."""
    script = Path(sys.executable).parent / "lastmile"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


def replica_env(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a replica: ours minus any Slack, lastmile or provider settings."""
    prefixes = ("SLACK_", "LASTMILE_", "ANTHROPIC_", "OPENAI_", "DATABASE_URL")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return keep | {"DATABASE_URL": database_url} | extra


def upgrade_database(env: dict[str, str], cwd: Path) -> None:
    """`lastmile db upgrade` once, before any replica starts (so two never migrate at once)."""
    subprocess.run(
        [*lastmile_command(), "db", "upgrade"], env=env, cwd=cwd, check=True, capture_output=True
    )


class Replica:
    """One `lastmile serve --port 0`; its stderr goes to `<dir>/replica-<n>.log` (appended)."""

    def __init__(self, index: int, env: dict[str, str], workdir: Path) -> None:
        self.index = index
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / f"replica-{index}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url: str | None = None
        self.starts = 0

    def start(self) -> str:
        """Start it and wait until it prints where it serves; returns the events URL."""
        self.starts += 1
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} at {time.time():.3f}\n".encode())
            log.flush()
            command = [*lastmile_command(), "serve", "--host", "127.0.0.1", "--port", "0"]
            self.proc = subprocess.Popen(
                command, env=self.env, cwd=self.workdir, stdout=log, stderr=log
            )
        self.url = self._wait_for_url(offset)
        return self.url

    def _wait_for_url(self, offset: int) -> str:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            text = self.log_path.read_bytes()[offset:].decode(errors="replace")
            for line in text.splitlines():
                if SERVING in line:
                    return line.split(SERVING, 1)[1].strip()
            if self.proc is not None and self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"replica {self.index} did not start; see {self.log_path}")

    def kill9(self) -> None:
        """`kill -9`: no drain, no clean-up, in-flight work lost."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM (drains its requests), SIGKILL if it does not end within 20 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


class Balancer:
    """Round-robin over the replicas' URLs; a refused connection goes to the next replica
    (a load balancer's passive health check, nginx's `proxy_next_upstream error`)."""

    def __init__(self, replicas: list[Replica]) -> None:
        self.replicas = replicas
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def post(self, body: bytes, headers: dict[str, str], timeout: float) -> tuple[SlackReply, int]:
        """Send to the next replica; (reply, replica index). Raises OSError when none answers,
        TimeoutError when the chosen replica does not answer within `timeout`."""
        with self._lock:
            first = next(self._turn)
        last_error: OSError = ConnectionRefusedError("no replica")
        for step in range(len(self.replicas)):
            replica = self.replicas[(first + step) % len(self.replicas)]
            url = replica.url
            if url is None:
                continue
            try:
                return post(url, body, headers, timeout=timeout), replica.index
            except ConnectionRefusedError as error:  # never reached it: try the next one
                last_error = error
        raise last_error


def stop_all(replicas: list[Replica]) -> None:
    """Stop every replica, ignoring ones already gone."""
    for replica in replicas:
        with contextlib.suppress(Exception):
            replica.stop()
