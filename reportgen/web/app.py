"""The Flask application of `reportgen serve`: the workspace, the guard and the pages put together."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from reportgen.domain import danish
from reportgen.resources import WEB_STATIC, WEB_TEMPLATES
from reportgen.web import casepages, guard, newcase, outputs, overview, plan
from reportgen.web.builds import Builds
from reportgen.web.context import INDSTILLING_LABELS, STATUS_LABELS, UDFALD_LABELS
from reportgen.web.files import MAX_REQUEST
from reportgen.web.workspace import Workspace


class _App(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Every page template is autoescaped (their names end in .html.j2)."""
        return True


def create_app(root: Path, port: int = 8000, token: str | None = None, out: Path | None = None) -> Flask:
    """The app serving the case folders in root, its versions in out (default root/output)."""
    import secrets

    app = _App(__name__, template_folder=str(WEB_TEMPLATES), static_folder=str(WEB_STATIC), static_url_path="/static")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # signs the one-time messages ("Teksten er gemt.") of this start
        SESSION_COOKIE_NAME=f"reportgen-besked-{port}",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=MAX_REQUEST,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,  # a text field: far more than any section's text
        MAX_FORM_PARTS=200,
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    workspace = Workspace(root, out)
    app.extensions["reportgen.workspace"] = workspace
    app.extensions["reportgen.builds"] = Builds(workspace.out)
    guard.install(app, guard.Keys.new(port, token))
    app.jinja_env.globals.update(
        csrf=lambda: guard.keys().csrf,
        indstilling_labels=INDSTILLING_LABELS,
        status_labels=STATUS_LABELS,
        udfald_labels=UDFALD_LABELS,
    )
    app.jinja_env.filters.update(
        long_date=danish.long_date,
        short_date=danish.short_date,
        when=lambda moment: f"{danish.long_date(moment.date())} kl. {moment:%H.%M}",
        count=danish.count,
    )
    for module in (overview, newcase, casepages, plan, outputs):
        app.register_blueprint(module.bp)
    return app
