"""The web app and REST API (FastAPI + Jinja2), built by :func:`sanshen.web.app.create_app`."""
