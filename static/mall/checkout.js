// Checkout: when the delivery, coupon or stored-value choice changes, fetch the page's figures for
// it (the form's "Update totals") and swap in the summary with its confirmed total. Without this
// script the customer presses "Update totals"; the server checks the confirmed total either way.
(function () {
  var form = document.querySelector("form.checkout-form");
  if (!form || !window.fetch || !window.DOMParser || !window.FormData) return;
  form.addEventListener("change", function (event) {
    if (!event.target.closest("[data-reprice]")) return;
    var data = new FormData(form);
    data.set("action", "apply");
    // form.action would be the buttons named "action": read the attribute.
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-figures]");
        var shown = form.querySelector("[data-figures]");
        if (fresh && shown) shown.replaceWith(fresh);
      })
      .catch(function () {});
  });
})();
