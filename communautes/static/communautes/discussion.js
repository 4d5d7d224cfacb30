// A discussion's later replies, loaded in place: the « Réponses suivantes » link is a plain
// link to the next page without this script; with it, the next replies join the list.
(function () {
  "use strict";
  var list = document.querySelector("[data-live-reponses]");
  if (!list) {
    return;
  }
  var status = document.querySelector("[data-live-status]");
  var loading = false;

  // Links written before the discussion had pages (« …/#reponse-12 ») still find their reply:
  // its lasting address knows which page shows it.
  var old = /^#reponse-(\d+)$/.exec(window.location.hash);
  var permalinks = list.getAttribute("data-reponses-url");
  if (old && permalinks && !document.getElementById("reponse-" + old[1])) {
    window.location.replace(permalinks + old[1] + "/");
    return;
  }

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // Replies that came live while later pages were not shown yet (see live.js): they wait,
  // hidden, at the end of the list until the last page is there.
  function showWaiting() {
    list.querySelectorAll("[data-live-en-attente]").forEach(function (item) {
      item.removeAttribute("data-live-en-attente");
      item.hidden = false;
    });
  }

  function load(link) {
    if (loading) {
      return;
    }
    loading = true;
    link.setAttribute("aria-busy", "true");
    announce(link.getAttribute("data-chargement") || "");
    fetch(link.getAttribute("data-reponses-suivantes"), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var waiting = list.querySelector("[data-live-en-attente]");
        var added = [];
        page.querySelectorAll("ol > li[id]").forEach(function (item) {
          if (document.getElementById(item.id)) {
            return;
          }
          var node = document.importNode(item, true);
          list.insertBefore(node, waiting);
          added.push(node);
        });
        var nav = document.querySelector("[data-reponses-nav]");
        var next = page.querySelector("[data-reponses-nav]");
        if (next) {
          var copy = document.importNode(next, true);
          nav.replaceWith(copy);
          bind(copy);
        } else {
          nav.remove();
          showWaiting();
        }
        announce(link.getAttribute("data-charge") || "");
        if (added.length) {
          // Keyboard and screen reader users go on reading where the new replies start.
          added[0].tabIndex = -1;
          added[0].focus();
        }
      })
      .catch(function () {
        // The plain page still works: go there.
        window.location.href = link.href;
      })
      .then(function () {
        loading = false;
      });
  }

  function bind(nav) {
    var link = nav && nav.querySelector("[data-reponses-suivantes]");
    if (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(link);
      });
    }
  }

  bind(document.querySelector("[data-reponses-nav]"));
})();
