// Refresh the sending progress figures while an issue sends. Without JavaScript the page
// shows the same figures on reload.
(function () {
  "use strict";
  var box = document.querySelector("[data-bulletin-progress]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-bulletin-progress");
  var updated = box.querySelector('[data-field="updated"]');
  function set(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el && value !== undefined && value !== null) { el.textContent = String(value); }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        ["status_label", "total", "sent", "remaining", "failed", "in_doubt", "skipped", "paused_reason"].forEach(function (name) { set(name, data[name]); });
        if (updated) { updated.textContent = "Updated " + new Date().toLocaleTimeString("en-GB", { timeZone: "Europe/London", hour12: false }) + " (UK time)."; }
        if (data.status === "sending") { window.setTimeout(poll, 3000); }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  poll();
})();
