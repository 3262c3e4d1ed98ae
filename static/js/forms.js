// Error summaries: focus the summary when a form comes back with errors (screen readers
// announce it), and let each link put the cursor in its field, not only scroll to it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  // Focus goes to the summary unless the user already moved it to a control (the page may
  // also have been reached with a #fragment that puts focus on <main>).
  function focusSummary() {
    var active = document.activeElement;
    if (!active || active === document.body || active.id === "main") summary.focus();
  }
  focusSummary();
  window.addEventListener("load", focusSummary);
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var control = target.matches("input, select, textarea") ? target :
      target.querySelector("input:not([type=hidden]), select, textarea");
    // The link still goes to its fragment (and scrolls there); going there resets focus, so
    // the field takes it just after.
    if (control) setTimeout(function () { control.focus({ preventScroll: true }); }, 0);
  });
})();
