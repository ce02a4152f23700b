"""Real HTTP servers on 127.0.0.1 for tests: any WSGI app in a thread, and a small file server."""

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
