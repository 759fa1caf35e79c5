"""`sanshen worker` on Prefect's embedded API ends cleanly: nothing left running, no traceback,
stopped within STOP_SECONDS of SIGTERM (in-flight work finishes, unstarted work is handed back)."""

from __future__ import annotations

import subprocess

import pytest

from tests.processes import (
    SANSHEN,
    STOP_SECONDS,
    assert_clean_stop,
    kill_if_running,
    processes_with,
    sanshen_env,
    stop_with_sigterm,
    wait_for_line,
)

pytestmark = pytest.mark.prefect


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    subprocess.run([SANSHEN, "init"], env=sanshen_env(home), check=True, capture_output=True, timeout=120)
    return home


def test_worker_drain_returns_its_output_and_leaves_nothing_running(home):
    # Captured output (as `out=$(sanshen worker --drain)` does) only ends when every process holding
    # the pipe has ended: a lingering embedded API would hang this call until the timeout.
    done = subprocess.run([SANSHEN, "worker", "--drain"], env=sanshen_env(home), capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    assert "已处理 0 项待办，剩余 0 项" in done.stdout
    assert "Traceback" not in done.stderr and "failed" not in done.stderr, done.stderr
    assert processes_with(f"SANSHEN_HOME={home}") == []


def test_worker_stops_within_stop_seconds_of_sigterm_and_leaves_nothing_running(home):
    proc = subprocess.Popen([SANSHEN, "worker"], env=sanshen_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_line(proc, "流程调度器已启动", timeout=180)
        took, out = stop_with_sigterm(proc)
    finally:
        kill_if_running(proc)
    assert_clean_stop(proc, out, took, bound=STOP_SECONDS)
    assert processes_with(f"SANSHEN_HOME={home}") == []
