// Opened from disk (file://), a browser refuses the search module and Pagefind's index, so the
// page would say search needs JavaScript although it is on: say what does make it work instead.
// Deferred, so the page is parsed when this runs.
if (location.protocol === "file:") {
  const needs = document.querySelector("[data-search-needs]");
  if (needs) {
    needs.textContent = "Search needs the site served over http: run 'timeline serve' (or publish the folder). " +
      "Every entry can also be reached by browsing:";
  }
}
