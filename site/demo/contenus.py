"""Editorial demo content of the home page and the standard pages, drawn from the AEFA report."""

from typing import NamedTuple

HOME_INTRODUCTION = (
    "<p>Conseillers de France Travail, des Missions locales, des Cap emploi et des CIO, "
    "formateurs, accompagnateurs des structures d'insertion, chargés de mission des "
    "Carif-Oref : Maillage réunit les <b>professionnels de l'accueil, de l'information et de "
    "l'orientation</b> pour qu'ils se forment ensemble, échangent leurs pratiques et "
    "partagent leurs outils, d'un réseau à l'autre et d'une région à l'autre.</p>"
)

HOME_PARAGRAPHES = (
    "<p>Les personnes les plus éloignées de l'emploi passent d'un guichet à l'autre : "
    "Mission locale, France Travail, organisme de formation, structure d'insertion, SPIP… "
    "Pour que leur parcours ne se rompe pas à chaque changement de statut, les "
    "professionnels qui les accompagnent doivent <b>se connaître, se reconnaître et "
    "coordonner leurs pratiques</b>. C'est la conclusion du rapport de la coordination "
    "française de l'Agenda européen pour l'éducation et la formation des adultes (2014).</p>",
    "<p>Sur Maillage, vous trouvez les sessions de professionnalisation proposées près de "
    "chez vous, vous rejoignez des communautés thématiques et territoriales animées par les "
    "formateurs, vous participez à des groupes d'analyse de pratiques et vous puisez dans "
    "une banque de cas et d'outils construite par vos pairs.</p>",
)

HOME_CHIFFRES = (
    ("40 000", "agents exercent des fonctions de conseil et d'accompagnement en France"),
    ("907", "professionnels réunis sur le réseau social régional IODA 18 mois après son lancement"),
    ("30", "communautés thématiques, territoriales et d'instance animées sur IODA"),
    ("1 800", "publications échangées entre professionnels de l'emploi et de la formation"),
    ("10", "journées d'analyse de pratiques pour les opérateurs du CEP en Bourgogne"),
)


class PageDemo(NamedTuple):
    slug: str
    title: str
    introduction: str
    corps: str


ACCESSIBILITE = PageDemo(
    slug="accessibilite",
    title="Déclaration d'accessibilité",
    introduction=(
        "Maillage s'engage à rendre son service accessible, conformément à l'article 47 de la "
        "loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à l'ensemble de la "
        "plateforme."
    ),
    corps="""
<h2>État de conformité</h2>
<p>Maillage est <b>partiellement conforme</b> avec le référentiel général d'amélioration de
l'accessibilité (RGAA), version 4.1.2, en raison des non-conformités énumérées ci-dessous.</p>
<h2>Résultats des tests</h2>
<p>L'auto-évaluation, menée par l'équipe de la plateforme sur un échantillon de quinze pages
représentatives, révèle que 82 % des critères du RGAA applicables sont respectés.</p>
<h2>Contenus non accessibles</h2>
<h3>Non-conformités</h3>
<ul>
<li>Certains documents PDF déposés dans la banque d'outils ne sont pas balisés et ne
peuvent pas être lus correctement par un lecteur d'écran (critère 13.3).</li>
<li>Dans les discussions en direct, l'arrivée d'un nouveau message n'est pas toujours
annoncée aux technologies d'assistance (critère 7.5).</li>
<li>La carte des lieux de session ne propose pas d'alternative équivalente au sein du même
écran ; la liste des sessions, triable par département, en tient lieu (critère 4.1).</li>
<li>Quelques intitulés de liens « En savoir plus » ne sont pas explicites hors de leur
contexte (critère 6.1).</li>
</ul>
<h3>Contenus non soumis à l'obligation d'accessibilité</h3>
<ul>
<li>Les documents bureautiques déposés par les membres avant la date de publication de la
présente déclaration.</li>
<li>Les contenus de tiers intégrés (vidéos hébergées sur d'autres services).</li>
</ul>
<h2>Établissement de cette déclaration</h2>
<p>Technologies utilisées : HTML5, CSS, JavaScript, WAI-ARIA.</p>
<p>Environnements de test : NVDA avec Firefox sous Windows, VoiceOver avec Safari sous
macOS et iOS, TalkBack avec Chrome sous Android.</p>
<p>Outils d'évaluation : axe-core, contrôles manuels au clavier et au lecteur d'écran,
Colour Contrast Analyser.</p>
<p>Pages vérifiées : accueil, connexion, inscription, tableau de bord, profil, catalogue des
formations, fiche d'une session, inscription à une session, communauté, publication,
recherche, banque d'outils, fiche d'un cas, groupe d'analyse de pratiques, présente
déclaration.</p>
<h2>Retour d'information et contact</h2>
<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez-nous à
<a href="mailto:accessibilite@maillage.localhost">accessibilite@maillage.localhost</a> : nous
vous orienterons vers une alternative accessible ou vous transmettrons le contenu sous une
autre forme.</p>
<h2>Voies de recours</h2>
<p>Si vous nous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un
contenu ou à un service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez
saisir le Défenseur des droits :</p>
<ul>
<li>par le <a href="https://formulaire.defenseurdesdroits.fr/">formulaire en ligne</a> ;</li>
<li>en contactant le délégué du Défenseur des droits de votre région ;</li>
<li>par courrier, gratuitement et sans affranchissement : Défenseur des droits, Libre réponse
71120, 75342 Paris CEDEX 07.</li>
</ul>
""".strip(),
)

