// Progressive enhancement of the proposal form: only the chosen ballot's section is shown, and
// "Add an option" adds a slot here instead of sending the form back (which is what it does alone).
(function () {
  "use strict";
  var form = document.querySelector("[data-proposal-form]");
  if (!form) { return; }
  var sections = form.querySelectorAll("fieldset[data-kind]");
  var kinds = form.querySelectorAll("input[name=ballot_kind]");

  function showChosen() {
    var chosen = form.querySelector("input[name=ballot_kind]:checked");
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = chosen !== null && section.dataset.kind !== chosen.value;
    });
  }
  Array.prototype.forEach.call(kinds, function (radio) { radio.addEventListener("change", showChosen); });
  showChosen();

  var add = form.querySelector("[data-add-option]");
  if (!add) { return; }
  add.addEventListener("click", function (event) {
    var entries = form.querySelectorAll(".option-entry");
    var last = entries[entries.length - 1];
    var next = entries.length;
    var copy = last.cloneNode(true);
    // options-3-label → options-4-label, in ids, names, labels and descriptions alike.
    Array.prototype.forEach.call(copy.querySelectorAll("[id], [name], [for], [aria-describedby]"), function (el) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/options-\d+-/g, "options-" + next + "-")); }
      });
      if (el.value !== undefined && (el.tagName === "INPUT" || el.tagName === "TEXTAREA")) { el.value = ""; }
      el.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(copy.querySelectorAll(".error"), function (el) { el.remove(); });
    last.parentNode.insertBefore(copy, last.nextSibling);
    copy.querySelector("input").focus();
    event.preventDefault();
    if (next + 1 >= parseInt(add.dataset.max, 10)) { add.hidden = true; }
  });
})();
