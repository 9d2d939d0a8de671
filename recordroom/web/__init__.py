"""The web app and the JSON API: FastAPI, server-rendered Jinja2 pages, no front-end build.

Every route parses, calls one use-case with the signed-in ``Actor``, and presents; the role a
route needs is checked server-side by ``recordroom.web.auth.allow``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from recordroom.core import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RecordroomError,
)
from recordroom.web import api, audit, audit_api, pages, requests
from recordroom.web.auth import (
    CsrfError,
    NotSignedIn,
    PasswordChangeRequired,
    clear_session_cookie,
    is_api,
)
from recordroom.web.render import render
from recordroom.wiring import Context

STATIC = Path(__file__).parent / "static"


def api_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every FastAPI route under ``routes`` with its full path, through included routers (newer
    FastAPI keeps an included router as one entry of ``app.routes``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            inner = prefix + str(getattr(context, "prefix", "") or "")
            yield from api_routes(route.original_router.routes, inner)


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(
        request, "error.html", {"title": title, "detail": message, "status": status}, status
    )


def create_app(ctx: Context) -> FastAPI:
    """The web app over one wiring context (its settings, database and stores)."""
    app = FastAPI(
        title="recordroom",
        summary="The records room of a medical office: the JSON API behind the web app.",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(requests.router)
    app.include_router(audit.router)
    app.include_router(api.router)
    app.include_router(audit_api.router)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "sign in first (POST /api/login)"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        suffix = "&expired=1" if error.expired else ""
        response = RedirectResponse(f"/login?next={quote(target)}{suffix}", status_code=303)
        if error.expired:
            clear_session_cookie(response)
        return response

    @app.exception_handler(PasswordChangeRequired)
    async def password_change(request: Request, error: PasswordChangeRequired) -> Response:
        if is_api(request):
            return JSONResponse(
                {"detail": "choose your own password first (the web app's Account page)"},
                status_code=403,
            )
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(CsrfError)
    async def csrf(request: Request, error: CsrfError) -> Response:
        return _error(
            request,
            403,
            "Form expired",
            "This form was not sent from this session (its security token is missing or "
            "old). Go back, reload the page and try again.",
        )

    @app.exception_handler(AccessDeniedError)
    async def denied(request: Request, error: AccessDeniedError) -> Response:
        return _error(request, 403, "Not allowed", str(error))

    @app.exception_handler(AuthenticationError)
    async def unauthenticated(request: Request, error: AuthenticationError) -> Response:
        return _error(request, 401, "Sign-in failed", str(error))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> Response:
        return _error(request, 404, "Not found", str(error))

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, error: ConflictError) -> Response:
        return _error(request, 409, "Already there", str(error))

    @app.exception_handler(RecordroomError)
    async def refused(request: Request, error: RecordroomError) -> Response:
        return _error(request, 400, "That did not work", str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Not allowed here"}
        return _error(
            request, error.status_code, titles.get(error.status_code, "Error"), str(error.detail)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": list(error.errors())}, status_code=422)
        fields = ", ".join(str(e.get("loc", ["", "?"])[-1]) for e in error.errors())
        return _error(
            request, 422, "Check the form", f"These fields are missing or wrong: {fields}"
        )

    return app
