// Filter chips for the timeline: progressive enhancement of a page that works without them.
// Each chip shows or hides the entry cards of one kind or platform; several chips combine.
(function () {
  "use strict";
  var box = document.querySelector("[data-filters]");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".entry-card"));
  if (!box || cards.length < 2) { return; }
  var chips = box.querySelector(".chips");
  var status = box.querySelector(".filters-status");
  var active = { kind: new Set(), platform: new Set() };

  // A card's kind, or its platforms as a JSON list: any character may be in a name.
  function values(card, field) {
    return field === "kind" ? [card.dataset.kind] : JSON.parse(card.dataset.platforms || "[]");
  }
  function matches(card, field) {
    var wanted = active[field];
    if (wanted.size === 0) { return true; }
    return values(card, field).some(function (value) { return wanted.has(value); });
  }
  function update() {
    var shown = 0;
    cards.forEach(function (card) {
      var visible = matches(card, "kind") && matches(card, "platform");
      card.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll(".entries").forEach(function (list) {
      var heading = list.previousElementSibling;
      var empty = !list.querySelector(".entry-card:not([hidden])");
      if (heading && heading.tagName === "H2" && heading.id) { heading.hidden = empty; }
    });
    status.textContent = shown + " of " + cards.length + " entries shown";
  }
  function addChips(field, label) {
    var seen = new Set();
    cards.forEach(function (card) { values(card, field).forEach(function (v) { seen.add(v); }); });
    if (seen.size < 2) { return; }
    Array.from(seen).sort().forEach(function (value) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.textContent = label + ": " + value;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        if (on) { active[field].add(value); } else { active[field].delete(value); }
        update();
      });
      chips.appendChild(button);
    });
  }
  addChips("kind", "Kind");
  addChips("platform", "Platform");
  if (chips.children.length) { box.hidden = false; }
}());
