// Header badge of unread notifications, kept live over ws/notifications/.
(function () {
  "use strict";
  const root = document.querySelector("[data-notifications-url]");
  if (!root || !("WebSocket" in window)) return;
  const count = root.querySelector("[data-notifications-count]");
  const label = count.querySelector("[data-notifications-label]");
  const announce = root.querySelector("[data-notifications-announce]");
  let delay = 1000;
  let lastAnnounced = null;

  function render(state) {
    const n = state.non_lues || 0;
    count.firstChild.nodeValue = String(n);
    // French plural: « 1 non lue », « 2 non lues ».
    label.textContent = " " + (n > 1 ? count.dataset.pluriel : count.dataset.singulier);
    count.hidden = n === 0;
    const latest = state.derniere;
    if (latest && latest.id !== lastAnnounced && state.nouvelle) {
      lastAnnounced = latest.id;
      announce.textContent = latest.texte;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + root.dataset.notificationsUrl);
    socket.addEventListener("open", function () { delay = 1000; });
    socket.addEventListener("message", function (event) {
      const data = JSON.parse(event.data);
      if (data.type === "badge") render(data);
    });
    socket.addEventListener("close", function (event) {
      // 4401/4403: not signed in any more; do not retry.
      if (event.code === 4401 || event.code === 4403) return;
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  connect();
})();
