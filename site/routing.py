"""WebSocket routes of every app, gathered for the ASGI router."""

from analyse_pratiques.routing import websocket_urlpatterns as analyse_pratiques_ws
from communautes.routing import websocket_urlpatterns as communautes_ws

websocket_urlpatterns = [*communautes_ws, *analyse_pratiques_ws]
