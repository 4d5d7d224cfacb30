// One suggestion list under a text field: a listbox chosen from the keyboard (arrows, Enter,
// Escape), by click or by touch, with a polite status line saying how many suggestions came.
// Used by the commune fields (communes.js) and the mentions of members (mentions.js); each
// decides when to look up and what choosing does.
(function () {
    "use strict";

    let counter = 0;

    // field: the input or textarea; options:
    //   prefix, className: the list's id prefix and CSS class (options get className + "__option")
    //   label: the list's accessible name; texts.nombre ("%(n)s …"), texts.aucun (list emptied)
    //   render(item, li): fills an option; choose(item): what picking it does
    //   combobox: the field is an ARIA combobox (aria-expanded follows the list)
    //   highlightFirst: the first option is highlighted when the list opens
    //   chooseKeys: keys that pick the highlighted option (Enter by default)
    //   onEscape(): called after Escape closed the list
    function attach(field, options) {
        counter += 1;
        const listId = `${options.prefix}-${counter}`;
        const texts = options.texts || {};
        const chooseKeys = options.chooseKeys || ["Enter"];
        const list = document.createElement("ul");
        list.id = listId;
        list.className = options.className;
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", options.label || "");
        list.hidden = true;
        const status = document.createElement("p");
        status.className = "sr-only";
        status.setAttribute("role", "status");
        field.insertAdjacentElement("afterend", list);
        list.insertAdjacentElement("afterend", status);
        if (options.combobox) {
            field.setAttribute("role", "combobox");
            field.setAttribute("aria-expanded", "false");
        }
        field.setAttribute("aria-autocomplete", "list");
        field.setAttribute("aria-controls", listId);

        let results = [];
        let active = -1;

        function close() {
            list.hidden = true;
            list.replaceChildren();
            results = [];
            active = -1;
            if (options.combobox) {
                field.setAttribute("aria-expanded", "false");
            }
            field.removeAttribute("aria-activedescendant");
        }

        function highlight(index) {
            active = index;
            Array.from(list.children).forEach((item, position) => {
                item.setAttribute("aria-selected", position === index ? "true" : "false");
            });
            if (index >= 0) {
                const item = list.children[index];
                field.setAttribute("aria-activedescendant", item.id);
                item.scrollIntoView({ block: "nearest" });
            } else {
                field.removeAttribute("aria-activedescendant");
            }
        }

        function pick(index) {
            const item = results[index];
            close();
            if (item !== undefined) {
                options.choose(item);
            }
        }

        function show(items) {
            const wasOpen = !list.hidden;
            close();
            results = items;
            if (!items.length) {
                // Said once when the list empties, not at every key typed afterwards.
                if (wasOpen) {
                    status.textContent = texts.aucun || "";
                }
                return;
            }
            items.forEach((item, index) => {
                const li = document.createElement("li");
                li.id = `${listId}-${index}`;
                li.className = `${options.className}__option`;
                li.setAttribute("role", "option");
                li.setAttribute("aria-selected", "false");
                options.render(item, li);
                // Keep the focus in the field while an option is pressed.
                li.addEventListener("mousedown", (event) => event.preventDefault());
                li.addEventListener("click", () => pick(index));
                list.append(li);
            });
            list.hidden = false;
            if (options.combobox) {
                field.setAttribute("aria-expanded", "true");
            }
            if (options.highlightFirst) {
                highlight(0);
            }
            status.textContent = (texts.nombre || "%(n)s").replace("%(n)s", String(items.length));
        }

        field.addEventListener("keydown", (event) => {
            if (list.hidden) {
                return;
            }
            if (event.key === "ArrowDown") {
                event.preventDefault();
                highlight((active + 1) % results.length);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                highlight((active - 1 + results.length) % results.length);
            } else if (chooseKeys.includes(event.key) && active >= 0) {
                // The key picks the highlighted suggestion instead of its usual effect.
                event.preventDefault();
                pick(active);
            } else if (event.key === "Escape") {
                event.preventDefault();
                close();
                if (options.onEscape) {
                    options.onEscape();
                }
            }
        });
        field.addEventListener("blur", () => {
            // Leave time for a tap on an option to land before the list goes away.
            setTimeout(() => {
                if (document.activeElement !== field) {
                    close();
                }
            }, 200);
        });

        return {
            show,
            close,
            say(text) {
                status.textContent = text;
            },
        };
    }

    // Fetches JSON for the latest lookup only: an older request still running is aborted.
    function latest() {
        let pending = null;
        return function (url) {
            if (pending) {
                pending.abort();
            }
            pending = new AbortController();
            return fetch(url, {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
                signal: pending.signal,
            }).then((response) => (response.ok ? response.json() : {}));
        };
    }

    window.MaillageSuggestions = { attach, latest };
})();
