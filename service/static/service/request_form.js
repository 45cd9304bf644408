// Service request forms (a new request, a reply): say at once when a file is too big or there are
// too many (the server refuses them too, with the same limits), and send a form only once.
(function () {
  if (window.portalServiceForms) return;
  window.portalServiceForms = true;

  function problemFor(input, text) {
    var id = input.id + "-client-error";
    var note = document.getElementById(id);
    if (!text) { if (note) note.remove(); input.setCustomValidity(""); return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "error";
      note.id = id;
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    input.setCustomValidity(text);
  }

  function check(form) {
    var maxFiles = parseInt(form.dataset.maxFiles, 10) || 5;
    var maxBytes = parseInt(form.dataset.maxBytes, 10) || 10485760;
    var inputs = form.querySelectorAll('input[type="file"]');
    var total = 0;
    inputs.forEach(function (input) {
      var files = Array.prototype.slice.call(input.files || []);
      total += files.length;
      var big = files.filter(function (file) { return file.size > maxBytes; })[0];
      var text = "";
      if (big) text = (form.dataset.tooBig || "“{name}” is larger than 10 MB.").replace("{name}", big.name);
      else if (total > maxFiles) text = form.dataset.tooMany || "Send at most 5 files at a time.";
      problemFor(input, text);
    });
  }

  function attach(form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") check(form);
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      if (form.dataset.sent) return;
      form.dataset.sent = "1";
      if (button) setTimeout(function () { button.disabled = true; }, 0);  // after the browser took its value
    });
  }

  function ready() {
    document.querySelectorAll("form[data-max-files]").forEach(attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
