// The check-in desk (events/admin/desk.html). Without this script the page works as a form: a
// handheld scanner types the ticket code into the focused field and presses Enter, the page posts
// and shows the result. With it:
// - a scan posts in the background (Accept: application/json), shows who it is, refreshes the
//   counts and empties the field for the next ticket, without reloading the page;
// - the counts are refreshed every 10 seconds (other desks check people in too);
// - where the browser has the BarcodeDetector API and a camera, "Scan with camera" reads QR codes
//   with the device's camera (the button stays hidden elsewhere).
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  if (!desk || !window.fetch || !window.FormData) return;
  var form = desk.querySelector("[data-desk-form]");
  var input = form.querySelector("input[name=code]");
  var result = desk.querySelector("[data-result]");
  var busy = false;

  function showCounts(counts) {
    if (!counts) return;
    ["signed_up", "checked_in"].forEach(function (key) {
      var shown = desk.querySelector('[data-count="' + key + '"]');
      if (shown && typeof counts[key] === "number") shown.textContent = counts[key].toLocaleString();
    });
  }

  function showResult(answer) {
    // Built with textContent only: member e-mails and messages are never read as HTML.
    var box = document.createElement("div");
    box.className = "checkin-desk__result " + (answer.ok ? "checkin-desk__result--ok" : "checkin-desk__result--refused");
    box.setAttribute("role", answer.ok ? "status" : "alert");
    var message = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = answer.message || "";
    message.appendChild(strong);
    box.appendChild(message);
    if (answer.ok) {
      var list = document.createElement("dl");
      ["email", "level", "session"].forEach(function (key) {
        var term = document.createElement("dt");
        term.textContent = result.getAttribute("data-label-" + key) || key;
        var value = document.createElement("dd");
        value.textContent = answer[key] || "—";
        list.appendChild(term);
        list.appendChild(value);
      });
      box.appendChild(list);
    }
    result.replaceChildren(box);
  }

  function checkIn(code) {
    if (busy || !code.trim()) return;
    busy = true;
    var data = new FormData(form);
    data.set("code", code);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        showResult(answer);
        showCounts(answer.counts);
        input.value = "";
      })
      .catch(function () {
        form.submit(); // the page's own post says what went wrong (a lost session, the network)
      })
      .finally(function () {
        busy = false;
        input.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    checkIn(input.value);
  });

  var countsUrl = desk.getAttribute("data-counts-url");
  if (countsUrl) {
    window.setInterval(function () {
      if (document.hidden) return;
      fetch(countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(showCounts)
        .catch(function () {});
    }, 10000);
  }

  // --- The camera (progressive enhancement) -----------------------------------------------------
  var button = desk.querySelector("[data-camera-button]");
  var video = desk.querySelector("[data-camera-video]");
  if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) return;

  var startLabel = button.textContent;
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = startLabel;
    button.setAttribute("aria-pressed", "false");
  }

  function look() {
    if (!stream) return;
    detector.detect(video)
      .then(function (codes) {
        var now = Date.now();
        var code = codes.length ? codes[0].rawValue : "";
        // The same ticket stays in view for a while: read it once every 3 seconds at most.
        if (code && (code !== lastCode || now - lastAt > 3000)) {
          lastCode = code;
          lastAt = now;
          input.value = code;
          checkIn(code);
        }
      })
      .catch(function () {})
      .finally(function () { window.setTimeout(look, 250); });
  }

  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (found) {
        stream = found;
        video.srcObject = stream;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop-label");
        button.setAttribute("aria-pressed", "true");
        return video.play();
      })
      .then(look)
      .catch(function () {
        stop();
        showResult({ ok: false, message: button.getAttribute("data-camera-error") });
      });
  }

  window.BarcodeDetector.getSupportedFormats()
    .then(function (formats) {
      if (formats.indexOf("qr_code") === -1) return;
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      button.hidden = false;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        if (stream) stop(); else start();
      });
    })
    .catch(function () {});
})();
