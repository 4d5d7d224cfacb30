// Suggestions of members to mention while typing "@" and the first letters of a name.
// Forms opt in with data-mentions="<suggestions URL>" and carry the translated messages in
// data-mentions-* attributes; their "corps" textarea gets a listbox driven from the keyboard
// (arrows, Enter, Escape) or by touch, and a polite status line.
(function () {
    "use strict";

    // "@" at the start or after a blank or an opening bracket, then up to three words of a
    // name; a blank last means the name is finished, so the list does not reopen after it.
    const TRIGGER = /(^|[\s(\[«"'])@([\p{L}][\p{L}'’-]*(?: [\p{L}'’-]+){0,2})$/u;
    const MAX_QUERY = 40;
    const DELAY_MS = 150;
    let counter = 0;

    function setup(form) {
        const url = form.dataset.mentions;
        const texts = {
            libelle: form.dataset.mentionsLibelle || "",
            nombre: form.dataset.mentionsNombre || "%(n)s",
            aucun: form.dataset.mentionsAucun || "",
            choisi: form.dataset.mentionsChoisi || "%(nom)s",
        };
        const textarea = form.querySelector("textarea[name=corps]");
        if (!url || !textarea) {
            return;
        }
        counter += 1;
        const listId = `mentions-liste-${counter}`;
        const list = document.createElement("ul");
        list.id = listId;
        list.className = "mentions-liste";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", texts.libelle);
        list.hidden = true;
        const status = document.createElement("p");
        status.className = "sr-only";
        status.setAttribute("role", "status");
        textarea.insertAdjacentElement("afterend", list);
        list.insertAdjacentElement("afterend", status);
        textarea.setAttribute("aria-autocomplete", "list");
        textarea.setAttribute("aria-controls", listId);

        let results = [];
        let active = -1;
        let query = null;
        let timer = null;
        let pending = null;

        function close() {
            list.hidden = true;
            list.replaceChildren();
            results = [];
            active = -1;
            textarea.removeAttribute("aria-activedescendant");
        }

        function highlight(index) {
            active = index;
            Array.from(list.children).forEach((item, position) => {
                item.setAttribute("aria-selected", position === index ? "true" : "false");
            });
            if (index >= 0) {
                const item = list.children[index];
                textarea.setAttribute("aria-activedescendant", item.id);
                item.scrollIntoView({ block: "nearest" });
            } else {
                textarea.removeAttribute("aria-activedescendant");
            }
        }

        function choose(index) {
            const member = results[index];
            if (!member || query === null) {
                close();
                return;
            }
            const end = textarea.selectionStart;
            const start = end - query.length - 1;
            const inserted = `@${member.mention} `;
            textarea.setRangeText(inserted, start, end, "end");
            close();
            query = null;
            status.textContent = texts.choisi.replace("%(nom)s", member.nom);
            textarea.focus();
        }

        function show(members) {
            const wasOpen = !list.hidden;
            close();
            results = members;
            if (!members.length) {
                // Said once when the list empties, not at every key typed after a name.
                if (wasOpen) {
                    status.textContent = texts.aucun;
                }
                return;
            }
            members.forEach((member, index) => {
                const item = document.createElement("li");
                item.id = `${listId}-${index}`;
                item.className = "mentions-liste__option";
                item.setAttribute("role", "option");
                item.setAttribute("aria-selected", "false");
                const name = document.createElement("span");
                name.className = "mentions-liste__nom";
                name.textContent = member.nom;
                item.append(name);
                if (member.structure) {
                    const structure = document.createElement("span");
                    structure.className = "mentions-liste__structure";
                    structure.textContent = member.structure;
                    item.append(" ", structure);
                }
                // Keep the focus in the textarea, so the caret stays where the name goes.
                item.addEventListener("mousedown", (event) => event.preventDefault());
                item.addEventListener("click", () => choose(index));
                list.append(item);
            });
            list.hidden = false;
            highlight(0);
            status.textContent = texts.nombre.replace("%(n)s", String(members.length));
        }

        function lookup() {
            const before = textarea.value.slice(0, textarea.selectionStart);
            const match = TRIGGER.exec(before);
            if (
                !match ||
                match[2].length > MAX_QUERY ||
                textarea.selectionStart !== textarea.selectionEnd
            ) {
                query = null;
                close();
                return;
            }
            query = match[2];
            if (pending) {
                pending.abort();
            }
            pending = new AbortController();
            const asked = query;
            fetch(`${url}?q=${encodeURIComponent(asked)}`, {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
                signal: pending.signal,
            })
                .then((response) => (response.ok ? response.json() : { resultats: [] }))
                .then((data) => {
                    if (query === asked) {
                        show(data.resultats || []);
                    }
                })
                .catch(() => {});
        }

        textarea.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(lookup, DELAY_MS);
        });
        textarea.addEventListener("keydown", (event) => {
            if (list.hidden) {
                return;
            }
            if (event.key === "ArrowDown") {
                event.preventDefault();
                highlight((active + 1) % results.length);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                highlight((active - 1 + results.length) % results.length);
            } else if (event.key === "Enter" || event.key === "Tab") {
                if (active >= 0) {
                    event.preventDefault();
                    choose(active);
                }
            } else if (event.key === "Escape") {
                event.preventDefault();
                query = null;
                close();
                status.textContent = "";
            }
        });
        textarea.addEventListener("blur", () => {
            // Leave time for a tap on an option to land before the list goes away.
            setTimeout(() => {
                if (document.activeElement !== textarea) {
                    close();
                }
            }, 200);
        });
    }

    document.querySelectorAll("form[data-mentions]").forEach(setup);
})();
