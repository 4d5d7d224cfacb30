"""allauth adapter: profiles for new accounts, and sign-up answers that reveal no address."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from maillage.services import profil_ensure


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
