// A general meeting's page and the room's screen keep themselves current: every few seconds the
// page is asked for again and its live part (#live) replaced in place — never while someone's
// focus is in it (a code or a vote's minutes half typed stays put). Without this script, the
// screen and a checked-in member's page reload themselves (<noscript> in their head).
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch || !window.DOMParser || !live.hasAttribute("data-every")) { return; }
  var every = (parseInt(live.getAttribute("data-every"), 10) || 10) * 1000;
  function ask() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status !== 200) { return; }
        return response.text().then(function (html) {
          if (document.activeElement && live.contains(document.activeElement)) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
          if (fresh) { live.innerHTML = fresh.innerHTML; }
        });
      })
      .catch(function () { /* offline for a moment: the next turn asks again */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
})();
