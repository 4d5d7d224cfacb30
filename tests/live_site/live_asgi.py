"""ASGI application of the live browser tests: the site's pages, static files and sockets."""

from django.core.asgi import get_asgi_application

django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from maillage.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ASGIStaticFilesHandler(django_http),
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
