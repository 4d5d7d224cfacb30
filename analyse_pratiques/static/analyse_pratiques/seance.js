// Follows the live phase and timer of a séance page; without it the page still works.
(function () {
    "use strict";
    var live = document.getElementById("seance-live");
    if (!live || !window.WebSocket) {
        return;
    }
    var version = parseInt(live.dataset.version, 10) || 0;
    var etat = live.dataset.etat;
    var minuteur = document.getElementById("minuteur");
    var statut = document.getElementById("live-statut");
    var deadline = null;
    var pausedRemaining = null;
    var delay = 1000;

    function format(secondes) {
        var signe = secondes < 0 ? "-" : "";
        secondes = Math.abs(secondes);
        var m = Math.floor(secondes / 60);
        var s = secondes % 60;
        return signe + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
    }

    function tick() {
        if (!minuteur) {
            return;
        }
        var reste = pausedRemaining;
        if (deadline !== null) {
            reste = Math.round((deadline - Date.now()) / 1000);
        }
        if (reste !== null) {
            minuteur.textContent = format(reste);
        }
    }

    function text(id, value) {
        var node = document.getElementById(id);
        if (node) {
            node.textContent = value;
        }
    }

    // The badge's text comes translated from the server; only its colour is chosen here.
    function statutBadge(statut) {
        var badge = document.getElementById("statut");
        if (!badge || !statut) {
            return;
        }
        badge.textContent = statut.libelle;
        badge.dataset.statut = statut.code;
        badge.classList.toggle("badge--success", statut.code === "en_cours");
        badge.classList.toggle("badge--warning", statut.code === "pause");
    }

    function question(texte) {
        var node = document.getElementById("question-live");
        if (!node) {
            return;
        }
        node.textContent = "";
        node.classList.toggle("card__empty", !texte);
        (texte || node.dataset.vide).split("\n").forEach(function (ligne, index) {
            if (index > 0) {
                node.appendChild(document.createElement("br"));
            }
            node.appendChild(document.createTextNode(ligne));
        });
    }

    function apply(data) {
        if (data.version < version) {
            return;
        }
        version = data.version;
        if (data.etat !== etat) {
            // Another stage of the séance shows other forms: reload the page once.
            window.location.reload();
            return;
        }
        text("phase-numero", "Phase " + (data.phase.index + 1) + " sur " + data.phases_total);
        text("phase-titre", data.phase.titre);
        text("phase-consigne", data.phase.consigne);
        text("role-client", data.client || "à désigner");
        text("role-scribe", data.scribe || "aucun");
        statutBadge(data.statut);
        question(data.question);
        document.querySelectorAll("#phases li").forEach(function (li) {
            if (parseInt(li.dataset.index, 10) === data.phase.index) {
                li.setAttribute("aria-current", "step");
            } else {
                li.removeAttribute("aria-current");
            }
        });
        document.querySelectorAll("[data-phase-only]").forEach(function (node) {
            node.hidden = parseInt(node.dataset.phaseOnly, 10) !== data.phase.index;
        });
        if (data.remaining_seconds === null) {
            deadline = pausedRemaining = null;
        } else if (data.paused) {
            deadline = null;
            pausedRemaining = data.remaining_seconds;
        } else {
            pausedRemaining = null;
            deadline = Date.now() + data.remaining_seconds * 1000;
        }
        tick();
    }

    function connect() {
        var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
        var socket = new WebSocket(scheme + window.location.host + live.dataset.wsPath);
        socket.onopen = function () {
            delay = 1000;
            statut.textContent = "";
        };
        socket.onmessage = function (event) {
            var data = JSON.parse(event.data);
            if (data.type === "etat") {
                apply(data);
            } else if (data.type === "fin") {
                statut.textContent = data.message;
            }
        };
        socket.onclose = function (event) {
            if (event.code === 4401 || event.code === 4403) {
                return;
            }
            statut.textContent = "Connexion perdue, nouvelle tentative…";
            window.setTimeout(connect, delay);
            delay = Math.min(delay * 2, 30000);
        };
    }

    if (minuteur && minuteur.dataset.secondes !== "None") {
        deadline = Date.now() + parseInt(minuteur.dataset.secondes, 10) * 1000;
        if (document.getElementById("statut").dataset.statut === "pause") {
            pausedRemaining = parseInt(minuteur.dataset.secondes, 10);
            deadline = null;
        }
    }
    window.setInterval(tick, 1000);
    connect();
}());
