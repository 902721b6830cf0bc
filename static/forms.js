// After a failed submit, move the focus to the error summary at the top of the form, and
// let its links focus the field they name (a group: its first input). Without this
// script the summary and its links still work as plain anchors.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    var input = target.matches("input, select, textarea, button")
      ? target : target.querySelector("input, select, textarea, button");
    if (!input) { return; }
    event.preventDefault();
    var label = target.closest(".field") || target.closest("fieldset") || target;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
}());
