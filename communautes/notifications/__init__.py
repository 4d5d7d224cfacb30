"""Notifications of the communities: in-app list and badge, @mentions, e-mails, digest."""
