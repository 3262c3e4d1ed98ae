// Error summaries: focus the summary when a form comes back with errors (screen readers
// announce it), and let each link put the cursor in its field, not only scroll to it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  if (document.activeElement === document.body || !document.activeElement) summary.focus();
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
