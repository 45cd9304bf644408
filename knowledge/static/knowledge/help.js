// The help centre's small helpers: suggestions while typing (search boxes and the question form)
// and counting an article's reads (cached pages cannot count them on the server).
(function () {
  if (window.portalHelpCentre) return;
  window.portalHelpCentre = true;

  function suggestionsFor(input) {
    var box = input.id && document.querySelector('[data-suggestions-for="' + input.id + '"]');
    if (box) return box;
    box = document.createElement("div");
    box.className = "suggestions";
    box.hidden = true;
    box.appendChild(document.createElement("ul"));
    box.firstChild.setAttribute("role", "list");
    (input.closest(".search-field") || input).insertAdjacentElement("afterend", box);
    return box;
  }

  function attach(input) {
    var timer = null, last = "";
    var box = suggestionsFor(input);
    var list = box.querySelector("ul");
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query.length < 2 || query === last) { if (query.length < 2) box.hidden = true; return; }
        last = query;
        var url = input.dataset.suggest + "?q=" + encodeURIComponent(query.slice(0, 200));
        if (input.dataset.suggestTypes) url += "&types=" + encodeURIComponent(input.dataset.suggestTypes);
        if (input.dataset.visit) url += "&visit=" + encodeURIComponent(input.dataset.visit);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            if (data.query !== input.value.trim().slice(0, 200).replace(/\s+/g, " ")) return;
            list.textContent = "";
            data.suggestions.forEach(function (suggestion) {
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.textContent = suggestion.title;
              link.href = input.dataset.visit
                ? "/search/go/?visit=" + encodeURIComponent(input.dataset.visit) + "&to=" + encodeURIComponent(suggestion.url)
                : suggestion.url;
              item.appendChild(link);
              list.appendChild(item);
            });
            box.hidden = data.suggestions.length === 0;
          })
          .catch(function () { box.hidden = true; });
      }, 250);
    });
  }

  function ready() {
    document.querySelectorAll("[data-suggest]").forEach(attach);
    var article = document.querySelector("[data-read-url]");
    if (article && navigator.sendBeacon) navigator.sendBeacon(article.dataset.readUrl);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
