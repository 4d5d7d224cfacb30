// A commune field suggests « Nom (code postal) » as one types; the server still decides,
// and asks when a text can mean several communes. Without JavaScript: plain typing.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggestions][list]").forEach(function (champ) {
    var liste = document.getElementById(champ.getAttribute("list"));
    if (!liste) {
      liste = document.createElement("datalist");
      liste.id = champ.getAttribute("list");
      champ.parentNode.appendChild(liste);
    }
    var attente = null;
    var derniere = "";
    champ.addEventListener("input", function () {
      var texte = champ.value.trim();
      window.clearTimeout(attente);
      if (texte.length < 2 || texte === derniere) {
        return;
      }
      attente = window.setTimeout(function () {
        derniere = texte;
        var url = champ.dataset.suggestions + "?q=" + encodeURIComponent(texte);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (reponse) { return reponse.ok ? reponse.json() : { communes: [] }; })
          .then(function (donnees) {
            liste.replaceChildren.apply(liste, donnees.communes.map(function (nom) {
              var option = document.createElement("option");
              option.value = nom;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a help, never a requirement */ });
      }, 200);
    });
  });
})();
