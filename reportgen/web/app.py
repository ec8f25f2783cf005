"""The Flask application of `reportgen serve`: the workspace, the guard and the pages put together."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import Flask

from reportgen.domain import danish
from reportgen.inputs.limits import MAX_FORM_BYTES, MAX_FORM_FIELD_BYTES, MAX_FORM_PARTS
from reportgen.resources import WEB_STATIC, WEB_TEMPLATES
from reportgen.web import casepages, fonts, guard, newcase, outputs, overview, plan
from reportgen.web.builds import Builds
from reportgen.web.context import INDSTILLING_LABELS, STATUS_LABELS, UDFALD_LABELS
from reportgen.web.team.runtime import Team
from reportgen.web.workspace import Workspace


class _App(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Every page template is autoescaped (their names end in .html.j2)."""
        return True


def create_app(
    root: Path,
    port: int = 8000,
    token: str | None = None,
    out: Path | None = None,
    host: str = "127.0.0.1",
    team: Team | None = None,
) -> Flask:
    """The app serving the case folders in root, its versions in out (default root/output), on host:port; with team,
    named users log in instead of the token (web/team/)."""
    import secrets

    app = _App(__name__, template_folder=str(WEB_TEMPLATES), static_folder=str(WEB_STATIC), static_url_path="/static")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # signs the one-time messages ("Teksten er gemt.") of this start
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_FIELD_BYTES,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    workspace = Workspace(root, out)
    app.extensions["reportgen.workspace"] = workspace
    app.extensions["reportgen.builds"] = Builds(workspace.out)
    guard.install(app, guard.Keys.new(port, token))
    app.jinja_env.globals.update(
        csrf=guard.csrf_token,
        team_mode=None,  # team mode's globals (web/team/setup.py): who is logged in, what their role may post
        team_user=lambda: None,
        may=lambda endpoint: True,
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
    for module in (overview, newcase, casepages, plan, outputs, fonts):
        app.register_blueprint(module.bp)
    if team is not None:
        from reportgen.web.team.setup import install

        install(app, team)
    served_on(app, host, port)
    return app


def served_on(app: Flask, host: str, port: int) -> None:
    """Tell the app the address it is served on (with --port 0, the port the system chose): its cookies are named
    after the port, and every request's Host must name the address."""
    app.extensions["reportgen.keys"] = replace(app.extensions["reportgen.keys"], cookie=guard.cookie_name(port))
    public = app.extensions.get(guard.PUBLIC_HOST)
    app.extensions["reportgen.addresses"] = guard.Addresses.started_on(host, port, public)
    app.config["SESSION_COOKIE_NAME"] = f"reportgen-besked-{port}"
