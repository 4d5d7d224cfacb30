"""WebSocket routes of the communities, gathered by maillage.routing."""

from django.urls import path

from .consumers import CommunauteConsumer

websocket_urlpatterns = [
    path("ws/communautes/<slug:slug>/", CommunauteConsumer.as_asgi()),
]
