/* Small behaviours for every page, kept out of the HTML so the CSP can forbid inline scripts.
 *  - [data-select-all="name"]: a checkbox that ticks every checkbox named `name` in its form;
 *  - [data-print]: a button that opens the print dialog;
 *  - form[data-confirm="question"]: asks before submitting (removing a document, say);
 *  - details[data-collapse-on-phone]: starts closed on a narrow screen, so the list shows first. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-select-all]");
    if (!box) return;
    var scope = box.form || document;
    var name = box.getAttribute("data-select-all");
    scope.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  function collapseOnPhone() {
    if (!window.matchMedia("(max-width: 44rem)").matches) return;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (box) {
      box.open = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", collapseOnPhone);
  } else {
    collapseOnPhone();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

})();
