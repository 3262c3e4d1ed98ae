// Presentation request form: list only the officers assigned at the chosen school.
(function () {
  const school = document.getElementById("id_school");
  const officer = document.getElementById("id_officer");
  if (!school || !officer) return;
  const bySchool = JSON.parse(officer.dataset.officerSchools || "{}");
  function filter() {
    const chosen = parseInt(school.value, 10);
    for (const option of officer.options) {
      if (!option.value) continue;
      const ok = !chosen || (bySchool[option.value] || []).includes(chosen);
      option.hidden = !ok;
      option.disabled = !ok;
      if (!ok && option.selected) officer.value = "";
    }
  }
  school.addEventListener("change", filter);
  filter();
})();
