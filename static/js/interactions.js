// Interaction form: show sections only when they apply, suggest students of the user's schools,
// and list the officers assigned at the chosen school on the chosen date. Without JavaScript
// every section stays visible and the server resolves a partial student ID or name.
(function () {
  "use strict";
  var form = document.getElementById("interaction-form");
  if (!form) return;

  // The reasons outside the SRO role come from the server (interactions.codes), not a copy.
  var OUTSIDE_ROLE = (form.dataset.outsideRoleReasons || "").split(" ").filter(Boolean);

  function byId(id) { return document.getElementById(id); }
  function section(id) { return byId(id); }
  function toggle(el, show) { if (el) el.hidden = !show; }

  // Force section: only when "Force used?" is ticked.
  var forceUsed = byId("id_force_used");
  var forceSection = section("force-section");
  function syncForce() {
    if (!forceUsed) return;
    var hadValues = forceSection && forceSection.querySelector("input:checked");
    if (hadValues && !forceUsed.checked && !forceUsed.dataset.touched) forceUsed.checked = true;
    toggle(forceSection, forceUsed.checked);
  }
  if (forceUsed) {
    forceUsed.addEventListener("change", function () { forceUsed.dataset.touched = "1"; syncForce(); });
    syncForce();
  }

  // Justification: only for reasons outside the SRO role (BP 3515.31).
  var reason = byId("id_reason");
  var justification = section("justification-section");
  var justificationText = byId("id_justification");
  function syncReason() {
    var outside = reason && OUTSIDE_ROLE.indexOf(reason.value) !== -1;
    toggle(justification, outside || (justificationText && justificationText.value));
    // Say so when it becomes required: screen readers and the browser both know.
    if (justificationText) {
      justificationText.required = !!outside;
      justificationText.setAttribute("aria-required", outside ? "true" : "false");
    }
  }
  if (reason) { reason.addEventListener("change", syncReason); syncReason(); }

  // Requesting staff role: only when school staff called the SRO.
  var initiatedBy = byId("id_initiated_by");
  var role = byId("id_requested_by_role");
  var roleWrap = byId("div_id_requested_by_role");
  function syncInitiated() {
    var staff = initiatedBy && initiatedBy.value === "staff_referral";
    toggle(roleWrap, staff);
    if (!staff && role) role.value = "";
  }
  if (initiatedBy) { initiatedBy.addEventListener("change", syncInitiated); syncInitiated(); }

  // De-escalation techniques: only when de-escalation was attempted.
  var deesc = byId("id_de_escalation");
  var deescSection = section("de-escalation-section");
  function syncDeesc() { toggle(deescSection, deesc && deesc.checked); }
  if (deesc) { deesc.addEventListener("change", syncDeesc); syncDeesc(); }

  // Student suggestions: partial ID or name, scoped by the server to the user's schools.
  var student = byId("id_student_id");
  var list = byId("student-options");
  var match = byId("student-match");
  var timer = null;
  if (student && list && student.dataset.searchUrl) {
    student.addEventListener("input", function () {
      clearTimeout(timer);
      var q = student.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch(student.dataset.searchUrl + "?q=" + encodeURIComponent(q), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (s) {
              var opt = document.createElement("option");
              opt.value = s.id;
              opt.label = s.label;
              opt.textContent = s.label;
              list.appendChild(opt);
            });
            if (match) {
              var exact = data.results.filter(function (s) { return s.id === q; })[0];
              match.textContent = exact ? exact.label :
                data.results.length + " match" + (data.results.length === 1 ? "" : "es");
            }
          }).catch(function () { /* the server still resolves what was typed */ });
      }, 200);
    });
  }

  // Officers assigned at the chosen school on the chosen date.
  var school = byId("id_school_cds");
  var when = byId("id_occurred_at");
  var officer = byId("id_officer_badge");
  // Typing a date changes it several times; only the answer to the latest look-up counts (a
  // late answer for an earlier date must not drop the officer just chosen).
  var lookup = 0;
  function refreshOfficers() {
    if (!officer || !officer.dataset.optionsUrl || !school) return;
    var mine = ++lookup;
    var day = when && when.value ? when.value.slice(0, 10) : "";
    var url = officer.dataset.optionsUrl + "?school_cds=" + encodeURIComponent(school.value) +
      "&date=" + encodeURIComponent(day);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== lookup) return;
        var current = officer.value;
        officer.replaceChildren(new Option("Choose…", ""));
        data.options.forEach(function (o) {
          officer.appendChild(new Option(o.label, o.value, false, o.value === current));
        });
      }).catch(function () {});
  }
  if (school) school.addEventListener("change", refreshOfficers);
  if (when) when.addEventListener("change", refreshOfficers);

  // Narrative: characters left.
  var narrative = byId("id_narrative");
  if (narrative) {
    var counter = document.createElement("div");
    counter.className = "form-text";
    counter.setAttribute("aria-live", "polite");
    narrative.insertAdjacentElement("afterend", counter);
    var max = parseInt(narrative.getAttribute("maxlength") || "1000", 10);
    var count = function () { counter.textContent = (max - narrative.value.length) + " characters left"; };
    narrative.addEventListener("input", count);
    count();
  }

  // Errors: move focus to the summary so screen readers announce it.
  var summary = byId("error-summary") || byId("conflict");
  if (summary) summary.focus();
})();
