/* The desk's small script: keyboard shortcuts and "who else is here" polling. No inline script (CSP). */
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // --- inbox: j/k move between tickets, / searches -------------------------------------------
  var links = Array.prototype.slice.call(document.querySelectorAll(".ticket-link"));
  function moveFocus(step) {
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), links.length - 1);
    links[next].focus();
  }

  // --- ticket page -----------------------------------------------------------------------------
  var layout = document.querySelector("[data-ticket]");
  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.submit(); }
  }
  function focusField(id) {
    var field = document.getElementById(id);
    if (field) { field.focus(); field.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "/") { var search = document.getElementById("desk-q"); if (search) { event.preventDefault(); search.focus(); } return; }
    if (!layout) {
      if (key === "j") { moveFocus(1); } else if (key === "k") { moveFocus(-1); }
      return;
    }
    if (key === "r") { event.preventDefault(); focusField("reply-body"); }
    else if (key === "n") { event.preventDefault(); focusField("note-body"); }
    else if (key === "a") { submit("assign-me-form"); }
    else if (key === "s") { submit("solve-form"); }
    else if (key === "]") { var next = document.getElementById("next-ticket"); if (next) { window.location.href = next.href; } }
  });

  // --- presence: who else is viewing or replying (polled, no stream) -------------------------
  if (!layout) { return; }
  var url = layout.getAttribute("data-presence-url");
  var shown = document.getElementById("presence");
  var reply = document.getElementById("reply-body");

  function mode() {
    return reply && (document.activeElement === reply || reply.value.trim()) ? "replying" : "viewing";
  }

  function render(others) {
    if (!shown) { return; }
    shown.textContent = others.map(function (other) {
      return other.name + " is " + other.mode;
    }).join(" · ");
    shown.classList.toggle("has-others", others.length > 0);
  }

  function poll() {
    var body = new URLSearchParams();
    body.set("mode", mode());
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.ok ? response.json() : { others: [] };
    }).then(function (data) { render(data.others || []); }).catch(function () { /* offline: try again later */ });
  }

  poll();
  var timer = window.setInterval(poll, 10000);
  if (reply) { reply.addEventListener("focus", poll); }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { window.clearInterval(timer); } else { poll(); timer = window.setInterval(poll, 10000); }
  });
})();
