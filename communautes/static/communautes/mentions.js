// Suggestions of members to mention while typing "@" and the first letters of a name
// (suggestions.js draws the list). Forms opt in with data-mentions="<suggestions URL>" and
// carry the translated messages in data-mentions-* attributes; their "corps" textarea gets
// the list, driven from the keyboard (arrows, Enter or Tab, Escape) or by touch.
(function () {
    "use strict";

    // "@" at the start or after a blank or an opening bracket, then up to three words of a
    // name; a blank last means the name is finished, so the list does not reopen after it.
    const TRIGGER = /(^|[\s(\[«"'])@([\p{L}][\p{L}'’-]*(?: [\p{L}'’-]+){0,2})$/u;
    const MAX_QUERY = 40;
    const DELAY_MS = 150;

    function setup(form) {
        const url = form.dataset.mentions;
        const textarea = form.querySelector("textarea[name=corps]");
        if (!url || !textarea) {
            return;
        }
        const choisi = form.dataset.mentionsChoisi || "%(nom)s";
        let query = null;
        let timer = null;
        const fetchLatest = window.MaillageSuggestions.latest();
        const liste = window.MaillageSuggestions.attach(textarea, {
            prefix: "mentions-liste",
            className: "mentions-liste",
            label: form.dataset.mentionsLibelle,
            texts: { nombre: form.dataset.mentionsNombre, aucun: form.dataset.mentionsAucun },
            highlightFirst: true,
            chooseKeys: ["Enter", "Tab"],
            render(member, li) {
                const name = document.createElement("span");
                name.className = "mentions-liste__nom";
                name.textContent = member.nom;
                li.append(name);
                if (member.structure) {
                    const structure = document.createElement("span");
                    structure.className = "mentions-liste__structure";
                    structure.textContent = member.structure;
                    li.append(" ", structure);
                }
            },
            choose(member) {
                if (query === null) {
                    return;
                }
                const end = textarea.selectionStart;
                const start = end - query.length - 1;
                textarea.setRangeText(`@${member.mention} `, start, end, "end");
                query = null;
                liste.say(choisi.replace("%(nom)s", member.nom));
                textarea.focus();
            },
            onEscape() {
                query = null;
                liste.say("");
            },
        });

        function lookup() {
            const before = textarea.value.slice(0, textarea.selectionStart);
            const match = TRIGGER.exec(before);
            if (
                !match ||
                match[2].length > MAX_QUERY ||
                textarea.selectionStart !== textarea.selectionEnd
            ) {
                query = null;
                liste.close();
                return;
            }
            query = match[2];
            const asked = query;
            fetchLatest(`${url}?q=${encodeURIComponent(asked)}`)
                .then((data) => {
                    if (query === asked) {
                        liste.show(data.resultats || []);
                    }
                })
                .catch(() => {});
        }

        textarea.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(lookup, DELAY_MS);
        });
    }

    document.querySelectorAll("form[data-mentions]").forEach(setup);
})();
