// Progressive enhancement of the ranked ballot: "up" and "down" buttons reorder the options and
// keep the rank selects (which work alone, without this script) in step with the order shown.
(function () {
  "use strict";
  var fieldset = document.querySelector("[data-ranking]");
  if (!fieldset) { return; }
  var list = fieldset.querySelector(".rank-list");
  var items = Array.prototype.slice.call(list.querySelectorAll(".rank-item"));

  function renumber() {
    Array.prototype.forEach.call(list.querySelectorAll(".rank-item"), function (item, index) {
      var select = item.querySelector("select");
      if (item.dataset.ranked === "yes") { select.value = String(index + 1); } else { select.value = ""; }
    });
  }

  function sortBySelects() {
    items.sort(function (a, b) {
      var ra = parseInt(a.querySelector("select").value, 10) || 999;
      var rb = parseInt(b.querySelector("select").value, 10) || 999;
      return ra - rb;
    });
    items.forEach(function (item) {
      item.dataset.ranked = item.querySelector("select").value ? "yes" : "no";
      list.appendChild(item);
    });
  }

  function button(label, text, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", handler);
    return b;
  }

  items.forEach(function (item) {
    var name = item.querySelector("strong").textContent;
    var tools = document.createElement("span");
    tools.className = "rank-tools";
    tools.appendChild(button("Move " + name + " up", "▲ up", function () {
      item.dataset.ranked = "yes";
      if (item.previousElementSibling) { list.insertBefore(item, item.previousElementSibling); }
      renumberRanked();
    }));
    tools.appendChild(button("Move " + name + " down", "▼ down", function () {
      item.dataset.ranked = "yes";
      if (item.nextElementSibling) { list.insertBefore(item.nextElementSibling, item); }
      renumberRanked();
    }));
    item.appendChild(tools);
    item.querySelector("select").addEventListener("change", function () { sortBySelects(); renumber(); });
  });

  function renumberRanked() {
    // Ranked options first, in the order shown; the rest stay unranked below them.
    var ordered = Array.prototype.slice.call(list.querySelectorAll(".rank-item"));
    ordered.filter(function (i) { return i.dataset.ranked !== "yes"; }).forEach(function (i) { list.appendChild(i); });
    renumber();
  }

  sortBySelects();
})();
