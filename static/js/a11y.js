// Accessibility helpers for every page (docs/accessibility.md).
(function () {
  "use strict";

  // 1. A table box that scrolls sideways is a focusable, named region, so a keyboard user
  //    can reach and scroll it (WCAG 2.1.1); a box that fits its table stays out of the tab
  //    order. Re-checked when the window changes size (phone rotated, zoom).
  function regionName(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim().replace(/\s+/g, " ");
    var table = box.querySelector("table[aria-label]");
    if (table) return table.getAttribute("aria-label");
    var prev = box.previousElementSibling;
    while (prev && !/^H[1-6]$/.test(prev.tagName)) prev = prev.previousElementSibling;
    if (!prev && box.parentElement) {
      prev = box.parentElement.querySelector("h1, h2, h3, h4, h5, h6");
    }
    return (prev ? prev.textContent.trim().replace(/\s+/g, " ") + ": " : "") + "table";
  }
  function markScrollBoxes() {
    var boxes = document.querySelectorAll(
      ".table-responsive, .scroll-region, .inline-group .tabular");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", regionName(box) + " (scrolls sideways)");
          box.setAttribute("data-a11y-named", "");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (box.hasAttribute("data-a11y-named")) {
          box.removeAttribute("aria-label");
          box.removeAttribute("data-a11y-named");
        }
      }
    });
  }
  markScrollBoxes();
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrollBoxes, 100);
  });
  // Content swapped in by htmx (look-ups, panels) gets the same treatment.
  document.addEventListener("htmx:afterSettle", markScrollBoxes);

  // 2. "Skip to main content" moves focus without adding #main to the address: a form that
  //    then posts to the same address would otherwise carry the fragment, and after an
  //    error the browser would put focus on <main> instead of the error summary.
  var skip = document.querySelector(".skip-link");
  var main = document.getElementById("main");
  if (skip && main) {
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    });
  }
  // 3. Forms never post to a fragment, however the address got one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var action = form.getAttribute("action");
    if (action === null || action === "" || action.charAt(0) === "#") {
      form.setAttribute("action", window.location.pathname + window.location.search);
    } else if (action.indexOf("#") !== -1) {
      form.setAttribute("action", action.split("#")[0]);
    }
  }, true);

  // 4. Django admin's look-up boxes (select2, for `autocomplete_fields`) name themselves by
  //    the choice they show, so an empty box has no name at all (WCAG 4.1.2). Each is named
  //    by the label of the field it replaces: the box by the label element, the text it
  //    shows by the label's words. Again for each inline row added.
  function nameLookupBoxes(root) {
    var selects = root.querySelectorAll("select.admin-autocomplete");
    Array.prototype.forEach.call(selects, function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      var combo = box.querySelector(".select2-selection");
      var shown = box.querySelector(".select2-selection__rendered");
      if (label) {
        if (!label.id) label.id = select.id + "-label";
        if (combo) combo.setAttribute("aria-labelledby", label.id);
        if (shown) shown.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      } else if (select.getAttribute("aria-label")) {
        // A row of a tabular inline has no label element: its field is named by aria-label.
        if (combo) combo.setAttribute("aria-label", select.getAttribute("aria-label"));
        if (shown) shown.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
    });
  }
  // 5. The help icon of Django's two-list chooser (`filter_horizontal`) is a span with an
  //    aria-label, a name that a span without a role may not carry (ARIA 1.2): it is an
  //    image of a question mark, so it is given that role. The chooser is built on load.
  function nameHelpIcons(root) {
    var icons = root.querySelectorAll(".help-tooltip[aria-label]:not([role])");
    Array.prototype.forEach.call(icons, function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () {
    setTimeout(function () { nameHelpIcons(document); }, 0);
  });
  // The admin builds them in a jQuery "ready" handler, which jQuery runs later than the
  // page's load event at times: ours is queued after it, and the load event is a fallback.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () { nameLookupBoxes(document); });
  }
  window.addEventListener("load", function () { nameLookupBoxes(document); });
  document.addEventListener("formset:added", function (event) {
    nameLookupBoxes(event.target);
  });
})();
