"""Pages of lists beyond the queue: all drafts, 已办, published; claiming a task; the next item."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from lexicon.vocabulary import DraftStatus
from review.refusals import InvalidInput
from sanshen.service import claims, lists
from sanshen.service.views import UserView
from sanshen.web.auth import csrf_protect, current_user
from sanshen.web.forms import optional_int
from sanshen.web.render import page
from sanshen.web.state import app_ctx, now

router = APIRouter(dependencies=[Depends(csrf_protect)])

FILTER_KEYS = ("status", "column", "author", "stage", "since", "until")


def _page_number(value: str | None) -> int:
    return optional_int(value, what="页码") or 1


def _pages(request: Request, result, *, path: str) -> dict:
    """Links to the previous and next page, keeping the filters."""
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    last = max(1, -(-result.total // result.per_page))

    def link(n: int) -> str:
        return f"{path}?{urlencode({**params, 'page': n})}"

    return {"prev_url": link(result.page - 1) if result.page > 1 else None,
            "next_url": link(result.page + 1) if result.page < last else None, "last_page": last}


@router.get("/drafts")
def all_drafts(request: Request, me: UserView = Depends(current_user)) -> Response:
    q = request.query_params
    values = {k: q.get(k, "") for k in FILTER_KEYS}
    result = lists.all_drafts(app_ctx(request), me, lists.DraftFilter(
        status=values["status"] or None, column=values["column"] or None, author=values["author"] or None,
        stage=values["stage"] or None, since=lists.parse_day(values["since"], what="起始日期"),
        until=lists.parse_day(values["until"], what="截止日期"), page=_page_number(q.get("page"))))
    stages = [s for s in app_ctx(request).workflow.stages if s.human]
    return page(request, "drafts_list.html", "全部稿件", result=result, f=values, statuses=list(DraftStatus),
                stages=stages, **_pages(request, result, path="/drafts"))


@router.get("/published")
def published(request: Request, me: UserView = Depends(current_user)) -> Response:
    result = lists.published(app_ctx(request), me, page=_page_number(request.query_params.get("page")))
    return page(request, "published_list.html", "已发布", result=result,
                **_pages(request, result, path="/published"))


@router.get("/handled")
def handled(request: Request, me: UserView = Depends(current_user)) -> Response:
    number = _page_number(request.query_params.get("page"))
    items = lists.handled(app_ctx(request), me, page=number, per_page=lists.PER_PAGE)
    return page(request, "handled.html", "已办", items=items, page_no=number,
                prev_url=f"/handled?page={number - 1}" if number > 1 else None,
                next_url=f"/handled?page={number + 1}" if len(items) == lists.PER_PAGE else None)


@router.get("/next")
def next_item(request: Request, after: str = "", me: UserView = Depends(current_user)) -> Response:
    item = claims.next_item(app_ctx(request), me, now=now(request), after=optional_int(after, what="稿件编号"))
    if item is None:
        return RedirectResponse("/queue?done=queue_empty", status_code=303)
    return RedirectResponse(f"/drafts/{item.id}", status_code=303)


@router.post("/drafts/{draft_id}/claim")
def claim(request: Request, draft_id: int, stage: str = Form(""), back: str = Form(""),
          me: UserView = Depends(current_user)) -> Response:
    claims.claim(app_ctx(request), me, draft_id, stage=stage or None, now=now(request))
    return RedirectResponse(_back(back, draft_id, "claimed"), status_code=303)


@router.post("/drafts/{draft_id}/unclaim")
def unclaim(request: Request, draft_id: int, stage: str = Form(""), back: str = Form(""),
            me: UserView = Depends(current_user)) -> Response:
    claims.unclaim(app_ctx(request), me, draft_id, stage=stage or None, now=now(request))
    return RedirectResponse(_back(back, draft_id, "unclaimed"), status_code=303)


@router.post("/queue/claims")
def queue_claims(request: Request, claim: str = Form(""), unclaim: str = Form(""),
                 me: UserView = Depends(current_user)) -> Response:
    """The queue's one form: the button pressed names the task ("draft:stage") and what to do."""
    task = claim or unclaim
    draft_text, _, stage = task.partition(":")
    draft_id = optional_int(draft_text, what="稿件编号")
    if draft_id is None or not stage:
        raise InvalidInput("bad_task", "请选择要认领或放弃认领的任务")
    act = claims.claim if claim else claims.unclaim
    act(app_ctx(request), me, draft_id, stage=stage, now=now(request))
    return RedirectResponse(f"/queue?done={'claimed' if claim else 'unclaimed'}", status_code=303)


def _back(back: str, draft_id: int, done: str) -> str:
    return f"/queue?done={done}" if back == "queue" else f"/drafts/{draft_id}?done={done}"
