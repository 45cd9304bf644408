// The service entry (the block and the floating button): whether the location is open now, and
// live chat loaded only when a customer asks for it.
//
// Pages with the entry come from caches (the anonymous page cache, cached page bodies), so the
// server never says "open now": the entry carries the week's hours, the closed days and the
// location's time zone (data-service-hours), and the time there is read here with
// Intl.DateTimeFormat. Outside the hours, phone and chat are marked as such.
(function () {
  if (window.portalServiceEntry) return;
  window.portalServiceEntry = true;

  var WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  // The date, weekday (0: Monday) and minutes since midnight in `zone` at this moment.
  function timeIn(zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date())
      .forEach(function (part) { parts[part.type] = part.value; });
    return {
      date: parts.year + "-" + parts.month + "-" + parts.day,
      weekday: WEEKDAYS[parts.weekday],
      minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute), // some engines say 24 at midnight
    };
  }

  function minutesOf(text) {
    var hourAndMinute = text.split(":");
    return Number(hourAndMinute[0]) * 60 + Number(hourAndMinute[1]);
  }

  // true or false; null when this browser cannot tell (an unknown time zone).
  function isOpen(hours) {
    var now;
    try {
      now = timeIn(hours.zone);
    } catch (error) {
      return null;
    }
    if (hours.closed.indexOf(now.date) !== -1) return false;
    return (hours.week[now.weekday] || []).some(function (range) {
      return minutesOf(range[0]) <= now.minutes && now.minutes < minutesOf(range[1]);
    });
  }

  function showStatus(entry) {
    var hours;
    try {
      hours = JSON.parse(entry.getAttribute("data-service-hours"));
    } catch (error) {
      return;
    }
    var open = isOpen(hours);
    if (open === null) return;
    entry.classList.toggle("is-open", open);
    entry.classList.toggle("is-closed", !open);
    entry.querySelector(".entry-open").hidden = !open;
    entry.querySelector(".entry-closed").hidden = open;
    entry.querySelectorAll(".entry-live").forEach(function (channel) {
      channel.classList.toggle("is-outside-hours", !open);
      var note = channel.querySelector(".entry-outside");
      if (note) note.hidden = open;
    });
  }

  function showAllStatuses() {
    document.querySelectorAll("[data-service-hours]").forEach(showStatus);
  }

  // A chat widget's script is loaded on the first click only: no third-party script on the page
  // (and no tracking) until a customer wants to chat. Its address and settings come from
  // service.chat, built from the account id staff entered; staff never write a script.
  var chatStarted = false;

  function openChat(provider) {
    if (provider === "crisp") {
      window.$crisp = window.$crisp || [];
      window.$crisp.push(["do", "chat:show"]);
      window.$crisp.push(["do", "chat:open"]);
    } else if (provider === "tawk" && window.Tawk_API && window.Tawk_API.maximize) {
      window.Tawk_API.maximize();
    }
  }

  function startChat(button) {
    var provider = button.getAttribute("data-chat-provider");
    var source = button.getAttribute("data-chat-script") || "";
    if (chatStarted) {
      openChat(provider);
      return;
    }
    if (source.indexOf("https://") !== 0) return;
    chatStarted = true;
    var config = button.getAttribute("data-chat-config");
    if (config) {
      var settings = document.createElement("script");
      settings.textContent = config;
      document.head.appendChild(settings);
    }
    if (provider === "tawk") {
      window.Tawk_API = window.Tawk_API || {};
      window.Tawk_API.onLoad = function () { window.Tawk_API.maximize(); };
    }
    openChat(provider); // Crisp queues the command until its script has loaded
    button.setAttribute("aria-busy", "true");
    var script = document.createElement("script");
    script.src = source;
    script.async = true;
    script.onload = script.onerror = function () { button.removeAttribute("aria-busy"); };
    document.head.appendChild(script);
  }

  function closePanels(except) {
    document.querySelectorAll(".service-fab[open]").forEach(function (panel) {
      if (panel !== except) panel.open = false;
    });
  }

  function ready() {
    showAllStatuses();
    setInterval(showAllStatuses, 60 * 1000);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-chat-script]");
      if (button) {
        startChat(button);
        closePanels(null);
        return;
      }
      closePanels(event.target.closest(".service-fab"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".service-fab[open]").forEach(function (panel) {
        panel.open = false;
        panel.querySelector("summary").focus();
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
