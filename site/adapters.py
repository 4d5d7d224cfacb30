"""allauth adapter: profiles for new accounts, and sign-up answers that reveal no address."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from maillage.services import profil_ensure


def user_display(user) -> str:
    """How account pages and messages name a member: usernames are shown nowhere else."""
    return user.get_full_name() or user.email


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profil_ensure(user=user)
        return user

    def send_account_already_exists_mail(self, email: str) -> None:
        # A new account costs a password hash, by far the slowest step of a sign-up; pay it
        # here too, or the time of the answer tells whether the address already has one.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix, email, context):
        # E-mails speak of the site by its name and address, not by the host that served
        # the request (« Bonjour, c'est Maillage ! », not « c'est 127.0.0.1:8113 »).
        site = SimpleNamespace(
            name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, {**context, "current_site": site})
