"""The Flask application factory: configuration, the catalog, blueprints. No logic of its own."""

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from catalog import config as settings
from catalog import links
from catalog.service import Catalog


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web app on the instance that the settings (or ``test_config``) name."""
    config = settings.load(test_config)
    app = Flask(__name__)
    app.config.update(config)
    app.config["SECRET_KEY"] = settings.secret_key(config)
    app.extensions["catalog"] = Catalog.open(config)
    app.extensions["catalog"].repair_index_on_start()
    _trust_proxies(app, settings.setting(config, "TRUSTED_PROXIES"))

    from catalog import api, web
    from catalog.admin import bp as admin_bp
    from catalog.health import bp as health_bp
    from catalog.metrics import bp as metrics_bp
    from catalog.publish.views import bp as publish_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(publish_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(metrics_bp)
    api.init_app(app)
    web.init_app(app)
    return app


def _trust_proxies(app: Flask, hops: int) -> None:
    """Believe the X-Forwarded-* headers of ``hops`` proxies (none when 0), and build links from each request."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

    @app.before_request
    def _links_from_this_request():
        links.enter_request(request.url_root)

    @app.teardown_request
    def _forget_this_request(_error=None):
        links.leave_request()
