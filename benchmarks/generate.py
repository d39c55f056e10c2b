"""A realistic synthetic archive: N entries as JSON Lines (the import format), and the same
entries as a Hugo site, so both tools build the same content.

Entries have multi-paragraph summaries, 1-4 sources, 1-5 actors drawn from a pool with a
long tail, platforms, topics, jurisdictions and relations to earlier entries. The random
generator is seeded: the same N gives the same archive.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

WORDS = (
    "platform policy moderation label account suspension takedown order court ruling statement "
    "regulator speech election misinformation transparency appeal algorithm removal network "
    "coordinated inauthentic behaviour government request data privacy encryption liability "
    "hearing investigation lawsuit injunction content creator advertiser journalist researcher"
).split()
KINDS = (
    "statement",
    "takedown",
    "suspension",
    "label",
    "policy-change",
    "lawsuit",
    "court-ruling",
    "legislation",
    "regulation",
    "hearing",
    "investigation",
    "legal-demand",
    "executive-order",
)
PLATFORMS = ("Twitter", "Facebook", "YouTube", "TikTok", "Instagram", "Reddit", "Telegram", "WhatsApp")
ROLES = ("issuer", "target", "author", "plaintiff", "defendant", "subject", "commentator")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))


def entries(count: int, seed: int = 2020) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    # A long tail: a few actors appear everywhere, most appear once or twice.
    actors = [f"Actor {i:05d}" for i in range(max(50, count // 4))]
    weights = [1 / (rank + 1) for rank in range(len(actors))]
    topics = [f"Topic {i:03d}" for i in range(60)]
    places = [f"Jurisdiction {i:02d}" for i in range(40)]
    made: list[dict[str, Any]] = []
    for number in range(count):
        year = 2000 + rng.randrange(26)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice(
            [f"{year}-{month:02d}-{day:02d}"] * 6 + [f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}~"]
        )
        chosen = sorted(set(rng.choices(range(len(actors)), weights=weights, k=rng.randint(1, 5))))
        entry: dict[str, Any] = {
            "title": f"{_sentence(rng, rng.randint(5, 9))[:-1]} (no. {number})",
            "kind": rng.choice(KINDS),
            "date": date,
            "summary": "\n\n".join(_paragraph(rng) for _ in range(rng.randint(2, 3))),
            "actors": [{"name": actors[i], "role": rng.choice(ROLES)} for i in chosen],
            "platforms": rng.sample(PLATFORMS, rng.randint(1, 3)),
            "topics": rng.sample(topics, rng.randint(1, 3)),
            "jurisdictions": rng.sample(places, rng.randint(1, 2)),
            "sources": [
                {
                    "title": _sentence(rng, rng.randint(5, 10))[:-1],
                    "publisher": f"Publisher {rng.randrange(300):03d}",
                    "date": date.rstrip("~"),
                    "url": f"https://news{rng.randrange(300)}.example/{number}/{s}",
                    "accessed": "2026-11-01",
                }
                for s in range(rng.randint(1, 4))
            ],
            "slug": f"{date[:10].rstrip('~')}-entry-{number}",
            "relations": [],
        }
        if made and rng.random() < 0.2:
            target = rng.choice(made[-200:])
            entry["relations"] = [{"type": rng.choice(["responds-to", "follows", "related"]), "target": target["slug"]}]
        made.append(entry)
    return made


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _front_matter(entry: dict[str, Any]) -> str:
    data = {
        "title": entry["title"],
        "date": entry["date"].rstrip("~")[:10] if len(entry["date"].rstrip("~")) >= 10 else entry["date"][:7] + "-01",
        "kind": entry["kind"],
        "actors": [a["name"] for a in entry["actors"]],
        "platforms": entry["platforms"],
        "topics": entry["topics"],
        "sources": entry["sources"],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


HUGO_CONFIG = """baseURL = "https://example.org/timeline/"
title = "Benchmark timeline"
disableKinds = ["RSS"]
paginate = 100
[taxonomies]
  actor = "actors"
  platform = "platforms"
  topic = "topics"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head><body><header><nav><a href="{{ "" | relURL }}">Timeline</a>
<a href="{{ "actors/" | relURL }}">Actors</a> <a href="{{ "platforms/" | relURL }}">Platforms</a>
<a href="{{ "topics/" | relURL }}">Topics</a></nav></header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }} · {{ .Params.kind }}</p>
<ul>{{ range .Params.actors }}<li><a href="{{ (printf "actors/%s/" (urlize .)) | relURL }}">{{ . }}</a></li>{{ end }}</ul>
<ul>{{ range .Params.platforms }}<li><a href="{{ (printf "platforms/%s/" (urlize .)) | relURL }}">{{ . }}</a></li>{{ end }}</ul>
<ul>{{ range .Params.topics }}<li><a href="{{ (printf "topics/%s/" (urlize .)) | relURL }}">{{ . }}</a></li>{{ end }}</ul>
{{ .Content }}<h2>Sources</h2><ol>{{ range .Params.sources }}<li>{{ .publisher }}, <a href="{{ .url }}">{{ .title }}</a>, {{ .date }}</li>{{ end }}</ol>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Paginator.Pages }}<li>{{ .Date.Format "2006-01-02" }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.kind }}</li>{{ end }}</ol>
{{ with .Paginator.Next }}<a href="{{ .URL }}">Next</a>{{ end }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1><ol>{{ range first 20 .Site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
""",
}


def write_hugo_site(rows: list[dict[str, Any]], folder: Path) -> None:
    """The same entries as Hugo content (JSON front matter, taxonomies) with comparable layouts."""
    (folder / "content" / "events").mkdir(parents=True, exist_ok=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "static").mkdir(exist_ok=True)
    (folder / "static" / "style.css").write_text("body { font-family: serif; }\n", encoding="utf-8")
    for entry in rows:
        text = _front_matter(entry) + "\n\n" + entry["summary"] + "\n"
        (folder / "content" / "events" / f"{entry['slug']}.md").write_text(text, encoding="utf-8")
