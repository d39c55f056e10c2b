// Filter chips for the timeline: progressive enhancement of a page that works without them.
// Each chip shows or hides the entry cards of one kind or platform on this page; chips of one
// field add up, the two fields narrow each other. The chips pressed are kept in the address
// (?kind=executive-order&platform=Twitter), so a filtered page can be shared and reloaded.
(function () {
  "use strict";
  var box = document.querySelector("[data-filters]");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".entry-card"));
  if (!box || cards.length < 2) { return; }
  var chips = box.querySelector(".chips");
  var status = box.querySelector(".filters-status");
  var clear = box.querySelector(".filters-clear");
  var empty = box.querySelector(".filters-empty");
  var FIELDS = { kind: "Kind", platform: "Platform" };
  var active = { kind: new Set(), platform: new Set() };
  var buttons = [];

  // A card's values: its kind's key (as the address has it), or its platforms' names as a JSON
  // list (any character may be in a name).
  function values(card, field) {
    return field === "kind" ? [card.dataset.kindKey] : JSON.parse(card.dataset.platforms || "[]");
  }
  // What a chip says: a kind's label, a platform's name.
  function labelOf(field, value) {
    if (field !== "kind") { return value; }
    var card = cards.find(function (c) { return c.dataset.kindKey === value; });
    return card ? card.dataset.kind : value;
  }
  function matches(card, field) {
    var wanted = active[field];
    if (wanted.size === 0) { return true; }
    return values(card, field).some(function (value) { return wanted.has(value); });
  }
  function remember() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(FIELDS).forEach(function (field) {
      params.delete(field);
      Array.from(active[field]).sort().forEach(function (value) { params.append(field, value); });
    });
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    } catch (error) { /* a page opened from disk may refuse: the filters still work */ }
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
      var none = !list.querySelector(".entry-card:not([hidden])");
      if (heading && heading.tagName === "H2" && heading.id) { heading.hidden = none; }
    });
    buttons.forEach(function (button) {
      var on = active[button.dataset.field].has(button.dataset.value);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var filtering = active.kind.size + active.platform.size > 0;
    clear.hidden = !filtering;
    empty.hidden = shown > 0;
    status.textContent = shown + " of " + cards.length + " entries shown";
    remember();
  }
  function addChips(field) {
    var seen = new Set();
    cards.forEach(function (card) { values(card, field).forEach(function (v) { seen.add(v); }); });
    if (seen.size < 2) { return; }
    Array.from(seen).sort().forEach(function (value) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.textContent = FIELDS[field] + ": " + labelOf(field, value);
      button.dataset.field = field;
      button.dataset.value = value;
      button.addEventListener("click", function () {
        if (active[field].has(value)) { active[field].delete(value); } else { active[field].add(value); }
        update();
      });
      chips.appendChild(button);
      buttons.push(button);
    });
  }
  Object.keys(FIELDS).forEach(addChips);
  if (!buttons.length) { return; }
  // The chips the address names, of those this page has.
  var params = new URLSearchParams(window.location.search);
  buttons.forEach(function (button) {
    if (params.getAll(button.dataset.field).indexOf(button.dataset.value) !== -1) {
      active[button.dataset.field].add(button.dataset.value);
    }
  });
  clear.addEventListener("click", function () {
    active.kind.clear();
    active.platform.clear();
    update();
    buttons[0].focus();  // the clear button hides itself: the focus goes back to the chips
  });
  box.hidden = false;
  update();
}());
