// The search page: Pagefind's index, queried in the browser, with filters that combine.
// Without JavaScript the page lists the ways to browse instead (see search.html).
const root = new URL("../", import.meta.url);
const form = document.querySelector("[data-search]");
const input = document.getElementById("search-terms");
const fieldset = document.querySelector(".search-filters");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const FILTERS = ["kind", "platform", "actor", "topic", "jurisdiction", "year"];

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) { element.className = className; }
  return element;
}

// Pagefind marks matches with <mark>; rebuild the excerpt from text nodes so nothing else is markup.
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

async function start() {
  // The index is in parts, one per year; the first is loaded and the others merged into it.
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
  fieldset.hidden = fieldset.querySelectorAll("select").length === 0;
  form.hidden = false;
  document.querySelector("[data-without-search]").hidden = true;

  async function run(event) {
    if (event) { event.preventDefault(); }
    const filters = {};
    fieldset.querySelectorAll("select").forEach((select) => {
      if (select.value) { filters[select.name] = select.value; }
    });
    const terms = input.value.trim();
    if (!terms && Object.keys(filters).length === 0) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const search = await pagefind.search(terms || null, { filters });
    const results = await Promise.all(search.results.slice(0, 50).map((result) => result.data()));
    list.replaceChildren(...results.map((data) => {
      const item = document.createElement("li");
      const title = document.createElement("h2");
      title.className = "result-title";
      title.dir = "auto";
      const link = text("a", data.meta.title || data.url);
      link.href = data.url;
      title.appendChild(link);
      item.append(title, text("p", [data.meta.date, data.meta.kind].filter(Boolean).join(" · "), "meta"), excerpt(data.excerpt));
      return item;
    }));
    status.textContent = search.results.length === 1 ? "1 entry found" : search.results.length + " entries found";
    const query = new URLSearchParams(filters);
    if (terms) { query.set("q", terms); }
    history.replaceState(null, "", "?" + query.toString());
  }

  form.addEventListener("submit", run);
  const given = new URLSearchParams(location.search);
  if (given.get("q")) { input.value = given.get("q"); }
  fieldset.querySelectorAll("select").forEach((select) => {
    if (given.get(select.name)) { select.value = given.get(select.name); }
  });
  if (given.toString()) { await run(); }
}

start().catch((error) => {
  status.textContent = "Search is not available here (" + error.message + "). Browse the timeline instead.";
});
