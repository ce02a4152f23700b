"""A real HTTP server on 127.0.0.1 (port 0) in a thread, whose routes a test adds as it goes."""

import threading
import time

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class LoopbackServer:
    """Serves registered routes; each route is a function of the werkzeug Request returning a Response."""

    def __init__(self):
        self.routes = {}
        self.hits = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler) -> str:
        """Answer ``path`` (and, if it ends in "/", every path below) with ``handler(request)``; returns its URL."""
        self.routes[path] = handler
        return self.url(path)

    def document(self, path: str, body, content_type: str = "application/json", headers=None) -> str:
        """Answer ``path`` with a fixed body."""
        data = body.encode() if isinstance(body, str) else body
        return self.route(path, lambda request: Response(data, content_type=content_type, headers=headers))

    def status(self, path: str, code: int, headers=None) -> str:
        """Answer ``path`` with an empty response of status ``code``."""
        return self.route(path, lambda request: Response(b"", status=code, headers=headers))

    def redirect(self, path: str, location: str) -> str:
        return self.status(path, 302, headers={"Location": location})

    def slow(self, path: str, *, delay: float = 0.0, drip: float = 0.0, size: int = 50) -> str:
        """Wait ``delay`` before answering, then send ``size`` bytes one every ``drip`` seconds."""
        def stream():
            for _ in range(size):
                time.sleep(drip)
                yield b" "

        def handler(request):
            time.sleep(delay)
            return Response(stream(), content_type="application/json")

        return self.route(path, handler)

    def _app(self, environ, start_response):
        request = Request(environ)
        self.hits.append((request.path, dict(request.args)))
        handler = self.routes.get(request.path)
        if handler is None:  # a route ending in "/" also answers every path below it
            prefixes = [p for p in self.routes if p.endswith("/") and request.path.startswith(p)]
            handler = self.routes[max(prefixes, key=len)] if prefixes else None
        response = handler(request) if handler else Response(b"not found", status=404)
        return response(environ, start_response)

    def stop(self) -> None:
        """Shut the server down (again is harmless)."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
