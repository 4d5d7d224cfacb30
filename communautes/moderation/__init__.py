"""Moderation of the communities: its services, its views and their forms."""
