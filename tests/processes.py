"""Helpers for the tests that start sanshen as a separate process and stop it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SANSHEN = str(Path(sys.executable).with_name("sanshen"))
# How soon `serve` and `worker` must exit after SIGTERM: inside Kubernetes' default 30 s grace
# period and well before the 60 s claim lease. An idle machine stops in ~3 s; a loaded 2-core CI
# machine running two pytest workers has taken 5-11 s, so the bound is a behaviour, not a speed figure.
STOP_SECONDS = 20


def sanshen_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a sanshen process on the data directory ``home`` (SQLite)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHEN_", "PREFECT_API_URL"))}
    env.update(SANSHEN_HOME=str(home), SANSHEN_LINK_CHECK="off", **extra)
    return env


def processes_with(env_entry: str) -> list[int]:
    """Pids of the live processes whose environment holds ``env_entry`` ("NAME=value"): a process a
    sanshen process started (Prefect's embedded API among them) inherits its SANSHEN_HOME."""
    wanted = env_entry.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone, or not ours to read
            continue
        if wanted in environ and state != "Z":
            found.append(int(entry.name))
    return found


def children_of(pid: int, marker: str) -> list[int]:
    """Pids of the live direct children of ``pid`` whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid and marker in cmdline:
            found.append(int(entry.name))
    return found


def wait_until(check, *, timeout: float, what: str):
    """The first truthy answer of ``check()``, asked every 0.2 s; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def wait_for_line(proc: subprocess.Popen, marker: str, *, timeout: float) -> list[str]:
    """Read ``proc``'s stdout (text, line-buffered) until a line contains ``marker``; fails on a timeout
    or when the process ends first. Returns the lines read."""
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            lines.append(line)
            if marker in line:
                return lines
            continue
        assert proc.poll() is None, f"exited {proc.returncode} before “{marker}”: {''.join(lines)}"
        time.sleep(0.1)
    raise AssertionError(f"no “{marker}” within {timeout} s: {''.join(lines)}")


def stop_with_sigterm(proc: subprocess.Popen, *, timeout: float = 60) -> tuple[float, str]:
    """Send SIGTERM and wait for the exit; the seconds it took and the rest of the output."""
    import signal

    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"still running {timeout} s after SIGTERM") from None
    took = time.monotonic() - began
    os.set_blocking(proc.stdout.fileno(), True)
    return took, proc.stdout.read()


def assert_clean_stop(proc: subprocess.Popen, out: str, took: float, *, bound: float = STOP_SECONDS) -> None:
    """What a clean stop after SIGTERM (:func:`stop_with_sigterm`) looks like for `serve` and `worker`:
    exit 0 with the dispatcher's goodbye, no traceback, within ``bound`` seconds."""
    assert proc.returncode == 0 and "流程调度器已停止" in out, out
    assert "Traceback" not in out, out
    assert took < bound, f"took {took:.1f} s to stop (bound {bound} s)"


def kill_if_running(proc: subprocess.Popen) -> None:
    """In a test's ``finally``: a process a failed assertion left running is killed (and reaped)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
