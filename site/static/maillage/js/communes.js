// A commune field suggests « Nom (code postal) » as one types, in a list chosen from the
// keyboard (arrows, Enter, Escape), by click or by touch; the server still decides, and asks
// when a text can mean several communes. Without JavaScript: plain typing.
// Fields opt in with data-communes="<suggestions URL>" and carry the translated messages in
// data-communes-* attributes.
(function () {
  "use strict";

  var DELAY_MS = 200;
  var counter = 0;

  function setup(champ) {
    var texts = {
      libelle: champ.dataset.communesLibelle || "",
      nombre: champ.dataset.communesNombre || "%(n)s",
      aucune: champ.dataset.communesAucune || "",
    };
    counter += 1;
    var listId = "communes-liste-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions-liste";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", texts.libelle);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    champ.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    champ.setAttribute("role", "combobox");
    champ.setAttribute("aria-autocomplete", "list");
    champ.setAttribute("aria-controls", listId);
    champ.setAttribute("aria-expanded", "false");

    var results = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = "";

    function close() {
      list.hidden = true;
      list.replaceChildren();
      results = [];
      active = -1;
      champ.setAttribute("aria-expanded", "false");
      champ.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, position) {
        item.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        champ.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        champ.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      if (index < 0 || index >= results.length) {
        return;
      }
      champ.value = results[index];
      asked = champ.value.trim();
      close();
      status.textContent = "";
      champ.focus();
    }

    function show(communes) {
      var wasOpen = !list.hidden;
      close();
      results = communes;
      if (!communes.length) {
        if (wasOpen) {
          status.textContent = texts.aucune;
        }
        return;
      }
      communes.forEach(function (nom, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.className = "suggestions-liste__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = nom;
        // Keep the focus in the field while an option is pressed.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(index); });
        list.append(item);
      });
      list.hidden = false;
      champ.setAttribute("aria-expanded", "true");
      status.textContent = texts.nombre.replace("%(n)s", String(communes.length));
    }

    function lookup() {
      var texte = champ.value.trim();
      if (texte.length < 2) {
        close();
        return;
      }
      if (texte === asked) {
        return;
      }
      asked = texte;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(champ.dataset.communes + "?q=" + encodeURIComponent(texte), {
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (reponse) { return reponse.ok ? reponse.json() : { communes: [] }; })
        .then(function (donnees) {
          if (asked === texte) {
            show(donnees.communes || []);
          }
        })
        .catch(function () { /* suggestions are a help, never a requirement */ });
    }

    champ.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    champ.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter" && active >= 0) {
        // Enter picks the highlighted commune instead of submitting the form.
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    champ.addEventListener("blur", function () {
      // Leave time for a tap on an option to land before the list goes away.
      window.setTimeout(function () {
        if (document.activeElement !== champ) {
          close();
        }
      }, 200);
    });
  }

  document.querySelectorAll("input[data-communes]").forEach(setup);
})();
