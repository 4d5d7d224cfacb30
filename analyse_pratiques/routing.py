"""WebSocket routes of the live séances, gathered by maillage.routing."""

from django.urls import path

from .consumers import SeanceConsumer

websocket_urlpatterns = [
    path("ws/analyse-pratiques/seances/<id:pk>/", SeanceConsumer.as_asgi()),
]
