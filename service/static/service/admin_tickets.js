// The queue's bulk form: "select all" ticks every request on the page, and the form goes back to
// the list as it is now (the filters change the address without reloading the page).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("[data-ticket-select-all]")) {
      return;
    }
    document.querySelectorAll("[data-ticket-select]").forEach(function (box) {
      box.checked = target.checked;
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-ticket-bulk]")) {
      return;
    }
    var next = form.querySelector("[data-ticket-bulk-next]");
    if (next) {
      next.value = window.location.pathname + window.location.search;
    }
  });
})();
