// The tracker code is shown once: a copy button, and a warning before leaving the page until the
// code has been copied or saved.
(function () {
  "use strict";
  var holder = document.querySelector("[data-tracker]");
  if (!holder) { return; }
  var code = holder.querySelector("code").textContent.replace(/\s+/g, " ").trim();
  var kept = false;
  function keep() { kept = true; }
  window.addEventListener("beforeunload", function (event) {
    if (!kept) { event.preventDefault(); event.returnValue = ""; }
  });
  document.querySelector(".tracker-tools").addEventListener("submit", keep);
  if (!navigator.clipboard) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Copy the code";
  var said = document.createElement("span");
  said.setAttribute("role", "status");
  said.className = "muted";
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(code).then(function () {
      keep();
      said.textContent = " Copied. Paste it somewhere you keep.";
    }, function () {
      said.textContent = " Your browser refused to copy: select the code and copy it by hand.";
    });
  });
  holder.appendChild(document.createTextNode(" "));
  holder.appendChild(button);
  holder.appendChild(said);
})();
