// Phones: the account tools and the main navigation fold behind a « Menu » button.
// Without JavaScript everything stays visible.
(function () {
  "use strict";
  var entete = document.querySelector(".site-header");
  var bouton = entete && entete.querySelector(".menu-toggle");
  if (!bouton) {
    return;
  }
  entete.classList.add("site-header--repliable");
  bouton.hidden = false;
  bouton.addEventListener("click", function () {
    var ouvert = entete.classList.toggle("site-header--ouvert");
    bouton.setAttribute("aria-expanded", ouvert ? "true" : "false");
  });
})();
