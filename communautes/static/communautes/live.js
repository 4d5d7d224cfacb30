// Live updates of a community page: connect, catch up from the last event seen, insert new items.
// The page works without this script; it only adds what others post while it is open.
(function () {
  "use strict";
  // Replaced, in the copied reply model, by each new reply's id (see publication_detail.html).
  var MODELE_ID = "__id__";
  // As the server writes them: « 4 décembre 2026 à 17:20 », in the site's time zone.
  var DATE_FR = new Intl.DateTimeFormat("fr-FR", {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    timeZone: "Europe/Paris",
  });

  var anchor = document.querySelector("[data-live-url]");
  if (!anchor || !("WebSocket" in window)) {
    return;
  }
  var lastEventId = parseInt(anchor.getAttribute("data-last-event-id"), 10) || 0;
  var status = document.querySelector("[data-live-status]");
  var delay = 1000;
  var finished = false;
  var socket;
  var pingTimer;

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function removeEmpty(list) {
    var empty = list.querySelector("[data-live-empty]");
    if (empty) {
      empty.remove();
    }
  }

  function addPublication(p) {
    var list = document.querySelector("[data-live-insert]");
    if (!list || document.getElementById("publication-" + p.id)) {
      return;
    }
    removeEmpty(list);
    var item = element("li", "publication-item publication-item--new");
    item.id = "publication-" + p.id;
    var title = element("h3", "publication-item__title");
    var link = element("a", "", p.titre);
    link.href = p.url;
    title.appendChild(link);
    item.appendChild(title);
    var meta = element("p", "publication-item__meta");
    meta.appendChild(element("span", "tag", p.nature_label));
    meta.appendChild(document.createTextNode(" " + p.auteur.nom));
    item.appendChild(meta);
    if (p.extrait) {
      item.appendChild(element("p", "", p.extrait));
    }
    list.insertBefore(item, list.firstChild);
    announce("Nouvelle publication : " + p.titre);
  }

  // The « N réponses » heading follows the replies that arrive live (French plural: 0 and 1
  // take the singular).
  function countReponse() {
    var heading = document.querySelector("[data-live-compte]");
    if (!heading) {
      return;
    }
    var n = Number(heading.getAttribute("data-live-compte")) + 1;
    heading.setAttribute("data-live-compte", String(n));
    var modele = heading.getAttribute(n > 1 ? "data-live-compte-plusieurs" : "data-live-compte-un");
    heading.textContent = modele.replace("%(n)s", String(n));
  }

  function addReponse(r) {
    var list = document.querySelector('[data-live-reponses="' + r.publication_id + '"]');
    if (!list || document.getElementById("reponse-" + r.id)) {
      return;
    }
    removeEmpty(list);
    countReponse();
    var modele = document.querySelector("template[data-live-modele-reponse]");
    var item;
    if (modele) {
      // A copy of the page's own reply markup: date, reactions and report link as on reload.
      item = modele.content.firstElementChild.cloneNode(true);
      item.querySelectorAll("[data-live-reactions], input, button, a").forEach(function (node) {
        ["data-live-reactions", "value", "href"].forEach(function (attribut) {
          var valeur = node.getAttribute(attribut);
          if (valeur && valeur.indexOf(MODELE_ID) !== -1) {
            node.setAttribute(attribut, valeur.split(MODELE_ID).join(String(r.id)));
          }
        });
      });
      item.querySelector("[data-modele-auteur]").textContent = r.auteur.nom;
      var date = item.querySelector("[data-modele-date]");
      date.setAttribute("datetime", r.cree_le);
      date.textContent = DATE_FR.format(new Date(r.cree_le));
    } else {
      item = element("li", "reponse reponse--new");
      var meta = element("p", "reponse__meta");
      meta.appendChild(element("strong", "", r.auteur.nom));
      item.appendChild(meta);
      item.appendChild(element("div", "reponse__corps"));
    }
    item.id = "reponse-" + r.id;
    // The server stored this HTML after sanitizing it (nh3 allow-list).
    item.querySelector(".reponse__corps").innerHTML = r.corps;
    if (document.querySelector("[data-reponses-suivantes]")) {
      // Later pages are not shown yet: the reply waits, hidden, at the end of the list until
      // discussion.js has loaded the last page before it.
      item.hidden = true;
      item.setAttribute("data-live-en-attente", "");
      list.appendChild(item);
      return;
    }
    list.appendChild(item);
    announce("Nouvelle réponse de " + r.auteur.nom);
  }

  function updatePublication(m) {
    var article = document.querySelector('[data-publication-id="' + m.publication_id + '"]');
    if (!article || !article.querySelector("[data-live-corps]")) {
      return;
    }
    article.querySelector("[data-live-titre]").textContent = m.titre;
    // Sanitized by the server before it was stored (nh3 allow-list).
    article.querySelector("[data-live-corps]").innerHTML = m.corps;
    announce("La publication a été modifiée.");
  }

  function updateReactions(r) {
    var key = r.reponse_id ? "r" + r.reponse_id : "p" + r.publication_id;
    var box = document.querySelector('[data-live-reactions="' + key + '"]');
    if (!box) {
      return;
    }
    box.querySelectorAll("[data-count]").forEach(function (span) {
      span.textContent = String(r.counts[span.getAttribute("data-count")] || 0);
    });
  }

  function moderate(m) {
    if (m.action === "restaurer") {
      return;
    }
    var id = m.reponse_id ? "reponse-" + m.reponse_id : "publication-" + m.publication_id;
    var node = document.getElementById(id);
    if (node) {
      node.remove();
    }
  }

  function addMessage(m) {
    var list = document.querySelector("[data-live-salon]");
    if (!list || document.getElementById("message-" + m.id)) {
      return;
    }
    removeEmpty(list);
    var item = element("li", "salon__message");
    item.id = "message-" + m.id;
    item.appendChild(element("strong", "", m.auteur.nom));
    item.appendChild(element("p", "", m.texte));
    list.appendChild(item);
    announce("Message de " + m.auteur.nom + " : " + m.texte);
  }

  // Who is here, by id: the full list on connect, then arrivals and departures.
  var present = {};

  function showPresence(message) {
    var list = document.querySelector("[data-live-presence]");
    if (!list) {
      return;
    }
    if (message.membres) {
      present = {};
      message.membres.forEach(function (membre) {
        present[membre.id] = membre.nom;
      });
    } else {
      (message.arrivees || []).forEach(function (membre) {
        present[membre.id] = membre.nom;
      });
      (message.departs || []).forEach(function (id) {
        delete present[id];
      });
    }
    var names = Object.keys(present).map(function (id) {
      return present[id];
    });
    names.sort(function (a, b) {
      return a.localeCompare(b);
    });
    list.textContent = "";
    names.forEach(function (nom) {
      list.appendChild(element("li", "", nom));
    });
  }

  function handle(message) {
    if (message.type === "event") {
      // The server sends events once and in id order; an id at or below the last one
      // shown can only be a copy, and is ignored.
      if (message.id <= lastEventId) {
        return;
      }
      lastEventId = message.id;
      var data = message.data;
      if (data.publication) {
        addPublication(data.publication);
      } else if (data.reponse) {
        addReponse(data.reponse);
      } else if (data.modification) {
        updatePublication(data.modification);
      } else if (data.reaction) {
        updateReactions(data.reaction);
      } else if (data.action) {
        moderate(data);
      } else if (data.message) {
        addMessage(data.message);
      }
    } else if (message.type === "presence") {
      showPresence(message);
    } else if (message.type === "resync") {
      window.location.reload();
    } else if (message.type === "error") {
      announce(message.message);
    } else if (message.type === "fin") {
      finished = true;
      announce(message.message);
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + anchor.getAttribute("data-live-url"));
    socket.addEventListener("open", function () {
      delay = 1000;
      // First thing on every connection: the server holds live events back until it
      // knows where this page stands, then replays what it missed, in order.
      socket.send(JSON.stringify({ type: "resume", last_event_id: lastEventId }));
      pingTimer = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: "ping" }));
        }
      }, 60000);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      // 4401/4403: not signed in or no longer a member; reconnecting would be refused.
      if (finished || event.code === 4401 || event.code === 4403) {
        return;
      }
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  // The chat form posts over the socket when it is open, and as a normal form otherwise.
  var salonForm = document.querySelector("[data-live-salon-form]");
  if (salonForm) {
    salonForm.addEventListener("submit", function (event) {
      var field = salonForm.querySelector("textarea");
      if (!socket || socket.readyState !== WebSocket.OPEN || !field.value.trim()) {
        return;
      }
      event.preventDefault();
      socket.send(JSON.stringify({ type: "salon", texte: field.value }));
      field.value = "";
      field.focus();
    });
  }

  connect();
})();
