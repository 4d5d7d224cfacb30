"""Logging in during the grace period cancels a pending account deletion."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _

from . import services


def _annuler_suppression(sender, request, user, **kwargs) -> None:
    if services.suppression_annuler(user=user) and request is not None:
        messages.info(
            request,
            _("Bon retour ! La suppression de votre compte qui était programmée est annulée."),
            fail_silently=True,
        )


def connect() -> None:
    user_logged_in.connect(_annuler_suppression, dispatch_uid="maillage.rgpd.annuler_suppression")
