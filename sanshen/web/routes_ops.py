"""Operations: /healthz (the process answers), /readyz (it can serve: database, schema, site store),
/metrics (Prometheus). No sign-in: expose them to the load balancer and the monitoring only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import JSONResponse, Response

from sanshen.service.health import readiness
from sanshen.web.state import app_ctx

router = APIRouter()


@router.get("/healthz")
def healthz() -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    view = readiness(app_ctx(request))
    return JSONResponse(view.model_dump(mode="json"), status_code=200 if view.ready else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
