// A commune field suggests « Nom (code postal) » as one types (suggestions.js draws the list);
// the server still decides, and asks when a text can mean several communes. Without
// JavaScript: plain typing.
// Fields opt in with data-communes="<suggestions URL>" and carry the translated messages in
// data-communes-* attributes.
(function () {
    "use strict";

    const DELAY_MS = 200;

    function setup(champ) {
        let asked = "";
        let timer = null;
        const fetchLatest = window.MaillageSuggestions.latest();
        const liste = window.MaillageSuggestions.attach(champ, {
            prefix: "communes-liste",
            className: "suggestions-liste",
            label: champ.dataset.communesLibelle,
            texts: { nombre: champ.dataset.communesNombre, aucun: champ.dataset.communesAucune },
            combobox: true,
            render(nom, li) {
                li.textContent = nom;
            },
            choose(nom) {
                champ.value = nom;
                asked = champ.value.trim();
                liste.say("");
                champ.focus();
            },
        });

        function lookup() {
            const texte = champ.value.trim();
            if (texte.length < 2) {
                liste.close();
                return;
            }
            if (texte === asked) {
                return;
            }
            asked = texte;
            fetchLatest(`${champ.dataset.communes}?q=${encodeURIComponent(texte)}`)
                .then((donnees) => {
                    if (asked === texte) {
                        liste.show(donnees.communes || []);
                    }
                })
                .catch(() => { /* suggestions are a help, never a requirement */ });
        }

        champ.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(lookup, DELAY_MS);
        });
    }

    document.querySelectorAll("input[data-communes]").forEach(setup);
})();