CONFIDENTIALITE = PageDemo(
    slug="confidentialite",
    title="Données personnelles",
    introduction=(
        "Cette page explique quelles données Maillage traite, pourquoi, combien de temps elles "
        "sont conservées et comment exercer vos droits, conformément au règlement général sur "
        "la protection des données (RGPD) et à la loi Informatique et libertés."
    ),
    corps="""
<h2>Responsable du traitement</h2>
<p>Le responsable du traitement est l'organisme qui opère la plateforme pour le réseau des
Carif-Oref. Pour toute question, écrivez au délégué à la protection des données :
<a href="mailto:dpo@maillage.localhost">dpo@maillage.localhost</a>.</p>
<h2>Finalités et bases légales</h2>
<ul>
<li><b>Gestion de votre compte et de votre profil</b> (nom, adresse électronique,
structure, fonction, territoires, thématiques) : exécution des conditions d'utilisation.</li>
<li><b>Inscription aux sessions, émargement, attestations et évaluations</b> : mission
d'intérêt public de professionnalisation des acteurs de l'orientation confiée aux
Carif-Oref, et obligations de justification envers les financeurs.</li>
<li><b>Communautés, messages et annuaire des professionnels</b> : exécution des conditions
d'utilisation ; votre visibilité dans l'annuaire se règle depuis votre profil.</li>
<li><b>Groupes d'analyse de pratiques et publication de cas anonymisés</b> : votre
consentement, que vous pouvez retirer à tout moment.</li>
<li><b>Sécurité de la plateforme</b> (journaux de connexion) : intérêt légitime et
obligation légale de l'hébergeur.</li>
</ul>
<h2>Durées de conservation</h2>
<p>Une tâche quotidienne applique ces durées ; elle supprime ce qui est arrivé à échéance.</p>
<ul>
<li>Compte et profil : jusqu'à la suppression du compte. Un compte sans connexion depuis
trois ans reçoit un message d'avertissement ; il est supprimé trente jours plus tard si
vous ne vous reconnectez pas (les comptes de l'équipe de la plateforme font exception).</li>
<li>Inscriptions, feuilles d'émargement et attestations : la durée exigée par les
financeurs des actions de professionnalisation, dix ans au plus après la fin de la
session ; elles sont alors effacées.</li>
<li>Publications, réponses et messages dans les communautés : tant que la communauté
existe ; lors de la suppression de votre compte, ils restent signés « Ancien membre », ou
sont supprimés si vous le demandez.</li>
<li>Notes de travail des groupes d'analyse de pratiques : la durée fixée par chaque groupe,
puis effacement automatique.</li>
<li>Notifications : un an.</li>
<li>Sessions de connexion : effacées à leur expiration (deux semaines au plus).</li>
<li>Journaux techniques : Maillage ne les enregistre pas dans sa base ; l'hébergeur les
conserve un an.</li>
</ul>
<h2>Destinataires</h2>
<p>Vos données sont accessibles à l'équipe de la plateforme, aux formateurs et aux
éditeurs régionaux pour les sessions qui les concernent, et aux membres de vos communautés
selon les réglages de votre profil. Elles sont hébergées en France et ne sont ni vendues ni
transmises à des fins commerciales.</p>
<h2>Cookies</h2>
<p>Maillage n'utilise que les cookies nécessaires à son fonctionnement (session et
protection contre la falsification de requêtes). Aucun cookie de mesure d'audience ou de
publicité n'est déposé : aucun consentement n'est donc demandé.</p>
<h2>Vos droits</h2>
<p>Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation,
d'opposition et de portabilité. Depuis votre profil (rubrique « Mes données
personnelles »), vous pouvez télécharger toutes vos données (un fichier lisible dans un
navigateur et le même contenu au format JSON) et supprimer votre compte.</p>
<p>La suppression prend effet trente jours après votre confirmation : il vous suffit de vous
reconnecter d'ici là pour l'annuler. Sont alors effacés votre nom, vos adresses
électroniques, votre profil, vos notifications, vos liens d'abonnement aux calendriers et
vos sessions de connexion, vos adhésions, réactions et inscriptions à venir, ainsi que tout
ce que vous avez écrit dans les groupes d'analyse de pratiques. Vos contributions aux
communautés restent signées « Ancien membre », sauf si vous demandez leur suppression.
Pour les sessions suivies, nous conservons, comme la loi l'exige, uniquement le nom porté
sur l'attestation, la formation, les dates, les heures et la présence ; les commentaires de
vos évaluations sont effacés. Pour toute autre demande, écrivez au délégué à la protection
des données, qui peut aussi traiter votre demande pour vous.</p>
<p>Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une
réclamation à la <a href="https://www.cnil.fr/fr/plaintes">CNIL</a>.</p>
""".strip(),
)

