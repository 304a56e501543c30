// While a delivery pack is on its way, check its status every few seconds and reload the
// page when it changes, so the download button appears by itself. Without JavaScript the
// page says so and offers a "Check again" link. Checks stop after ten minutes, so an open
// tab does not keep a staff session alive for ever.
(function () {
  "use strict";
  var box = document.querySelector("[data-pack-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-pack-status");
  var shown = box.getAttribute("data-status");
  var note = box.querySelector('[data-field="updated"]');
  var checksLeft = 200;
  if (note) { note.textContent = "This page checks again every few seconds and shows the pack when it is ready."; }
  function stop() {
    if (note) { note.textContent = "This page has stopped checking by itself: use \u201cCheck again\u201d."; }
  }
  function check() {
    if (checksLeft <= 0) { stop(); return; }
    checksLeft -= 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { stop(); return; }
        if (data.status !== shown) { window.location.reload(); return; }
        window.setTimeout(check, 3000);
      })
      .catch(function () { window.setTimeout(check, 10000); });
  }
  window.setTimeout(check, 3000);
})();
