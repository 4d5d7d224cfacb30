"""WebSocket routes of every app, gathered for the ASGI router."""

from communautes.routing import websocket_urlpatterns as communautes_ws

websocket_urlpatterns = [*communautes_ws]
