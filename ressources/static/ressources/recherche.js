// Search page: filters open on wide screens (closed on phones, results first); autocomplete
// of the search field from /api/recherche/suggestions.
(function () {
    "use strict";
    const filters = document.getElementById("recherche-filtres");
    if (filters && window.matchMedia) {
        const wide = window.matchMedia(filters.dataset.openFrom);
        const follow = function () { filters.open = wide.matches; };
        follow();
        wide.addEventListener("change", follow);
    }
    const input = document.getElementById("recherche-q");
    const list = document.getElementById("recherche-suggestions");
    if (!input || !list || !window.fetch) {
        return;
    }
    let timer = null;
    let controller = null;
    input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
            const q = input.value.trim();
            if (q.length < 2) {
                list.replaceChildren();
                return;
            }
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            fetch(input.dataset.suggestions + "?q=" + encodeURIComponent(q), {signal: controller.signal})
                .then(function (response) { return response.ok ? response.json() : []; })
                .then(function (items) {
                    list.replaceChildren(...items.map(function (item) {
                        const option = document.createElement("option");
                        option.value = item.title;
                        return option;
                    }));
                })
                .catch(function () { /* a failed suggestion never blocks typing */ });
        }, 150);
    });
})();
