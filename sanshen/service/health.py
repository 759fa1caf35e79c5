"""Whether this process can serve: the database answers, its schema is at the migrations' head,
and the site store takes a write. Each check answers in Chinese what is wrong."""

from __future__ import annotations

import os
import tempfile

from alembic.script import ScriptDirectory
from sqlalchemy import text

from flows.site import MANIFEST
from sanshen.service.context import AppContext
from sanshen.service.site import site_of
from sanshen.service.views import ReadinessCheckView, ReadinessView
from storage.db import alembic_config


def _database(ctx: AppContext) -> tuple[ReadinessCheckView, str | None]:
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:  # any driver error means not ready
        return ReadinessCheckView(name="database", ok=False, detail=f"数据库无法访问：{type(exc).__name__}"), None
    return ReadinessCheckView(name="database", ok=True, detail="数据库可访问"), current


def _migrations(current: str | None) -> ReadinessCheckView:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if current == head:
        return ReadinessCheckView(name="migrations", ok=True, detail=f"数据库结构为最新（{head}）")
    return ReadinessCheckView(name="migrations", ok=False,
                              detail=f"数据库结构为 {current or '未初始化'}，应为 {head}：请运行 sanshen init")


def _site(ctx: AppContext) -> ReadinessCheckView:
    store = site_of(ctx.settings).store
    where = ctx.settings.site_store_url
    try:
        store.ensure()
        if store.local_root is not None:  # a folder: it takes a (hidden, never published) file
            fd, path = tempfile.mkstemp(prefix=".ready.", dir=store.local_root)
            os.close(fd)
            os.unlink(path)
        else:  # an object store: it answers (a probe object would show up as an added file)
            store.read(MANIFEST)
    except Exception as exc:  # any error of the store means not ready
        return ReadinessCheckView(name="site", ok=False, detail=f"站点存放处 {where} 不可写：{exc}")
    return ReadinessCheckView(name="site", ok=True, detail=f"站点存放处 {where} 可写")


def readiness(ctx: AppContext) -> ReadinessView:
    database, current = _database(ctx)
    checks = (database, _migrations(current) if database.ok else
              ReadinessCheckView(name="migrations", ok=False, detail="数据库无法访问，未检查"), _site(ctx))
    return ReadinessView(ready=all(c.ok for c in checks), checks=checks)
