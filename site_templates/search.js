// The search page: Pagefind's index, queried in the browser, with filters that combine.
// Without JavaScript the page lists the ways to browse instead (see search.html).
const root = new URL("../", import.meta.url);
const form = document.querySelector("[data-search]");
const input = document.getElementById("search-terms");
const box = document.querySelector(".search-filters-box");
const fieldset = document.querySelector(".search-filters");
const order = document.getElementById("search-sort");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const more = document.querySelector(".search-more");
const suggestion = document.querySelector(".search-suggestion");
const FILTERS = ["kind", "platform", "actor", "topic", "jurisdiction", "year"];
const PAGE = 50; // results loaded at a time: each is a fetch of its own fragment
// Ordering by date is done here, on each result's "when" (2020-05-28, 2020-05, 2020): Pagefind's own
// sort orders each part of the index apart, and the merged list by relevance again.
const SORTS = { newest: -1, oldest: 1 };
const BATCH = 100; // results whose data is fetched at once when ordering by date
// Wide enough for the filters to sit beside each other: open there, folded on a phone so the
// results are not pushed below the first screen.
const WIDE = window.matchMedia("(min-width: 48em)");

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) { element.className = className; }
  return element;
}

// Pagefind escapes the page's text and marks matches with <mark>: rebuild the excerpt from text
// nodes and <mark> elements, so nothing from the page is ever read as markup.
function excerpt(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "excerpt";
  html.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
    const match = part.match(/^<mark>(.*)<\/mark>$/);
    const plain = (match ? match[1] : part).replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    paragraph.appendChild(match ? text("mark", plain) : document.createTextNode(plain));
  });
  return paragraph;
}

function resultItem(data) {
  const item = document.createElement("li");
  const title = document.createElement("h2");
  title.className = "result-title";
  title.dir = "auto";
  const link = text("a", data.meta.title || data.url);
  link.href = data.url;
  title.appendChild(link);
  item.append(title, text("p", [data.meta.date, data.meta.kind, data.meta.source].filter(Boolean).join(" · "), "meta"), excerpt(data.excerpt));
  return item;
}

// Edits (insertions, deletions, substitutions) between two words: how far a typo is from a name.
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

// Pagefind has no typo tolerance: for terms that find nothing, the name of an actor, platform,
// topic... (or a word of one) closest to them, if it is near enough to be the word meant.
function closest(terms, names) {
  const wanted = terms.toLowerCase();
  let best = null;
  let bestDistance = Infinity;
  names.forEach((name) => {
    const d = distance(wanted, name.toLowerCase());
    if (d < bestDistance) { best = name; bestDistance = d; }
  });
  return bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(wanted.length / 3)) ? best : null;
}

function found(count) {
  return count === 0 ? "No entries found" : count === 1 ? "1 entry found" : count + " entries found";
}

