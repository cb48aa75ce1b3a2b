// A live page (a bargaining session, a general meeting, the room's screen) keeps itself current:
// every few seconds it asks for its live part (#live) with the version it holds (If-None-Match);
// nothing new is a 304, anything new replaces the part in place — never while someone's focus is
// in it. Without this script the page reloads itself (<noscript> in its head).
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch || live.hasAttribute("data-closed")) { return; }
  var every = (parseInt(live.getAttribute("data-every"), 10) || 3) * 1000;
  var etag = 'W/"' + live.getAttribute("data-version") + '"';
  function ask() {
    fetch(live.getAttribute("data-live"), { headers: { "If-None-Match": etag }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 200) { return; }
        return response.text().then(function (html) {
          // Not under a member's hands: a button they are on stays put until they leave it.
          if (document.activeElement && live.contains(document.activeElement)) { return; }
          live.innerHTML = html;
          etag = response.headers.get("ETag") || etag;
        });
      })
      .catch(function () { /* offline for a moment: the next turn asks again */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
})();
