"""``/api/openapi.json`` and ``/api/docs``: the OpenAPI description, and a page rendered from it on the server.

The page is plain HTML with one stylesheet served by the app: no script, no CDN, no external assets.
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template_string, request

from catalog import links
from catalog.api import http, openapi

bp = Blueprint("api_docs", __name__)
STATIC = Path(__file__).resolve().parent / "static"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ spec.info.title }}</title>
<link rel="stylesheet" href="{{ css }}">
</head>
<body>
<h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p>
<p>Machine-readable description: <a href="{{ json_url }}">OpenAPI 3.1 (openapi.json)</a>.
Send a token from <code>catalog token create USER</code> in the <code>Authorization</code> header
(or <code>X-CKAN-API-Key</code>) for writes and private data.</p>
<nav><ul>
{% for name, _ in actions %}<li><a href="#{{ name }}">{{ name }}</a></li>
{% endfor %}</ul></nav>
{% for entity, group in groups %}
<h2>{{ entity }}</h2>
{% for name, item in group %}
<section class="action" id="{{ name }}">
<h3><code>{{ name }}</code></h3>
<p>{% for method in item %}<span class="method {{ method }}">{{ method | upper }}</span> {% endfor %}
<code>{{ base }}/api/3/action/{{ name }}</code></p>
<pre>{{ item.post.description }}</pre>
{% set params = item.post.requestBody.content["application/json"].schema.properties %}
{% if params %}
<table><tr><th>Parameter</th><th>Type</th><th>Description</th></tr>
{% for pname, pschema in params.items() %}<tr><td><code>{{ pname }}</code></td>
<td>{{ pschema.type }}</td><td>{{ pschema.description }}</td></tr>
{% endfor %}</table>
{% endif %}
<p>Result: <code>{{ item.post.responses["200"].content["application/json"].schema.properties.result["$ref"].rsplit("/", 1)[-1] }}</code>.
Errors: {% for status, response in item.post.responses.items() if status != "200" %}<code>{{ status }}</code> {% endfor %}</p>
</section>
{% endfor %}
{% endfor %}
<h2>Errors</h2>
<table><tr><th>Status</th><th>Meaning</th></tr>
{% for status, text in errors.items() %}<tr><td>{{ status }}</td><td>{{ text }}</td></tr>{% endfor %}
</table>
</body>
</html>
"""


def _static_response(body: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:32], weak=True)
    response.make_conditional(request)
    response.headers.update(http.SECURITY_HEADERS)
    return http.compress(response)


@bp.get("/api/openapi.json")
def openapi_json():
    spec = {**openapi.spec(), "servers": [{"url": links.base_url(current_app.config)}]}
    response = _static_response(json.dumps(spec, ensure_ascii=False), "application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def render_page(base: str = "") -> str:
    """The documentation page's HTML."""
    spec = openapi.spec()
    actions = [(path.rsplit("/", 1)[-1], item) for path, item in spec["paths"].items()]
    groups = {}
    for name, item in actions:
        groups.setdefault(item["post"]["tags"][0], []).append((name, item))
    return render_template_string(
        PAGE, spec=spec, actions=actions, groups=sorted(groups.items()), base=base,
        errors=openapi.ERROR_STATUSES, css=f"{base}/api/docs.css", json_url=f"{base}/api/openapi.json",
    )


@bp.get("/api/docs")
def docs_page():
    return _static_response(render_page(request.script_root), "text/html")


@bp.get("/api/docs.css")
def docs_css():
    return _static_response((STATIC / "api-docs.css").read_text("utf-8"), "text/css")


def markdown_reference() -> str:
    """The action reference of docs/api.md, made from the docstrings (``python -m catalog.api.docs`` rewrites it)."""
    from catalog.api.registry import ACTIONS

    lines = []
    for entity in sorted({a.entity for a in ACTIONS.values()}):
        lines.append(f"## {entity.capitalize()} actions\n")
        for found in sorted((a for a in ACTIONS.values() if a.entity == entity), key=lambda a: a.name):
            methods = "GET or POST" if found.read_only else "POST"
            lines.append(f"### `{found.name}`\n\n{methods} `/api/3/action/{found.name}` — {found.summary}\n")
            if found.params:
                lines.append("| Parameter | Type | Description |\n| --- | --- | --- |")
                lines += [f"| `{p.name}` | {p.type} | {p.description} |" for p in found.params]
                lines.append("")
            lines.append(f"Result: `{found.result}` (see `/api/openapi.json`).\n")
    return "\n".join(lines).strip() + "\n"


def write_reference(path: Path) -> None:
    """Replace the generated part of docs/api.md."""
    text = path.read_text("utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{markdown_reference()}{END}{tail}", "utf-8")


BEGIN, END = "<!-- begin actions -->", "<!-- end actions -->"

if __name__ == "__main__":
    write_reference(Path(__file__).resolve().parents[2] / "docs" / "api.md")
