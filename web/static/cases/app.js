/* Small behaviours for every page, kept out of the HTML so the CSP can forbid inline scripts.
 *  - [data-select-all="name"]: a checkbox that ticks every checkbox named `name` in its form;
 *  - [data-print]: a button that opens the print dialog;
 *  - form[data-confirm="question"]: asks before submitting (removing a document, say);
 *  - details[data-collapse-on-phone]: starts closed on a narrow screen, so the list shows first;
 *  - [data-feedback]: an action's result beside what was clicked; after a page load or an htmx
 *    swap the first one is brought into view and focused (so a screen reader reads it too);
 *  - [data-dismiss]: removes the message it sits in (a refusal stays until then). */
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
    var phone = window.matchMedia("(max-width: 44rem)").matches;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (box) {
      if (phone) box.open = false;
      // app.css hides the box's content on a phone until this ran: no jump after the first paint.
      box.setAttribute("data-ready", "");
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

  function showFeedback(root) {
    var message = (root || document).querySelector("[data-feedback] .message");
    if (!message) return;
    var box = message.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      message.scrollIntoView({block: "center"});
    }
    message.focus({preventScroll: true});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { showFeedback(); });
  } else {
    showFeedback();
  }
  document.addEventListener("htmx:afterSettle", function (event) { showFeedback(event.target); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (!button) return;
    var message = button.closest(".message");
    var box = message && message.parentElement;
    if (message) message.remove();
    if (box && !box.querySelector(".message")) box.remove();
  });

})();
