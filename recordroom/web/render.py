"""Templates: one Jinja2 environment, every page given the actor and its CSRF token."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from recordroom.core import DOC_TYPES
from recordroom.web.auth import template_globals

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _when_exact(value: dt.datetime | None) -> str:
    """To the second, in UTC (a time without a zone is UTC already, as SQLite returns it)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _label(doc_type: str) -> str:
    return doc_type.replace("_", " ").capitalize()


def _highlight(snippet: str) -> Markup:
    """A search snippet with the matched words (between [ and ]) marked."""
    return Markup(str(escape(snippet)).replace("[", "<mark>").replace("]", "</mark>"))


templates.env.filters["when"] = _when
templates.env.filters["when_exact"] = _when_exact
templates.env.filters["highlight"] = _highlight
templates.env.filters["label"] = _label
templates.env.globals["DOC_TYPES"] = DOC_TYPES

MESSAGES = {
    "filed": "Document filed.",
    "split": "Split in two: the pages from that page on are a new document in the review queue.",
    "merged": "Merged: the pages of both documents are here, in the file's order.",
    "retried": "The file is back in the inbox and will be tried again.",
    "discarded": "The quarantined file was discarded.",
    "password": "Your password was changed.",
    "disabled": "The account was disabled; its sessions ended.",
    "enabled": "The account was enabled.",
    "roles": "Roles saved; they take effect at the user's next sign-in.",
    "signed_out": "You are signed out.",
    "request_new": "Request logged; its due date is set.",
    "checked": "Review begun: the checks below are up to date.",
    "element": "Authorization element confirmed.",
    "identity": "Identity check recorded.",
    "approved": "Request approved; the fee is quoted.",
    "closed": "Request closed.",
    "cancelled": "Request cancelled.",
}


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    values = template_globals(request)
    values["message"] = MESSAGES.get(request.query_params.get("msg", ""))
    values.update(context or {})
    return templates.TemplateResponse(
        request, name, values, status_code=status, headers={"Cache-Control": "no-store"}
    )
