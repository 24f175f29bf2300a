"""The review web app (Starlette): one page per run, a small JSON API behind it.

Nothing a request sends is used as a path: runs are named by two checked segments and looked
up under the outputs root (or are the one run given on the command line), cuts by their id,
and the only files read are that run's selection lists and the PDFs its cuts quote.
Decisions are read with a size limit enforced while streaming, bounded JSON and the server's
own reviewer (``body.py``); hosts are checked against the bound address too (``hosts.py``).
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import ParseError, ReproError, SelectionError, UsageError
from pipeline.review.decisions import Decision
from pipeline.review.gate import undecided_cuts
from pipeline.review.runs import check_segment, list_runs, run_from_key, run_key
from pipeline.review.session import ReviewConflict, ReviewSession, SaveResult, default_reviewer
from pipeline.review.sources import (
    Highlight,
    SourceFiles,
    locate,
    locate_cut,
    page_size,
    render_page,
)
from pipeline.review.view import cut_rows, diff_lists
from pipeline.review.web.body import MAX_BODY, RequestRefused, parse_decision, read_body
from pipeline.review.web.hosts import LOOPBACK_HOSTS, HostCheck
from pipeline.selection.models import Cut

STATIC = Path(__file__).with_name("static")
STATIC_FILES = {"review.js": "text/javascript", "review.css": "text/css"}
__all__ = ["MAX_BODY", "ReviewApp", "build_app"]


def _error(err: ReproError) -> JSONResponse:
    status = 400
    headers: dict[str, str] = {}
    if isinstance(err, RequestRefused):
        status = err.status
        if status == 413:  # the rest of the body stays unread: do not keep the connection
            headers["Connection"] = "close"
    elif isinstance(err, ReviewConflict):
        status = 409
    elif isinstance(err, SelectionError):
        status = 422
    elif isinstance(err, UsageError) and err.message.startswith("no "):
        status = 404
    body: dict[str, Any] = {"error": err.message, "hint": err.hint}
    if isinstance(err, ReviewConflict):
        body["current_version"] = err.current_version
    return JSONResponse(body, status_code=status, headers=headers)


def _guard(handler: Any) -> Any:
    """A ReproError becomes a JSON answer with the status that fits it, never a 500 with a
    traceback."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except ReproError as err:
            return _error(err)

    return wrapped


