// Long lists of boxes (territories…) get a filter field: type « gir » to find Gironde,
// « bretagne » to find a région and its départements. Without JavaScript the grouped boxes
// stay usable as they are.
(function () {
  "use strict";
  var plat = function (texte) {
    return texte.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  document.querySelectorAll("div.choix-longs").forEach(function (liste, rang) {
    var champ = document.createElement("input");
    champ.type = "search";
    champ.id = "filtre-choix-" + rang;
    champ.className = "choix-longs__filtre";
    champ.autocomplete = "off";
    var libelle = document.createElement("label");
    libelle.htmlFor = champ.id;
    libelle.className = "choix-longs__libelle";
    // The label comes translated from the server, on the boxes (the widget's attributes).
    var premiere = liste.querySelector("input[data-filtre]");
    libelle.textContent = premiere ? premiere.dataset.filtre : "";
    liste.parentNode.insertBefore(libelle, liste);
    liste.parentNode.insertBefore(champ, liste);
    var groupes = Array.prototype.filter.call(liste.children, function (enfant) {
      return enfant.tagName === "DIV";
    });
    champ.addEventListener("input", function () {
      var cherche = plat(champ.value.trim());
      groupes.forEach(function (groupe) {
        var titre = groupe.querySelector(":scope > label");
        var nomGroupe = titre ? plat(titre.textContent) : "";
        var visibles = 0;
        groupe.querySelectorAll("input[type=checkbox]").forEach(function (boite) {
          var ligne = boite.closest("div");
          var texte = nomGroupe + " " + plat(ligne.textContent);
          var garde = cherche === "" || boite.checked || texte.indexOf(cherche) !== -1;
          ligne.hidden = !garde;
          visibles += garde ? 1 : 0;
        });
        groupe.hidden = visibles === 0;
      });
    });
  });
})();
