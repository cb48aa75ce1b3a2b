// Progressive enhancement of the ranked ballot: tap the options in order of preference. Each card
// shows its rank; tapping a ranked card takes it out and moves the later ones up. The rank selects
// (which work alone, without this script) stay in the form, hidden, and carry what is submitted.
// Its words come from the page, in the member's language (data-words on the fieldset).
(function () {
  "use strict";
  var fieldset = document.querySelector("[data-ranking]");
  if (!fieldset) { return; }
  var words = JSON.parse(fieldset.getAttribute("data-words"));
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  var items = Array.prototype.slice.call(fieldset.querySelectorAll(".rank-item"));
  var order = [];
  var status = document.createElement("p");
  status.className = "rank-status";
  status.setAttribute("aria-live", "polite");

  function nameOf(item) { return item.querySelector("strong").textContent; }

  function ordinal(n) {
    if (words.ordinal_suffix) { return n + words.ordinal_suffix; }
    var tens = n % 100, units = n % 10;
    if (tens >= 11 && tens <= 13) { return n + "th"; }
    return n + (units === 1 ? "st" : units === 2 ? "nd" : units === 3 ? "rd" : "th");
  }

  function render() {
    items.forEach(function (item) {
      var rank = order.indexOf(item) + 1;
      var toggle = item.querySelector(".rank-toggle");
      item.querySelector("select").value = rank ? String(rank) : "";
      item.querySelector(".rank-badge").textContent = rank ? ordinal(rank) : "–";
      item.classList.toggle("is-ranked", rank > 0);
      toggle.setAttribute("aria-pressed", rank ? "true" : "false");
      toggle.setAttribute("aria-label", rank
        ? say(words.ranked, { name: nameOf(item), rank: ordinal(rank) })
        : say(words.unranked, { name: nameOf(item), rank: ordinal(order.length + 1) }));
    });
    var left = items.filter(function (item) { return order.indexOf(item) < 0; }).map(nameOf);
    var ranking = order.map(function (item, i) { return (i + 1) + ". " + nameOf(item); }).join(", ");
    status.textContent = order.length === 0 ? words.empty
      : left.length ? say(words.partial, { ranking: ranking, left: left.join(", ") })
      : say(words.complete, { ranking: ranking });
  }

  items.forEach(function (item) {
    var label = item.querySelector("label");
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "rank-toggle";
    var badge = document.createElement("span");
    badge.className = "rank-badge";
    badge.setAttribute("aria-hidden", "true");
    var text = document.createElement("span");
    Array.prototype.forEach.call(label.childNodes, function (node) { text.appendChild(node.cloneNode(true)); });
    toggle.appendChild(badge);
    toggle.appendChild(text);
    toggle.addEventListener("click", function () {
      var at = order.indexOf(item);
      if (at < 0) { order.push(item); } else { order.splice(at, 1); }
      render();
    });
    label.hidden = true;
    item.querySelector("select").hidden = true;
    item.insertBefore(toggle, label);
  });

  var clear = document.createElement("button");
  clear.type = "button";
  clear.className = "link";
  clear.textContent = words.again;
  clear.addEventListener("click", function () { order = []; render(); });

  // Choices brought back by "Change it" (or a refused ballot) arrive as selected ranks.
  order = items.filter(function (item) { return item.querySelector("select").value; })
    .sort(function (a, b) {
      return parseInt(a.querySelector("select").value, 10) - parseInt(b.querySelector("select").value, 10);
    });
  fieldset.querySelector("legend").textContent = words.legend;
  fieldset.appendChild(status);
  fieldset.appendChild(clear);
  render();
})();
