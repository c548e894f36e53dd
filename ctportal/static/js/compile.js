// Progressive enhancement of the compile page (and the party PDF's): poll the status and update the progress bar in
// place; reload once the job has finished. Without JavaScript the page refreshes itself (Refresh header).
(function () {
  "use strict";
  var section = document.getElementById("compile-status");
  var bar = document.getElementById("compile-bar");
  var stage = document.getElementById("compile-stage");
  if (!section || !bar || !stage) { return; }
  var url = section.getAttribute("data-status-url");
  var label = section.getAttribute("data-label");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.state === "queued" || s.state === "running") {
          bar.className = "progress-bar pct-" + s.progress;
          bar.parentNode.setAttribute("aria-valuenow", String(s.progress));
          // The server writes the line in the reader's language (status.json's "text").
          stage.textContent = s.text || ((label || "Edition " + s.id) + " is " + s.state + ": " + s.stage + " (" + s.progress + "%).");
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
