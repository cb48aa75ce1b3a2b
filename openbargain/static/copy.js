// A "Copy" button beside text a member needs to keep or paste elsewhere ([data-copy]).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (holder) {
    var text = holder.querySelector("code").textContent.replace(/\s+/g, " ").trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Copy";
    var said = document.createElement("span");
    said.setAttribute("role", "status");
    said.className = "muted";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        said.textContent = " Copied.";
        holder.dispatchEvent(new CustomEvent("copied", { bubbles: true }));
      }, function () {
        said.textContent = " Your browser refused to copy: select the text and copy it by hand.";
      });
    });
    holder.appendChild(document.createTextNode(" "));
    holder.appendChild(button);
    holder.appendChild(said);
  });
})();
