"""The platform's e-mails: a French subject prefix, a plain-text part and an HTML part."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def email_build(
    *, to: str, subject: str, text: str, html: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """One e-mail to `to`, from the site's address, with both parts (not sent yet)."""
    message = EmailMultiAlternatives(
        subject=f"[Maillage] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message
