// The entries on a scale of time: the dated list below stays the page (complete without JavaScript);
// this draws it so that the distance between two entries is the time between them.
// "page" mode draws the cards listed on the page (facet and thread pages). "archive" mode (home,
// timeline and year pages) draws the whole archive and fetches only what the period on screen needs:
// timeline/timescale.json (the archive's span and each month's count) and timeline/<year>/timescale.json
// for the years in view. Opened from disk, where pages cannot fetch, it draws the page's own cards.
(function () {
  "use strict";
  var box = document.querySelector("section.timescale[data-timescale]");
  if (!box) { return; }
  var DAY = 86400000;
  var YEAR = 365.2425 * DAY;
  var ZOOM = 3;          // a zoom step shows a third of the time, or three times as much
  var MIN_SPAN = 10 * DAY;
  var DENSE = +box.dataset.dense;  // entries in view past which it shows counts, not entries,
  var DENSE_SPAN = 92 * DAY;  // ... unless it shows three months or less (one or two years' files)
  var LANE = 44;         // px: a mark and a line of title
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var view = box.querySelector(".timescale-view");
  var itemsBox = box.querySelector(".timescale-items");
  var axis = box.querySelector(".timescale-axis");
  var status = box.querySelector(".timescale-status");
  var strip = box.querySelector(".timescale-overview");
  var archive = box.dataset.timescale === "archive" && location.protocol !== "file:";
  var state = { from: 0, to: 0, first: 0, last: 0, widest: 0 };
  var entries = [];      // what is known: the page's cards, or the years fetched so far
  var months = null;     // archive mode: [[ms of the month's first day, count], ...]
  var listed = {};       // archive mode: the years that have a file
  var years = {};        // archive mode: year -> its file's fetch
  var seen = {};         // archive mode: the slugs drawn
  var drawing = 0;

  function day(text) {
    var p = text.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }
  function dayText(ms, withYear) {
    var d = new Date(ms);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + (withYear === false ? "" : " " + d.getUTCFullYear());
  }
  function monthStart(ms, add) {
    var d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (add || 0), 1);
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  function countEntries(n) { return plural(n, "entry", "entries"); }

  // An entry: its first day and the day after its last (so a day is DAY long), as recorded and shown.
  function entry(start, end, edtf, when, title, href, kind) {
    return { start: day(start), end: day(end) + DAY, edtf: edtf, when: when, title: title, href: href, kind: kind,
      period: edtf.indexOf("/") >= 0 || start !== end, approximate: edtf.indexOf("~") >= 0 };
  }
  function pageEntries() {
    var cards = document.querySelectorAll(".entry-card[data-start]");
    return Array.prototype.filter.call(cards, function (card) { return !card.hidden; }).map(function (card) {
      var link = card.querySelector(".entry-title a");
      var time = card.querySelector("time");
      var kind = card.querySelector(".kind");
      return entry(card.dataset.start, card.dataset.end, card.dataset.date, time ? time.textContent : "",
        link.textContent, link.getAttribute("href"), kind ? kind.textContent : "");
    }).sort(function (a, b) { return a.start - b.start; });  // a listing may be newest first
  }

  // Archive mode's data ------------------------------------------------------------------------
  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  function countIn(from, to) {
    if (!months) { return inView().length; }
    var n = 0;
    months.forEach(function (m) { if (m[0] < to && monthStart(m[0], 1) > from) { n += m[1]; } });
    return n;
  }
  // A year's file, fetched once (a failed fetch leaves the year out, as if it had no entry).
  function request(y) {
    if (!years[y]) {
      years[y] = fetchJson(box.dataset.yearFile.replace("9999", String(y).padStart(4, "0"))).then(function (data) {
        // An entry spanning years is in each year's file: it is drawn once.
        data.entries.forEach(function (p) {
          if (!seen[p[5]]) {
            seen[p[5]] = true;
            entries.push(entry(p[0], p[1], p[2], p[3], p[4], box.dataset.entry.replace("SLUG", p[5]), p[6]));
          }
        });
        entries.sort(function (a, b) { return a.start - b.start; });
      }, function () {});
    }
    return years[y];
  }
  function loadYears(from, to) {
    var wanted = [];
    for (var y = new Date(from).getUTCFullYear(); y <= new Date(to - 1).getUTCFullYear(); y += 1) {
      if (listed[y]) { wanted.push(request(y)); }
    }
    return Promise.all(wanted);
  }

  // Drawing ---------------------------------------------------------------------------------------
  function inView() {
    return entries.filter(function (e) { return e.end > state.from && e.start < state.to; });
  }
  function scale() {
    var k = view.clientWidth / (state.to - state.from);
    return function (ms) { return (ms - state.from) * k; };
  }
  function draw() {
    var token = ++drawing;
    var dense = countIn(state.from, state.to) > DENSE && state.to - state.from > DENSE_SPAN;
    var ready = archive && !dense ? loadYears(state.from, state.to) : Promise.resolve();
    return ready.then(function () {
      if (token !== drawing) { return; }
      var x = scale();
      itemsBox.textContent = "";
      drawAxis(x);
      var count = dense ? countIn(state.from, state.to) : drawEntries(inView(), x);
      if (dense) { drawCounts(x); }
      drawStrip();
      status.textContent = dayText(state.from) + " to " + dayText(state.to - DAY) + ": " + countEntries(count) +
        (dense ? ", too many to show one by one: counted by " + (countUnit(x) === "year" ? "year" : "month") : "");
      box.dataset.ready = "true";
      if (!box.dataset.firstDrawn) { box.dataset.firstDrawn = String(Math.round(performance.now())); }
    });
  }

  function drawEntries(list, x) {
    var width = view.clientWidth;
    var deepest = state.to - state.from <= MIN_SPAN * 1.01;
    var lanes = deepest ? list.length : width < 480 ? 4 : 5;
    var labelWidth = Math.min(Math.max(width * 0.28, 120), 200);
    var ends = [];
    var over = [];
    list.forEach(function (e) {
      var left = x(e.start);
      var markWidth = Math.max(x(e.end) - left, 4);
      // A title starts with its mark, but inside the view: near the right edge it ends at the edge.
      var from = Math.max(Math.min(left, width - labelWidth), 0);
      var lane = 0;
      while (lane < lanes && ends[lane] !== undefined && ends[lane] > from) { lane += 1; }
      if (lane >= lanes) { over.push(e); return; }
      ends[lane] = Math.max(left + markWidth, from + labelWidth) + 8;
      var link = el("a", "ts-entry" + (e.period ? " ts-period" : "") + (e.approximate ? " ts-approximate" : ""));
      link.href = e.href;
      link.dir = "auto";  // a title in Arabic or Hebrew runs right to left, as it does in the list
      link.dataset.start = new Date(e.start).toISOString().slice(0, 10);
      link.setAttribute("aria-label", e.title + ", " + e.when + (e.kind ? ", " + e.kind : ""));
      link.title = e.when;
      link.style.top = lane * LANE + "px";
      link.style.left = left + "px";
      link.style.width = Math.max(markWidth, from - left + labelWidth) + "px";
      var mark = el("span", "ts-mark");
      mark.style.width = markWidth + "px";
      var label = el("span", "ts-label", e.title);  // its direction is the link's (dir=auto skips a child's own)
      label.style.left = from - left + "px";
      label.style.maxWidth = labelWidth + "px";
      link.appendChild(mark);
      link.appendChild(label);
      itemsBox.appendChild(link);
    });
    var used = Math.max(ends.length, 1);
    drawOverflow(over, x, used);
    itemsBox.style.height = (used + (over.length ? 1 : 0)) * LANE + "px";
    return list.length;
  }

  // Entries with no room in any lane are counted where they are; choosing a count zooms in on them.
  function drawOverflow(over, x, lane) {
    var groups = [];
    over.forEach(function (e) {
      var last = groups[groups.length - 1];
      if (last && x(e.start) - x(last.start) < 56) {
        last.count += 1;
        last.end = Math.max(last.end, e.end);
      } else {
        groups.push({ start: e.start, end: e.end, count: 1 });
      }
    });
    groups.forEach(function (g) {
      var button = el("button", "ts-more", "+" + g.count);
      button.type = "button";
      button.setAttribute("aria-label", plural(g.count, "more entry", "more entries") +
        " from " + dayText(g.start) + " to " + dayText(g.end - DAY) + ": zoom in");
      button.style.top = lane * LANE + "px";
      button.style.left = Math.min(Math.max(x(g.start), 0), view.clientWidth - 48) + "px";
      button.addEventListener("click", function () { show(g.start, g.end); });
      itemsBox.appendChild(button);
    });
  }

  function countUnit(x) { return x(Date.UTC(2001, 1, 1)) - x(Date.UTC(2001, 0, 1)) >= 10 ? "month" : "year"; }
  function buckets(unit) {
    var counts = {};
    if (months) {
      months.forEach(function (m) {
        var key = unit === "year" ? Date.UTC(new Date(m[0]).getUTCFullYear(), 0, 1) : m[0];
        counts[key] = (counts[key] || 0) + m[1];
      });
    } else {
      entries.forEach(function (e) {
        var d = new Date(e.start);
        var key = unit === "year" ? Date.UTC(d.getUTCFullYear(), 0, 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
        counts[key] = (counts[key] || 0) + 1;
      });
    }
    return Object.keys(counts).map(function (k) { return [+k, counts[k]]; });
  }
  // A period too dense to list: a bar for each month (or year) with its count; choosing one shows it.
  function drawCounts(x) {
    var unit = countUnit(x);
    var list = buckets(unit).filter(function (b) { return b[0] < state.to && next(b[0], unit) > state.from; });
    var most = Math.max.apply(null, list.map(function (b) { return b[1]; }).concat([1]));
    var height = 4 * LANE;
    list.forEach(function (b) {
      var end = next(b[0], unit);
      var left = x(b[0]);
      var d = new Date(b[0]);
      var name = unit === "year" ? String(d.getUTCFullYear()) : MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
      var bar = el("button", "ts-count");
      bar.type = "button";
      bar.setAttribute("aria-label", name + ": " + countEntries(b[1]) + ". Show them");
      bar.style.left = left + "px";
      bar.style.width = Math.max(x(end) - left - 1, 3) + "px";
      bar.style.height = Math.max(height * b[1] / most, 6) + "px";
      if (x(end) - left >= 22) { bar.appendChild(el("span", "ts-count-number", String(b[1]))); }
      bar.addEventListener("click", function () { show(b[0], end); });
      itemsBox.appendChild(bar);
    });
    itemsBox.style.height = height + LANE / 2 + "px";
  }
  function next(ms, unit) {
    var d = new Date(ms);
    return unit === "year" ? Date.UTC(d.getUTCFullYear() + 1, 0, 1) : monthStart(ms, 1);
  }

  // The axis: the finest of these units whose ticks stand at least 64 px apart.
  var UNITS = [
    { days: 1 }, { days: 7 }, { months: 1 }, { months: 3 }, { months: 6 },
    { years: 1 }, { years: 2 }, { years: 5 }, { years: 10 }, { years: 20 }, { years: 50 }, { years: 100 }
  ];
  function unitLength(u) { return u.days ? u.days * DAY : u.months ? u.months * YEAR / 12 : u.years * YEAR; }
  function drawAxis(x) {
    axis.textContent = "";
    var width = view.clientWidth;
    var span = state.to - state.from;
    var unit = UNITS.filter(function (u) { return width * unitLength(u) / span >= 64; })[0] || UNITS[UNITS.length - 1];
    var d = new Date(state.from);
    var t;
    if (unit.days) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    } else if (unit.months) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - d.getUTCMonth() % unit.months, 1);
    } else {
      t = Date.UTC(d.getUTCFullYear() - d.getUTCFullYear() % unit.years, 0, 1);
    }
    for (var first = true; t < state.to; first = false) {
      if (t >= state.from) {
        var tick = el("span", "ts-tick", tickLabel(t, unit, first));
        tick.style.left = x(t) + "px";
        axis.appendChild(tick);
      }
      var n = new Date(t);
      t = unit.days ? t + unit.days * DAY : unit.months ? Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + unit.months, 1)
        : Date.UTC(n.getUTCFullYear() + unit.years, 0, 1);
    }
  }
  function tickLabel(t, unit, first) {
    var d = new Date(t);
    if (unit.years) { return String(d.getUTCFullYear()); }
    if (unit.months) {
      var month = MONTHS[d.getUTCMonth()].slice(0, 3);
      return d.getUTCMonth() === 0 || first ? month + " " + d.getUTCFullYear() : month;
    }
    return dayText(t, first || (d.getUTCMonth() === 0 && d.getUTCDate() <= unit.days));
  }

  // The overview strip: every year of the archive, its height its count; the years in view marked.
  function drawStrip() {
    strip.textContent = "";
    var counts = {};
    buckets("year").forEach(function (b) { counts[new Date(b[0]).getUTCFullYear()] = b[1]; });
    var first = new Date(state.first).getUTCFullYear();
    var last = new Date(state.last - 1).getUTCFullYear();
    var step = last - first >= 80 ? 10 : 1;  // a century or more: decades
    first -= first % step;
    var spanYears = last - first + 1;
    var most = 1;
    var groups = [];
    for (var y = first; y <= last; y += step) {
      var n = 0;
      for (var i = 0; i < step; i += 1) { n += counts[y + i] || 0; }
      most = Math.max(most, n);
      groups.push([y, n]);
    }
    groups.forEach(function (g) {
      var from = Date.UTC(g[0], 0, 1);
      var to = Date.UTC(g[0] + step, 0, 1);
      var name = step === 1 ? String(g[0]) : g[0] + "s";
      var button = el("button", "ts-year");
      button.type = "button";
      button.setAttribute("aria-label", name + ": " + countEntries(g[1]));
      if (from < state.to && to > state.from) { button.setAttribute("aria-current", "true"); }
      button.style.left = (g[0] - first) / spanYears * 100 + "%";
      button.style.width = step / spanYears * 100 + "%";
      var bar = el("span", "ts-year-bar");
      bar.style.height = (g[1] ? Math.max(g[1] / most * 100, 12) : 0) + "%";
      button.appendChild(bar);
      if (groups.length <= 12 || g === groups[0] || g === groups[groups.length - 1]) {
        button.appendChild(el("span", "ts-year-name", name));
      }
      button.addEventListener("click", function () { show(from, to); });
      strip.appendChild(button);
    });
  }

  // Moving and zooming ------------------------------------------------------------------------------
  function show(from, to) {
    var span = Math.max(to - from, MIN_SPAN);
    span = Math.min(span, state.widest);
    var middle = (from + to) / 2;
    // Some of the archive stays in view: the scale never moves wholly past its first or last entry;
    // a view as long as the archive or longer shows all of it.
    var low = state.first - span * 0.4;
    var high = state.last + span * 0.4;
    if (span >= state.last - state.first) {
      low = state.last - span / 2;
      high = state.first + span / 2;
    }
    middle = Math.min(Math.max(middle, low), high);
    state.from = middle - span / 2;
    state.to = middle + span / 2;
    draw();
  }
  function zoom(factor) { show((state.from + state.to) / 2 - (state.to - state.from) * factor / 2, (state.from + state.to) / 2 + (state.to - state.from) * factor / 2); }
  function move(fraction) {
    var by = (state.to - state.from) * fraction;
    show(state.from + by, state.to + by);
  }
  var actions = {
    "earlier": function () { move(-0.5); }, "later": function () { move(0.5); },
    "zoom-in": function () { zoom(1 / ZOOM); }, "zoom-out": function () { zoom(ZOOM); }
  };
  box.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", actions[button.dataset.action]);
  });
  view.addEventListener("keydown", function (event) {
    var keys = {
      "ArrowLeft": function () { move(-0.25); }, "ArrowRight": function () { move(0.25); },
      "+": actions["zoom-in"], "=": actions["zoom-in"], "-": actions["zoom-out"], "_": actions["zoom-out"],
      "Home": function () { show(state.first, state.first + (state.to - state.from)); },
      "End": function () { show(state.last - (state.to - state.from), state.last); }
    };
    if (event.target === view && keys[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      keys[event.key]();
    }
  });
  // Dragging the scale moves it; a drag that began on an entry does not follow its link.
  var drag = null;
  view.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, from: state.from, to: state.to, moved: false };
  });
  view.addEventListener("pointermove", function (event) {
    if (!drag || Math.abs(event.clientX - drag.x) < 5 && !drag.moved) { return; }
    drag.moved = true;
    var by = (drag.x - event.clientX) * (drag.to - drag.from) / view.clientWidth;
    show(drag.from + by, drag.to + by);
  });
  view.addEventListener("click", function (event) { if (drag && drag.moved) { event.preventDefault(); } drag = null; }, true);
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    view.addEventListener(name, function () { if (drag && !drag.moved) { drag = null; } });
  });
  var resizing = false;
  window.addEventListener("resize", function () {
    if (resizing) { return; }
    resizing = true;
    requestAnimationFrame(function () { resizing = false; draw(); });
  });

  // Starting ----------------------------------------------------------------------------------------
  function start(first, last) {
    state.first = first;
    state.last = last;
    var from = box.dataset.from ? day(box.dataset.from) : first;
    var to = box.dataset.to ? day(box.dataset.to) + DAY : last;
    var pad = Math.max((to - from) * 0.04, DAY);
    state.widest = Math.max((last - first) * 1.2, to - from + 2 * pad, MIN_SPAN);
    box.hidden = false;
    show(from - pad, to + pad);
  }
  function startWithPage() {
    archive = false;
    months = null;
    entries = pageEntries();
    if (!entries.length) { return; }
    start(Math.min.apply(null, entries.map(function (e) { return e.start; })),
      Math.max.apply(null, entries.map(function (e) { return e.end; })));
    // The filter chips hide cards: the scale shows what the list shows.
    var list = document.querySelector("main");
    if (list && window.MutationObserver) {
      new MutationObserver(function () { entries = pageEntries(); draw(); })
        .observe(list, { attributes: true, subtree: true, attributeFilter: ["hidden"] });
    }
  }
  if (!archive) {
    startWithPage();
    return;
  }
  // The years of the first screen are fetched with the overview, not after it.
  (box.dataset.years || "").split(" ").filter(Boolean).forEach(function (y) { request(+y); });
  fetchJson(box.dataset.overview).then(function (data) {
    if (!data.first) { return; }
    months = data.months.map(function (m) { return [day(m[0] + "-01"), m[1]]; });
    data.years.forEach(function (y) { listed[y] = true; });
    start(day(data.first), day(data.last) + DAY);
  }).catch(startWithPage);
}());