class ReviewApp:
    """The handlers. Every request resolves its run afresh (files may change underneath);
    PDF and file work runs in the thread pool so one slow page render blocks nobody."""

    def __init__(
        self, outputs: Path, papers: Path, run: Path | None = None, reviewer: str | None = None
    ) -> None:
        self.outputs = outputs
        self.papers = papers
        self.single = run.resolve() if run is not None else None
        self.reviewer = reviewer or default_reviewer()  # the only name decisions are logged under

    def run_dir(self, request: Request) -> Path:
        paper, run = request.path_params["paper"], request.path_params["run"]
        check_segment(paper, "paper slug")
        check_segment(run, "run id")
        if self.single is not None:
            if (paper, run) != run_key(self.single):
                raise UsageError(
                    f"this server serves only run {'/'.join(run_key(self.single))}, not "
                    f"{paper}/{run}"
                )
            return self.single
        return run_from_key(self.outputs, paper, run)

    def session(self, request: Request) -> ReviewSession:
        return ReviewSession(self.run_dir(request), reviewer=self.reviewer)

    def find_cut(self, request: Request) -> tuple[Cut, SourceFiles]:
        cut_id = check_segment(request.path_params["cut"], "cut id")
        session = self.session(request)
        _, selection = session.current()
        for cut in selection.all_cuts():
            if cut.id == cut_id:
                return cut, SourceFiles(session.run_dir, self.papers, selection)
        raise UsageError(f"no cut {cut_id!r} in this run")

    async def index(self, request: Request) -> Response:
        runs = [self.single] if self.single is not None else list_runs(self.outputs)
        if len(runs) == 1:
            paper, run_id = run_key(runs[0])
            return RedirectResponse(f"/r/{paper}/{run_id}/", status_code=302)
        items = (
            "".join(
                f'<li><a href="/r/{html.escape(p)}/{html.escape(r)}/">{html.escape(p)} / '
                f"{html.escape(r)}</a></li>"
                for p, r in (run_key(x) for x in runs)
            )
            or "<li>no runs yet: run <code>reproduce extract PAPER</code> first</li>"
        )
        return HTMLResponse(
            '<!doctype html><html><head><meta charset="utf-8"><title>reproduce '
            'review</title><link rel="icon" href="data:,"><link rel="stylesheet" '
            'href="/static/review.css"></head><body class="runs"><h1>Runs to '
            f"review</h1><ul>{items}</ul></body></html>"
        )

    async def page(self, request: Request) -> Response:
        self.run_dir(request)
        template = (STATIC / "review.html").read_text(encoding="utf-8")
        base = f"/api/r/{request.path_params['paper']}/{request.path_params['run']}"
        return HTMLResponse(template.replace("{{API}}", html.escape(base)))

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)
        return Response((STATIC / name).read_bytes(), media_type=STATIC_FILES[name])

    def _state(self, request: Request) -> dict[str, Any]:
        session = self.session(request)
        version, selection = session.current()
        paper, run_id = run_key(session.run_dir)
        return {
            "run": f"{paper}/{run_id}",
            "paper": selection.paper.model_dump(mode="json"),
            "version": version,
            "reviewer": session.reviewer,
            "cuts": cut_rows(selection, session.extracted()),
            "assumptions": [a.model_dump(mode="json") for a in selection.assumptions],
            "containers": ["selection"]
            + [f"object:{o.name}" for o in selection.objects]
            + [f"region:{r.name}" for r in selection.regions],
            "undecided": len(undecided_cuts(selection)),
        }

    async def state(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self._state, request))

    def _source(self, request: Request) -> dict[str, Any]:
        cut, sources = self.find_cut(request)
        spot = locate_cut(sources, cut)
        size = page_size(spot.pdf, spot.page) if spot.pdf and spot.page else (None, None)
        return spot.as_json(*size) | {"image": bool(spot.pdf and spot.page)}

    async def source(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self._source, request))

    def _png(self, request: Request) -> bytes:
        cut, sources = self.find_cut(request)
        spot = locate_cut(sources, cut)
        if spot.pdf is None or spot.page is None:
            raise ParseError(
                f"cut {cut.id!r}: its source PDF or page is unknown",
                hint="the quote could not be placed",
            )
        return _render_cached(str(spot.pdf), spot.pdf.stat().st_mtime, spot.page, tuple(spot.boxes))

    async def page_png(self, request: Request) -> Response:
        png = await run_in_threadpool(self._png, request)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-cache"})

    async def decision(self, request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send the decision as application/json"}, status_code=415)
        choice, base_version = parse_decision(await read_body(request, MAX_BODY), self.reviewer)
        result = await run_in_threadpool(self._decide, request, choice, base_version)
        return JSONResponse({"version": result.version, "entry": result.entry})

    def _decide(self, request: Request, choice: Decision, base_version: int) -> SaveResult:
        session = self.session(request)
        main_pdf = SourceFiles(session.run_dir, self.papers, session.current()[1]).main

        def place(quote: str, page_no: int | None) -> tuple[int | None, list[dict[str, Any]]]:
            spot = locate(main_pdf, quote, page_no)
            return spot.page, [
                dict(page=spot.page, x0=b[0], y0=b[1], x1=b[2], y1=b[3]) for b in spot.boxes
            ]

        return session.decide(choice, base_version, who=self.reviewer, locate=place)

    async def diff(self, request: Request) -> Response:
        session = self.session(request)
        return JSONResponse(
            await run_in_threadpool(lambda: diff_lists(session.extracted(), session.current()[1]))
        )

    async def log(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.session(request).log))


@lru_cache(maxsize=64)
def _render_cached(
    pdf: str, mtime: float, page: int, boxes: tuple[tuple[float, float, float, float], ...]
) -> bytes:
    return render_page(Highlight(Path(pdf), page, list(boxes), "cache"))


def build_app(
    outputs: Path,
    papers: Path,
    run: Path | None = None,
    reviewer: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> Starlette:
    """The ASGI app. ``run``: serve only that run directory; else every run under ``outputs``.

    ``reviewer`` is the name every decision is logged under (default: $REPRO_REVIEWER or the
    user name); ``allowed_hosts`` the Host names answered besides the bound address."""
    app = ReviewApp(outputs, papers, run, reviewer)
    api = "/api/r/{paper}/{run}"
    routes = [
        Route("/", _guard(app.index)),
        Route("/static/{name}", _guard(app.static)),
        Route("/r/{paper}/{run}/", _guard(app.page)),
        Route(f"{api}/state", _guard(app.state)),
        Route(f"{api}/source/{{cut}}", _guard(app.source)),
        Route(f"{api}/page/{{cut}}.png", _guard(app.page_png)),
        Route(f"{api}/decision", _guard(app.decision), methods=["POST"]),
        Route(f"{api}/diff", _guard(app.diff)),
        Route(f"{api}/log", _guard(app.log)),
    ]
    hosts = allowed_hosts or list(LOOPBACK_HOSTS)
    return Starlette(routes=routes, middleware=[Middleware(HostCheck, allowed_hosts=hosts)])