A_PROPOS = PageDemo(
    slug="a-propos",
    title="À propos",
    introduction=(
        "Maillage est une plateforme libre de professionnalisation et de coopération pour les "
        "acteurs de l'orientation, de la formation et de l'emploi."
    ),
    corps="""
<h2>Décloisonner les réseaux</h2>
<p>En France, la diversité des structures d'accueil et de conseil, spécialisées par
catégorie de publics, permet de couvrir presque toutes les situations. Mais cette richesse a
un revers : le cloisonnement et la multiplication des guichets. Les personnes les plus en
difficulté, dont le parcours implique des changements de statut, en font les frais.
Le rapport de synthèse de l'Agenda européen pour l'éducation et la formation des adultes
(octobre 2014) recommande de <b>maintenir la diversité des réseaux et leur spécialisation,
mais de mutualiser les outils et d'inciter les professionnels à construire un projet
commun</b>.</p>
<h2>Professionnaliser les acteurs de l'AIO</h2>
<p>Les Carif-Oref organisent depuis longtemps des modules courts, des séquences
d'information sur les dispositifs, les métiers et les territoires, des ateliers et des
formations-actions ouverts à tous les réseaux. Ces moments sont souvent les seuls où des
conseillers d'un même territoire, qui se côtoient peu, se rencontrent. Maillage publie cette
offre, gère les inscriptions et l'émargement, et garde la trace de ce qui s'y apprend.</p>
<h2>Des communautés animées par les formateurs</h2>
<p>En Auvergne, le réseau social régional IODA, lancé fin 2012, réunissait dix-huit mois plus
tard 907 professionnels et plus d'une trentaine de communautés thématiques, territoriales
et d'instance. Les participants y retrouvaient les compléments et les réponses aux questions
laissées en suspens pendant la formation ; le formateur y devenait l'animateur de sa
communauté. Maillage reprend ce modèle : chaque session a sa communauté, avant et après.</p>
<h2>Apprendre de l'expérience</h2>
<p>Groupes d'analyse de pratiques, banque de cas anonymisés et banque d'outils (grilles
d'entretien, fiches de liaison, référentiels) : ce que les professionnels apprennent sur le
terrain profite à tous, dans le respect de la confidentialité des personnes accompagnées.</p>
""".strip(),
)

PAGES = (ACCESSIBILITE, CONFIDENTIALITE, A_PROPOS)
