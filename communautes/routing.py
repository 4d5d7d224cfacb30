"""WebSocket routes of the communities, gathered by maillage.routing."""

from django.urls import path

from .consumers import CommunauteConsumer
from .notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/communautes/<slug:slug>/", CommunauteConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
