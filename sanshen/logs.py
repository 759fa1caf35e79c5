"""Logging of the long-running commands (serve, worker): plain lines, or with SANSHEN_JSON_LOGS one
JSON object per line on stderr (time in UTC, level, logger, message, process, and the exception's
traceback when there is one), for a log platform to collect from every process alike."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "process": record.process, "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(json_logs: bool) -> logging.Formatter:
    return JsonFormatter() if json_logs else logging.Formatter(PLAIN_FORMAT)


def configure(json_logs: bool, level: int = logging.INFO) -> None:
    """One stderr handler on the root logger (replacing earlier ones of ours) for sanshen's loggers."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "sanshen", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.sanshen = True
    handler.setFormatter(formatter(json_logs))
    root.addHandler(handler)
    logging.getLogger("sanshen").setLevel(level)


def uvicorn_log_config(json_logs: bool) -> dict:
    """uvicorn's loggers (server and access log) through the same formatter."""
    fmt = {"()": "sanshen.logs.JsonFormatter"} if json_logs else {"format": PLAIN_FORMAT}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"sanshen": fmt},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "sanshen", "stream": "ext://sys.stderr"}},
        "loggers": {name: {"handlers": ["stderr"], "level": "INFO", "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }
