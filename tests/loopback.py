"""Real HTTP servers on 127.0.0.1 for tests: any WSGI app in a thread, a small file server, and a routed server."""

import contextlib
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@contextlib.contextmanager
def serve(wsgi_app):
    """Serve ``wsgi_app`` on 127.0.0.1 at a free port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class Files:
    """A WSGI app answering each path from a table: body bytes, or (status, headers, body), or a delay."""

    def __init__(self, routes: dict | None = None):
        self.routes = dict(routes or {})
        self.requests: list[str] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.path)
        entry = self.routes.get(request.path)
        if entry is None:
            return Response("not here", status=404)(environ, start_response)
        if callable(entry):
            return entry(request)(environ, start_response)
        if isinstance(entry, bytes):
            entry = (200, {}, entry)
        status, headers, body = entry
        return Response(body, status=status, headers=headers)(environ, start_response)


def slow(seconds: float, body: bytes = b"a,b\n1,2\n"):
    """A route that answers after ``seconds``."""

    def answer(request):
        time.sleep(seconds)
        return Response(body, mimetype="text/csv")

    return answer


class LoopbackServer:
    """Serves ``routes``: path (with query string) -> (status, content type, body) or a callable(request)."""

    def __init__(self):
        self.routes: dict = {}
        self.requests: list[str] = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @Request.application
    def _app(self, request: Request) -> Response:
        key = request.full_path.rstrip("?")
        self.requests.append(key)
        route = self.routes.get(key) or self.routes.get(request.path)
        if route is None:
            return Response("not found", status=404)
        if callable(route):
            return route(request)
        status, content_type, body = route
        if isinstance(body, float):  # a delay in seconds: answer too slowly
            time.sleep(body)
            body = b""
        return Response(body, status=status, content_type=content_type)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
