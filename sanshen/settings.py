"""Settings read once from the environment and passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    token: str | None = None
    workflow_file: Path | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    urgent_deadline_hours: float = 5.0

    @property
    def site_dir(self) -> Path:
        return self.home / "site"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path(env.get("SANSHEN_HOME") or Path.cwd() / "data").expanduser().resolve()
        db_url = env.get("SANSHEN_DB") or f"sqlite:///{home / 'sanshen.db'}"
        workflow = env.get("SANSHEN_WORKFLOW")
        return cls(
            home=home,
            db_url=db_url,
            token=env.get("SANSHEN_TOKEN") or None,
            workflow_file=Path(workflow) if workflow else None,
            webhook_url=env.get("SANSHEN_WEBHOOK_URL") or None,
            webhook_secret=env.get("SANSHEN_WEBHOOK_SECRET") or None,
            urgent_deadline_hours=float(env.get("SANSHEN_URGENT_HOURS", "5")),
        )
