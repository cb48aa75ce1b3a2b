// The tracker code is shown once: a warning before leaving the page until the code has been
// copied (copy.js) or saved as a file.
(function () {
  "use strict";
  var holder = document.querySelector("[data-tracker]");
  if (!holder) { return; }
  var kept = false;
  function keep() { kept = true; }
  window.addEventListener("beforeunload", function (event) {
    if (!kept) { event.preventDefault(); event.returnValue = ""; }
  });
  holder.addEventListener("copied", keep);
  document.querySelector(".tracker-tools").addEventListener("submit", keep);
})();
