"""A real HTTP server on 127.0.0.1 (port 0) in a thread, serving routes a test sets."""

import threading
import time

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


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
