"""The uvicorn options of `sanshen serve` come from one place (`sanshen/web/server.py`), used by serve's
own process and by each of its web processes (`sanshen/web/worker_process.py`)."""

from __future__ import annotations

import logging.config
import threading
import time

import anyio
import anyio.to_thread
import pytest
from fastapi import FastAPI

from review.refusals import InvalidInput
from sanshen.logs import JsonFormatter
from sanshen.settings import Settings
from sanshen.web.server import GRACEFUL_SECONDS, limit_threads, production_config


def _settings(tmp_path, **env: str) -> Settings:
    return Settings.from_env({"SANSHEN_HOME": str(tmp_path), **env})


def test_production_options_plain_logs(tmp_path):
    config = production_config(FastAPI(), _settings(tmp_path), host="127.0.0.1", port=8123)
    assert (config.host, config.port) == ("127.0.0.1", 8123)
    assert config.proxy_headers is True
    assert config.timeout_graceful_shutdown == GRACEFUL_SECONDS
    assert config.log_level == "info"
    assert "uvicorn.access" in config.log_config["loggers"]  # uvicorn's own default (not ours)
    assert "sanshen" not in config.log_config.get("formatters", {})


def test_production_options_json_logs_put_uvicorn_through_the_json_formatter(tmp_path):
    config = production_config(FastAPI(), _settings(tmp_path, SANSHEN_JSON_LOGS="1"))
    assert config.log_config["formatters"]["sanshen"] == {"()": "sanshen.logs.JsonFormatter"}
    assert {"uvicorn", "uvicorn.error", "uvicorn.access"} <= set(config.log_config["loggers"])
    logging.config.dictConfig(config.log_config)  # a config logging accepts, as uvicorn applies it
    try:
        handler = logging.getLogger("uvicorn.access").handlers[0]
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False,
                                   "loggers": {n: {"handlers": [], "propagate": True, "level": "NOTSET"}
                                               for n in ("uvicorn", "uvicorn.error", "uvicorn.access")}})


def test_limit_threads_lets_that_many_requests_run_at_once():
    lock = threading.Lock()
    running = peak = 0

    def request() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.2)  # long enough that three overlap on a loaded machine
        with lock:
            running -= 1

    async def twelve_requests() -> None:
        await limit_threads(3)
        async with anyio.create_task_group() as tg:
            for _ in range(12):
                tg.start_soon(anyio.to_thread.run_sync, request)

    anyio.run(twelve_requests)
    assert peak == 3


def test_web_threads_setting_defaults_to_four_and_is_validated(tmp_path):
    assert _settings(tmp_path).web_threads == 4
    assert _settings(tmp_path, SANSHEN_WEB_THREADS="2").web_threads == 2
    with pytest.raises(InvalidInput):
        _settings(tmp_path, SANSHEN_WEB_THREADS="0")
