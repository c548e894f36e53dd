/* Report form: progressive enhancement only. Without JavaScript the form's own buttons do the same
   (Preview re-renders the page; "Add another …" adds a blank row on the server). */
(function () {
  "use strict";
  var form = document.querySelector("form.entry-form");
  if (!form) { return; }

  // Live preview of the narrative, rendered by the server's one sanitiser.
  var narrative = form.querySelector("textarea[data-markdown]");
  var preview = document.getElementById("narrative-preview");
  var csrf = form.querySelector("input[name=csrf_token]");
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  function refresh() {
    var body = new FormData();
    body.append("text", narrative.value);
    if (csrf) { body.append("csrf_token", csrf.value); }
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: csrf ? { "X-CSRFToken": csrf.value } : {} })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        preview.innerHTML = '<h2 class="h6 text-muted">Preview</h2>' + html;  // sanitised server-side
        preview.classList.remove("d-none");
      })
      .catch(function () { /* the Preview button still works */ });
  }
  if (narrative && preview && url) {
    narrative.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }

  // "Why the action does not apply" only when the status is "Not applicable" (without JavaScript the
  // field is always there, its hint saying when it is needed). A text typed is kept, only hidden.
  var status = form.querySelector("select[name=status]");
  var whenNa = form.querySelectorAll(".when-not-applicable");
  function showWhenNa() {
    Array.prototype.forEach.call(whenNa, function (el) {
      // A field with an error stays in sight: the error summary links to it.
      el.hidden = status.value !== "not_applicable" && !el.querySelector(".is-invalid");
    });
  }
  if (status && whenNa.length) {
    status.addEventListener("change", showWhenNa);
    showWhenNa();
  }

  // A date's hint shows an example as this browser's date field writes it (its order and separators):
  // both follow the browser's own language, which is Intl's default locale — not navigator.language,
  // the first language of the page preferences, which may differ. A browser without a date field
  // takes the ISO form the server reads.
  function dateExamples(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".date-example"), function (el) {
      var iso = el.getAttribute("data-example");
      var value = el.querySelector(".date-example-value");
      var probe = document.createElement("input");
      probe.setAttribute("type", "date");
      if (probe.type !== "date") {
        value.textContent = iso;
      } else {
        var parts = iso.split("-");
        var day = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
        value.textContent = new Intl.DateTimeFormat(undefined,
          { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(day);
      }
      el.hidden = false;
    });
  }
  dateExamples(form);

  // Add a blank measure / legal-act row without a round trip.
  Array.prototype.forEach.call(form.querySelectorAll("fieldset.rows"), function (group) {
    var button = group.querySelector("input.add-row, button.add-row");
    var prefix = group.getAttribute("data-row-prefix");
    if (!button || !prefix) { return; }
    button.addEventListener("click", function (event) {
      var rows = group.querySelectorAll("fieldset.entry-row");
      if (!rows.length) { return; }
      event.preventDefault();
      var last = rows[rows.length - 1];
      var index = rows.length;
      var copy = last.cloneNode(true);
      var pattern = new RegExp("^" + prefix + "-\\d+-");
      Array.prototype.forEach.call(copy.querySelectorAll("[id],[name],[for],[aria-describedby]"), function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-")); }
        });
        var described = el.getAttribute("aria-describedby");
        if (described) {  // the hint stays (renumbered with the row), an error does not
          var kept = described.split(" ").filter(function (id) { return !/-error$/.test(id); })
            .map(function (id) { return id.replace(pattern, prefix + "-" + index + "-"); });
          if (kept.length) { el.setAttribute("aria-describedby", kept.join(" ")); }
          else { el.removeAttribute("aria-describedby"); }
        }
        el.removeAttribute("aria-invalid");
        el.classList.remove("is-invalid");
        if (el.tagName === "INPUT" && el.type === "checkbox") { el.checked = false; }
        else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") { el.value = ""; }
      });
      Array.prototype.forEach.call(copy.querySelectorAll(".invalid-feedback"), function (el) {
        el.parentNode.removeChild(el);
      });
      var legend = copy.querySelector("legend");
      if (legend) { legend.textContent = legend.textContent.replace(/\d+$/, String(index + 1)); }
      last.parentNode.insertBefore(copy, button);
      var first = copy.querySelector("textarea, input[type=text], input:not([type])");
      if (first) { first.focus(); }
    });
  });
}());
