/* Public forms, enhanced; every form works the same without this file (ADR 0026).
   No third-party code, nothing inline (CSP).

   1. A form that comes back with errors: focus moves to the error summary, so screen
      readers read it first and keyboard users start from it (the GOV.UK pattern). A
      link in the summary moves focus to its field, not only the scroll position.
   2. A field needed only after a certain choice (data-shown-if names the choice's field,
      data-shown-values the values that need it) is shown with that choice and hidden
      otherwise. Without JavaScript it is always shown, labelled "(needed if …)". */
(() => {
  "use strict";
  // A page with two forms has two error summaries, and so this script twice: run once.
  if (window.chorusFormsEnhanced) return;
  window.chorusFormsEnhanced = true;

  function focusErrorSummary() {
    const summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (!link) return;
      const field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      const label = document.querySelector(`label[for='${CSS.escape(field.id)}']`);
      (field.closest("fieldset") || label || field).scrollIntoView();
    });
  }

  function chosenValues(form, name) {
    return Array.from(form.querySelectorAll(`[name='${CSS.escape(name)}']`))
      .filter((input) => !["radio", "checkbox"].includes(input.type) || input.checked)
      .map((input) => input.value);
  }

  function revealConditionalFields() {
    const dependants = Array.from(document.querySelectorAll("form [data-shown-if]"));
    if (!dependants.length) return;
    const update = () => {
      for (const element of dependants) {
        const form = element.closest("form");
        const wanted = element.dataset.shownValues.split(" ");
        const chosen = chosenValues(form, element.dataset.shownIf);
        element.hidden = !chosen.some((value) => wanted.includes(value));
      }
    };
    for (const form of new Set(dependants.map((element) => element.closest("form")))) {
      form.addEventListener("change", update);
    }
    update();
  }

  focusErrorSummary();
  revealConditionalFields();
})();
