/* Nothing typed is lost (issue 13): progressive enhancement only — without JavaScript the entry's
   upload still saves the typed answer first, and a form posted after the session ended is kept on
   the server for its user.
   - the entry form is kept on the server while typing (a draft of this user's only, for a day);
   - leaving a page with unsaved edits asks first;
   - before the idle limit a warning offers to stay signed in. */
(function () {
  "use strict";
  var warning = document.getElementById("idle-warning");
  if (!warning) { return; }
  var csrf = warning.getAttribute("data-csrf-token") || "";
  var idleMs = (parseInt(warning.getAttribute("data-idle-seconds"), 10) || 1800) * 1000;
  var leadMs = Math.min(120000, idleMs / 3);
  // When the server will end the session: it says so with the page and with each answer below
  // (it notes activity at most once a minute, so the page view itself may not have counted).
  var deadline = Date.now();
  function endsIn(seconds) {
    var left = parseInt(seconds, 10);
    deadline = Date.now() + (isNaN(left) ? idleMs : left * 1000);
  }
  endsIn(warning.getAttribute("data-idle-left"));
  var signedOut = false;
  var countdown = warning.querySelector(".idle-countdown");
  var text = document.getElementById("idle-warning-text");
  var button = warning.querySelector(".stay-signed-in");

  function post(url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "Accept": "application/json" } });
  }

  // The page's language: the layout gives each text keep.js writes ({n}: a number; {when}: a time).
  function said(name, fallback) { return warning.getAttribute("data-text-" + name) || fallback; }

  function showSignedOut(loginUrl) {
    signedOut = true;
    warning.hidden = false;
    warning.querySelector("h2").textContent = said("signed-out", "You have been signed out");
    text.textContent = said("session-ended", "Your session ended after a time without activity. What you typed on this page is kept for you: sign in again to go on.");
    var link = document.createElement("a");
    link.className = "btn btn-primary";
    link.href = loginUrl || warning.getAttribute("data-login-url") || "/login";
    link.textContent = said("sign-in-again", "Sign in again");
    button.replaceWith(link);
  }

  function tick() {
    if (signedOut) { return; }
    var left = deadline - Date.now();
    if (left <= 0) {
      showSignedOut(null);
      return;
    }
    if (left <= leadMs) {
      var wasHidden = warning.hidden;
      warning.hidden = false;
      var seconds = Math.ceil(left / 1000);
      countdown.textContent = seconds > 90 ? said("minutes", "{n} minutes").replace("{n}", Math.ceil(seconds / 60))
                                            : said("seconds", "{n} seconds").replace("{n}", seconds);
      if (wasHidden) { button.focus(); }
    } else {
      warning.hidden = true;
    }
  }
  setInterval(tick, 1000);

  button.addEventListener("click", function () {
    var body = new FormData();
    body.append("csrf_token", csrf);
    post(warning.getAttribute("data-keepalive-url"), body)
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (answer) {
        if (answer.ok && answer.data.alive) {
          endsIn(answer.data.idle_left);
          warning.hidden = true;
        } else {
          showSignedOut(answer.data.login);
        }
      })
      .catch(function () { /* offline: the warning stays, the user may try again */ });
  });

  // --- the warning before leaving with unsaved edits (every form that posts) ---------------------
  var dirty = false;
  var submitting = false;
  var timer = null;
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || submitting) { return undefined; }
    if (timer) { clearTimeout(timer); autosave(); }
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own question: leave the page, or stay
    return "";
  });
  // Sending a form (any of them: saving, discarding the draft, signing out) is leaving on purpose.
  document.addEventListener("submit", function () { submitting = true; if (timer) { clearTimeout(timer); timer = null; } });
  // A form the server answered with unsaved text in it (a restored draft, a refused save, a conflict).
  if (document.querySelector("form[data-unsaved]")) { dirty = true; }
  document.addEventListener("input", function (event) {
    var owner = event.target && event.target.form;
    if (owner && (owner.getAttribute("method") || "").toLowerCase() === "post") { dirty = true; }
  });

  // --- the entry form: autosave ---------------------------------------------------------------
  var form = document.querySelector("form#entry-form");
  var autosaveUrl = form ? form.getAttribute("data-autosave-url") : null;
  var status = form ? form.querySelector(".autosave-status") : null;

  function fieldsOf() {
    var body = new FormData(form);
    // The upload's fields belong to this form (form="entry-form") but are not typed text.
    ["upload-file", "upload-title", "upload-sensitivity"].forEach(function (name) { body.delete(name); });
    return body;
  }

  var lastSent = null;
  function autosave() {
    timer = null;
    if (!form || !autosaveUrl) { return; }
    var body = fieldsOf();
    var snapshot = JSON.stringify(Array.from(body.entries()));
    if (snapshot === lastSent) { return; }  // a change event after typing (on leaving the field)
    lastSent = snapshot;
    post(autosaveUrl, body)
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; }); })
      .then(function (answer) {
        if (answer.ok) {
          endsIn(answer.data.idle_left);
          status.textContent = (status.getAttribute("data-text-kept") || "Draft kept on the server at {when} — not saved yet: use Save.")
            .replace("{when}", answer.data.label);
          status.hidden = false;
        } else if (answer.status === 401) {
          showSignedOut(answer.data.login);
        } else {
          lastSent = null;  // not kept: try again with the next change
        }
      })
      .catch(function () { lastSent = null; /* the form itself still holds the text */ });
  }

  function changed(event) {
    if (event.target && event.target.name && event.target.name.indexOf("upload-") === 0) { return; }
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(autosave, 1500);
  }
  if (form && autosaveUrl) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
  }
}());
