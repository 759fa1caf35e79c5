"""The uvicorn options of `sanshen serve` come from one place (`sanshen/web/server.py`), used by serve's
own process and by each of its web processes (`sanshen/web/worker_process.py`)."""

from __future__ import annotations

import logging.config

from fastapi import FastAPI

from sanshen.logs import JsonFormatter
from sanshen.settings import Settings
from sanshen.web.server import GRACEFUL_SECONDS, production_config


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
