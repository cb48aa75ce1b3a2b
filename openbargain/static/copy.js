// A "Copy" button beside text a member needs to keep or paste elsewhere ([data-copy]); its words
// come from the page, in the member's language (data-copy holds them).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (holder) {
    var text = holder.querySelector("code").textContent.replace(/\s+/g, " ").trim();
    var words = JSON.parse(holder.getAttribute("data-copy"));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = words.copy;
    var said = document.createElement("span");
    said.setAttribute("role", "status");
    said.className = "muted";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        said.textContent = " " + words.copied;
        holder.dispatchEvent(new CustomEvent("copied", { bubbles: true }));
      }, function () {
        said.textContent = " " + words.refused;
      });
    });
    holder.appendChild(document.createTextNode(" "));
    holder.appendChild(button);
    holder.appendChild(said);
  });
})();
