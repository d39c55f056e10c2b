// Adds a "Copy" button to each ready citation. Without JavaScript the citations are plain,
// selectable text, so nothing depends on this file.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll(".citations li").forEach(function (item) {
    var text = item.querySelector(".citation");
    if (!text) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + item.querySelector(".style-name").textContent.replace(":", "") + " citation");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text.textContent.trim()).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
    });
    item.appendChild(document.createTextNode(" "));
    item.appendChild(button);
  });
}());
