"""The web interface and REST API: ``create_app`` over an open store (``app.py``)."""

from communique.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
