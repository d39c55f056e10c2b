// Render CSL-JSON items with citeproc-js, the CSL processor inside Zotero and Mendeley.
//
//   node render.js STYLE.csl LOCALE.xml ITEMS.json
//
// Prints a JSON array of strings, one per item in ITEMS.json, in the same order: each item's
// bibliography entry as plain text, or its citation where the style has no bibliography (as
// Bluebook's inline style). Each item is rendered alone (the engine's registry holds only it), as
// the archive renders one citation at a time: no year suffix or repeated-author dash from another.
"use strict";

const fs = require("fs");
const CSL = require("citeproc");

const [stylePath, localePath, itemsPath] = process.argv.slice(2);
if (!itemsPath) {
  process.stderr.write("usage: node render.js STYLE.csl LOCALE.xml ITEMS.json\n");
  process.exit(2);
}
const style = fs.readFileSync(stylePath, "utf8");
const locale = fs.readFileSync(localePath, "utf8");
const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));

const byId = new Map(items.map((item) => [item.id, item]));
const engine = new CSL.Engine(
  {
    retrieveLocale: (lang) => (lang === "en-US" ? locale : false),
    retrieveItem: (id) => byId.get(id),
  },
  style,
  "en-US",
  true, // force the en-US locale, whatever the style's default
);
engine.setOutputFormat("text");

function render(item) {
  engine.updateItems([item.id]); // this item alone: the registry forgets the previous one
  if (engine.bibliography.tokens.length) {
    const [, entries] = engine.makeBibliography();
    return entries.join("").trim();
  }
  return engine.makeCitationCluster([{ id: item.id }]).trim();
}

process.stdout.write(JSON.stringify(items.map(render)) + "\n");
