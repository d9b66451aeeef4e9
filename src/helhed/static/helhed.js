/* helhed's small progressive enhancements. Every page works without this file.
 *
 * The error summary (templates/includes/errors.html, DKFDS's "fejlopsummering"): focus moves
 * to it when the page loads, so a screen reader reads the errors first and a keyboard user
 * starts from it; a link in it focuses its field with the field's label scrolled into view. */
(function () {
  "use strict";
  var summary = document.querySelector('[data-module="error-summary"]');
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    if (field.matches("fieldset")) {  /* radio buttons: the first one */
      field = field.querySelector("input, select, textarea") || field;
    }
    event.preventDefault();
    var grouped = field.type === "radio" || field.type === "checkbox";
    var label = grouped ? field.closest("fieldset") : document.querySelector('label[for="' + field.id + '"]');
    (label || field).scrollIntoView();
    field.focus({preventScroll: true});
  });
})();