async function start() {
  // The index is in parts, one per half-year; the first is loaded and the others merged into it.
  const parts = await (await fetch(new URL("pagefind/parts.json", root))).json();
  const pagefind = await import(new URL(`pagefind/${parts[0]}/pagefind.js`, root).href);
  await pagefind.options({ baseUrl: root.pathname });
  for (const part of parts.slice(1)) {
    await pagefind.mergeIndex(new URL(`pagefind/${part}/`, root).href, { baseUrl: root.pathname });
  }
  const available = await pagefind.filters();
  FILTERS.filter((name) => available[name] && Object.keys(available[name]).length).forEach((name) => {
    const id = "filter-" + name;
    const label = text("label", name.charAt(0).toUpperCase() + name.slice(1));
    label.htmlFor = id;
    const select = document.createElement("select");
    select.id = id;
    select.name = name;
    select.appendChild(new Option("any", ""));
    Object.keys(available[name]).sort().forEach((value) => select.appendChild(new Option(value, value)));
    select.addEventListener("change", run);
    const row = document.createElement("div");
    row.className = "filter";
    row.append(label, select);
    fieldset.appendChild(row);
  });
  const selects = [...fieldset.querySelectorAll("select")];
  const names = new Set();
  FILTERS.filter((name) => name !== "year" && available[name]).forEach((name) => {
    Object.keys(available[name]).forEach((value) => {
      names.add(value);
      value.split(/\s+/).map((word) => word.replace(/[^\p{L}\p{N}-]/gu, ""))
        .filter((word) => word.length > 2).forEach((word) => names.add(word));
    });
  });
  fieldset.hidden = box.hidden = selects.length === 0;
  order.addEventListener("change", run);

  let results = []; // of the current search, in the order shown
  let shown = 0;
  let latest = 0; // the search whose results are shown; an earlier one still loading is dropped

  async function showMore() {
    const next = results.slice(shown, shown + PAGE);
    const mine = latest;
    const loaded = await Promise.all(next.map((result) => result.data()));
    if (mine !== latest) { return; }
    list.append(...loaded.map(resultItem));
    shown += next.length;
    more.hidden = shown >= results.length;
    status.textContent = shown < results.length
      ? `${found(results.length)}, showing the first ${shown}` : found(results.length);
  }

  async function run(event) {
    if (event) { event.preventDefault(); }
    const filters = {};
    selects.forEach((select) => { if (select.value) { filters[select.name] = select.value; } });
    const terms = input.value.trim();
    // The address holds the search, so it can be shared, bookmarked and gone back to.
    const query = new URLSearchParams();
    if (terms) { query.set("q", terms); }
    Object.entries(filters).forEach(([name, value]) => query.set(name, value));
    if (order.value) { query.set("sort", order.value); }
    history.replaceState(null, "", query.toString() ? "?" + query.toString() : location.pathname);
    list.replaceChildren();
    latest += 1;
    results = [];
    shown = 0;
    more.hidden = true;
    suggestion.hidden = true;
    if (!terms && Object.keys(filters).length === 0) {
      status.textContent = "";
      return;
    }
    const mine = latest;
    const search = await pagefind.search(terms || null, { filters });
    if (mine !== latest) { return; }
    results = search.results;
    const direction = SORTS[order.value];
    if (direction) {
      status.textContent = `Ordering ${found(results.length)} by date…`;
      const loaded = [];
      for (let start = 0; start < results.length; start += BATCH) {
        loaded.push(...await Promise.all(results.slice(start, start + BATCH).map((result) => result.data())));
      }
      const when = (data) => data.meta.when || "";
      loaded.sort((a, b) => direction * (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
      if (mine !== latest) { return; }
      results = loaded.map((data) => ({ data: async () => data }));
    }
    await showMore();
    const better = results.length === 0 && terms ? closest(terms, names) : null;
    if (better) {
      // A link, so the suggestion is a search of its own: it can be opened, shared, gone back from.
      const address = new URLSearchParams(query);
      address.set("q", better);
      const link = text("a", better);
      link.href = "?" + address.toString();
      suggestion.replaceChildren(document.createTextNode("Did you mean "), link, document.createTextNode("?"));
      suggestion.hidden = false;
    }
  }

  form.addEventListener("submit", run);
  more.addEventListener("click", async () => {
    const first = shown;
    await showMore();
    // Keyboard and screen reader users go on from the first new result, not the top of the page.
    const link = list.children[first]?.querySelector("a");
    if (link) { link.focus(); }
  });
  const given = new URLSearchParams(location.search);
  if (given.get("q")) { input.value = given.get("q"); }
  selects.forEach((select) => { if (given.get(select.name)) { select.value = given.get(select.name); } });
  if (SORTS[given.get("sort")]) { order.value = given.get("sort"); }
  box.open = WIDE.matches || selects.some((select) => select.value);
  form.hidden = false;
  document.querySelector("[data-without-search]").hidden = true;
  if (given.toString()) { await run(); }
}

start().catch((error) => {
  status.textContent = "Search is not available here (" + error.message + "). Browse the timeline instead.";
});
