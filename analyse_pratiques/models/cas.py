"""A séance's situation proposed as a case for the library: consent, checklist, two reviews."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .seances import Seance


class CasPropose(models.Model):
    """The client's proposal; published as a `ressources.CasPage` after two reviews.

    The page is referenced by id only, so this app's migrations do not depend on ressources'.
    """

    class Etat(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        EN_RELECTURE = "en_relecture", _("En relecture")
        PUBLIE = "publie", _("Publié")
        RETIRE = "retire", _("Consentement retiré")

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="cas_proposes")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cas_proposes"
    )
    etat = models.CharField(_("état"), max_length=12, choices=Etat.choices, default=Etat.BROUILLON)
    titre = models.CharField(_("titre"), max_length=200)
    situation = models.TextField(_("situation"), max_length=10000)
    questions = models.TextField(_("questions soulevées"), blank=True, max_length=5000)
    tentatives = models.TextField(_("ce qui a été tenté"), blank=True, max_length=5000)
    resultat = models.TextField(_("résultat"), blank=True, max_length=5000)
    enseignements = models.TextField(_("enseignements"), blank=True, max_length=5000)
    checklist = models.JSONField(_("vérifications de pseudonymisation"), default=dict, blank=True)
    signaux = models.JSONField(_("signalements automatiques"), default=list, blank=True)
    consentement_donne_le = models.DateTimeField(_("consentement donné le"))
    consentement_retire_le = models.DateTimeField(
        _("consentement retiré le"), null=True, blank=True
    )
    relu_animateur_le = models.DateTimeField(null=True, blank=True)
    second_relecteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    relu_second_le = models.DateTimeField(null=True, blank=True)
    cas_page_id = models.PositiveIntegerField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cas proposé")
        verbose_name_plural = _("cas proposés")
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return self.titre


class DecisionSignal(models.Model):
    """What became of a flag: replaced by its placeholder, or dismissed by a reviewer.

    A dismissal keeps the token it lets through (it applies to that token in the whole case);
    a replacement keeps only the kind and the count, since the token left the text.
    """

    class Action(models.TextChoices):
        REMPLACE = "remplace", _("Remplacé")
        ECARTE = "ecarte", _("Écarté")

    cas = models.ForeignKey(CasPropose, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("décision"), max_length=10, choices=Action.choices)
    nature = models.CharField(_("nature"), max_length=20)
    texte = models.CharField(_("élément"), max_length=300, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    motif = models.TextField(_("motif"), blank=True, max_length=500)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    le = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision sur un signalement")
        verbose_name_plural = _("décisions sur les signalements")
        ordering = ["le", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} : {self.nature}"

    @property
    def libelle_nature(self) -> str:
        from analyse_pratiques.cas.pseudonymisation import NATURES

        nature = NATURES.get(self.nature)
        return str(nature.libelle) if nature else self.nature
