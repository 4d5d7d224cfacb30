"""Domain synonyms and acronyms of guidance, training and employment, applied at search time."""

# Solr format, equivalent terms on one line; written with accents, folded by the analyzer.
SYNONYMES = [
    "cep, conseil en évolution professionnelle",
    "spro, service public régional de l'orientation",
    "vae, validation des acquis de l'expérience",
    "ml, mission locale",
    "france travail, pôle emploi",
    "plie, plan local pour l'insertion et l'emploi",
    "cio, centre d'information et d'orientation",
    "cidff, centre d'information sur les droits des femmes et des familles",
    "caf, caisse d'allocations familiales",
    "spip, service pénitentiaire d'insertion et de probation",
    "cpip, conseiller pénitentiaire d'insertion et de probation",
    "siae, iae, insertion par l'activité économique",
    "cdm, cité des métiers",
    "sma, service militaire adapté",
    "clca, complément de libre choix d'activité, congé parental",
    "r2s, réussir sa sortie",
    "adema, accès des demandeurs d'emploi aux métiers de l'agriculture",
    "carif oref, carif-oref, centre d'animation et de ressources de l'information sur la formation",
    "cej, contrat d'engagement jeune, garantie jeunes",
    "rqth, reconnaissance de la qualité de travailleur handicapé",
    "deld, demandeur d'emploi de longue durée, chômeur de longue durée",
    "sous main de justice, détenu, personne détenue, incarcéré",
    "décrocheur, décrochage",
]
