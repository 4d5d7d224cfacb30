"""Realistic French situations written the way counsellors write them, each with the tokens
that identify someone: the pseudonymisation battery of test_cas_pseudonymisation.py.

Names, numbers and addresses are invented; the places are real communes (see COMMUNES,
which the tests load as the platform's commune referential would hold them).
"""

COMMUNES = [
    "Vénissieux",
    "Lyon",
    "Porto-Vecchio",
    "Ajaccio",
    "Bastia",
    "Saint-Denis",
    "Cayenne",
    "Mamoudzou",
    "Fort-de-France",
    "Pointe-à-Pitre",
    "Villeurbanne",
    "Marseille",
    "Roubaix",
    "Saint-Étienne",
    "Le Havre",
    "La Rochelle",
    "Saint-Martin-d'Hères",
    "Kourou",
    "Le Lamentin",
    "Vaulx-en-Velin",
    "Corte",
    "Les Abymes",
    "Saint-Pierre",
    "Montreuil",
    "Nanterre",
]

# (situation, identifying tokens)
SITUATIONS = [
    (
        "Kevin Dupont, 17 ans, habitant Vénissieux, suivi à la Mission locale de Lyon depuis le "
        "12 mars 2026. Téléphone 06 12 34 56 78.",
        ["Kevin", "Dupont", "Vénissieux", "Lyon", "12 mars 2026", "06 12 34 56 78"],
    ),
    (
        "Jean-Baptiste de La Fontaine est arrivé à Porto-Vecchio le douze mars deux mille "
        "vingt-six, sans solution de logement.",
        ["Jean-Baptiste", "de La Fontaine", "Porto-Vecchio", "douze mars deux mille vingt-six"],
    ),
    (
        "Madame Marie-Hélène N'Diaye, née le 3 mai 1985 à Cayenne, souhaite une VAE d'aide-"
        "soignante.",
        ["Marie-Hélène", "N'Diaye", "3 mai 1985", "Cayenne"],
    ),
    (
        "Son numéro de sécurité sociale, 1 85 05 78 006 084 36, figurait sur la copie du CV "
        "transmise à l'employeur.",
        ["1 85 05 78 006 084 36"],
    ),
    (
        "Fatoumata Camara vit au 12 rue des Lilas à Mamoudzou avec ses trois enfants.",
        ["Fatoumata", "Camara", "12 rue des Lilas", "Mamoudzou"],
    ),
    (
        "Le conseiller a écrit à sofiane.benali@exemple.fr puis l'a appelé au +33 6 45 67 89 12.",
        ["sofiane.benali@exemple.fr", "+33 6 45 67 89 12"],
    ),
    (
        "M. Rossi, rencontré à Ajaccio, a demandé un accompagnement CEP pour quitter le BTP.",
        ["Rossi", "Ajaccio"],
    ),
    (
        "Mme Leclerc-Moreau est en arrêt depuis le 04/11/2025 ; sa fille Inès nous a contactés.",
        ["Leclerc-Moreau", "04/11/2025", "Inès"],
    ),
    (
        "Installée à Saint-Denis de La Réunion depuis janvier 2024, Chantal Payet cherche une "
        "formation de comptable.",
        ["Saint-Denis", "Réunion", "janvier 2024", "Chantal", "Payet"],
    ),
    (
        "Mohamed Ait Ben Haddou, né en 2007, suivi en PLIE, a raté trois rendez-vous.",
        ["Mohamed", "Ait Ben Haddou", "2007"],
    ),
    (
        "Le jeune joignable au 06.78.90.12.34 habite 45 avenue Jean-Jaurès, 69200 Vénissieux.",
        ["06.78.90.12.34", "45 avenue Jean-Jaurès", "69200", "Vénissieux"],
    ),
    (
        "Ludovic Marchetti, de Bastia, a été orienté vers l'E2C après son exclusion du lycée.",
        ["Ludovic", "Marchetti", "Bastia"],
    ),
    (
        "DUPUIS Amandine, date de naissance : 14/02/1999, demande une reconversion.",
        ["DUPUIS", "Amandine", "14/02/1999"],
    ),
    (
        "Originaire de Fort-de-France, Steeve Larcher est hébergé chez sa tante depuis le "
        "premier avril deux mille vingt-cinq.",
        ["Fort-de-France", "Steeve", "Larcher", "premier avril deux mille vingt-cinq"],
    ),
    (
        "Monsieur Nguyen Van Thanh souhaite faire reconnaître son diplôme d'ingénieur.",
        ["Nguyen Van Thanh"],
    ),
    (
        "Aïssatou Diallo, 22 ans, à Pointe-à-Pitre, attend une place en EPIDE depuis mai 2025.",
        ["Aïssatou", "Diallo", "Pointe-à-Pitre", "mai 2025"],
    ),
    (
        "Elle nous a laissé son adresse, 3 bis chemin des Vignes, et le 07 11 22 33 44.",
        ["3 bis chemin des Vignes", "07 11 22 33 44"],
    ),
    (
        "Yanis Belkacem a été reçu le lundi 6 janvier 2025 au CIO de Villeurbanne.",
        ["Yanis", "Belkacem", "lundi 6 janvier 2025", "Villeurbanne"],
    ),
    (
        "Kourou : Loïc-Emmanuel Thérèse, 19 ans, a quitté sa formation au bout de deux semaines.",
        ["Kourou", "Loïc-Emmanuel", "Thérèse"],
    ),
    (
        "La mère de Lucas, Mme Da Silva, a appelé depuis le 0033 6 98 76 54 32.",
        ["Lucas", "Da Silva", "0033 6 98 76 54 32"],
    ),
    (
        "Anne-Sophie Le Goff, domiciliée à La Rochelle, a perdu son emploi le 30 septembre 2025.",
        ["Anne-Sophie", "Le Goff", "La Rochelle", "30 septembre 2025"],
    ),
    (
        "Samir, rencontré au forum de Roubaix, a donné l'adresse samir59@exemple.com.",
        ["Samir", "Roubaix", "samir59@exemple.com"],
    ),
    (
        "Christophe Martin-Delacroix, né le 8 juillet 1972, est licencié après vingt ans de "
        "maintenance.",
        ["Christophe", "Martin-Delacroix", "8 juillet 1972"],
    ),
    (
        "Nous avons rencontré Madame Ouédraogo au Havre, puis à Saint-Étienne chez sa sœur.",
        ["Ouédraogo", "Havre", "Saint-Étienne"],
    ),
    (
        "Enzo Lefèvre, habitant Saint-Martin-d'Hères, est sorti du dispositif le 15/06/2025.",
        ["Enzo", "Lefèvre", "Saint-Martin-d'Hères", "15/06/2025"],
    ),
    (
        "Le numéro de sécu de M. Bernard, 2 90 12 2A 004 123 56, a été photocopié par erreur.",
        ["Bernard", "2 90 12 2A 004 123 56"],
    ),
    (
        "Océane Hoarau, de Saint-Pierre, nous écrit sur oceane.hoarau[at]exemple.re.",
        ["Océane", "Hoarau", "Saint-Pierre", "oceane.hoarau[at]exemple.re"],
    ),
    (
        "Dylan vit résidence Les Tilleuls, 8 allée des Acacias, 38400 Saint-Martin-d'Hères.",
        ["Dylan", "8 allée des Acacias", "38400", "Saint-Martin-d'Hères"],
    ),
    (
        "Après Corte, Pierre-Antoine Santoni est parti à Marseille chercher un apprentissage.",
        ["Corte", "Pierre-Antoine", "Santoni", "Marseille"],
    ),
    (
        "Thi Mai Pham, arrivée à Montreuil en 2019, suit des cours de français langue étrangère.",
        ["Thi Mai", "Pham", "Montreuil"],
    ),
    (
        "Le jeune, né le vingt-trois août deux mille six, vit seul depuis ses seize ans.",
        ["vingt-trois août deux mille six"],
    ),
    (
        "Nadia Haddad a transmis ses coordonnées : 06 01 02 03 04 et 17 boulevard Voltaire.",
        ["Nadia", "Haddad", "06 01 02 03 04", "17 boulevard Voltaire"],
    ),
    (
        "Le père, M. Koné, travaille à Nanterre ; il nous a reçus le 2 décembre.",
        ["Koné", "Nanterre", "2 décembre"],
    ),
    (
        "Romain Guerin est suivi depuis le 1er février 2025 ; ses parents habitent Vaulx-en-Velin.",
        ["Romain", "Guerin", "1er février 2025", "Vaulx-en-Velin"],
    ),
    (
        "Madame Bonnet, originaire de Cayenne, a été reçue avec sa fille Léa le 10/10/2025.",
        ["Bonnet", "Cayenne", "Léa", "10/10/2025"],
    ),
    (
        "Marc-Olivier Dubois de Montreynaud nous a appelés du +262 692 12 34 56.",
        ["Marc-Olivier", "Dubois de Montreynaud", "+262 692 12 34 56"],
    ),
    (
        "Jessica Lopes, née le 21 mars 2001, vit au 5 impasse du Moulin, Les Abymes.",
        ["Jessica", "Lopes", "21 mars 2001", "5 impasse du Moulin", "Abymes"],
    ),
    (
        "Hugo passe par le Lamentin chaque matin ; il cherche une alternance à Fort-de-France.",
        ["Hugo", "Lamentin", "Fort-de-France"],
    ),
    (
        "Son conseiller, Julien Perrin, lui a donné rendez-vous le 19 novembre 2025 à Lyon.",
        ["Julien", "Perrin", "19 novembre 2025", "Lyon"],
    ),
    (
        "Inès Benaïssa, DDN 07/07/2004, a envoyé son CV à contact.ines@exemple.org.",
        ["Inès", "Benaïssa", "07/07/2004", "contact.ines@exemple.org"],
    ),
    (
        "Sarah Cohen a rencontré l'équipe le 3 mars ; elle vit 28 quai Claude-Bernard à Lyon.",
        ["Sarah", "Cohen", "3 mars", "28 quai Claude-Bernard", "Lyon"],
    ),
    (
        "Mme Rakotomalala, de Mamoudzou, joignable au 02 69 61 23 45, attend une réponse.",
        ["Rakotomalala", "Mamoudzou", "02 69 61 23 45"],
    ),
]
