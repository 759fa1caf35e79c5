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
    link_check: bool = False  # probe the links of drafts; from_env turns it on unless SANSHEN_LINK_CHECK=off
    link_check_private: bool = False  # also probe private/loopback addresses (SANSHEN_LINK_CHECK_PRIVATE=1)

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
            link_check=_choice(env, "SANSHEN_LINK_CHECK", {"on": True, "off": False}, "on"),
            link_check_private=_choice(env, "SANSHEN_LINK_CHECK_PRIVATE", {"1": True, "0": False}, "0"),
        )


def _choice(env: Mapping[str, str], name: str, values: Mapping[str, bool], default: str) -> bool:
    raw = (env.get(name) or default).strip().lower()
    if raw not in values:
        raise ValueError(f"环境变量 {name} 应为 {' 或 '.join(values)}，而不是“{raw}”")
    return values[raw]
