"""``recordroom serve``: the watcher and its pipeline in a thread, the web app under uvicorn."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import uvicorn

from recordroom.web import create_app
from recordroom.wiring import Context

log = logging.getLogger("recordroom")


def serve(ctx: Context, watch: Callable[[threading.Event], object]) -> None:
    """Run ``watch(stop)`` in a thread and the web app on ``web_host:web_port`` until uvicorn
    is told to stop (Ctrl-C, SIGTERM); then stop the watcher and wait for it."""
    settings = ctx.settings
    stop = threading.Event()
    ctx.database  # noqa: B018 - open (and migrate) before two threads share the context
    ctx.store  # noqa: B018

    def run_watcher() -> None:
        try:
            watch(stop)
        except Exception:
            log.exception("the inbox watcher stopped on an error; the web app goes on")

    watcher = threading.Thread(target=run_watcher, name="recordroom-watcher", daemon=True)
    watcher.start()
    config = uvicorn.Config(
        create_app(ctx),
        host=settings.web_host,
        port=settings.web_port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
        access_log=False,  # request lines name documents and patients; the audit trail keeps them
    )
    log.info("web app on http://%s:%d", settings.web_host, settings.web_port)
    try:
        uvicorn.Server(config).run()
    finally:
        stop.set()
        watcher.join(timeout=30)
