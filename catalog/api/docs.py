"""``/api/openapi.json`` and ``/api/docs``: the OpenAPI description and a readable page made from it."""

from flask import Blueprint, Response, current_app, render_template_string

bp = Blueprint("api_docs", __name__)
