// Search page: Pagefind's JS API behind a plain GET form.
//
// The form works without this script (?q=, ?topic=, ?year=, ?sort= in the URL);
// the script loads the index from the URL in #search[data-pagefind] (it carries
// the site's base path), runs the search the URL asks for, searches as the
// reader types, and keeps the URL in step so a search can be bookmarked.
// Excerpts are rebuilt as text plus <mark>, never inserted as HTML.

const PAGE = 20;
const root = document.getElementById("search");
const form = root.querySelector("form");
const input = root.querySelector("#q");
const refine = root.querySelector(".search-refine");
const topic = root.querySelector("#search-topic");
const year = root.querySelector("#search-year");
const sort = root.querySelector("#search-sort");
const status = root.querySelector("#search-status");
const list = root.querySelector("#search-results");
const more = root.querySelector("#search-more");

let pagefind = null;
let results = [];
let shown = 0;
let generation = 0;

function say(text) {
  status.textContent = text;
}

function fromUrl() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  return params;
}

function toUrl() {
  const params = new URLSearchParams();
  for (const [name, field] of [["q", input], ["topic", topic], ["year", year], ["sort", sort]]) {
    const value = field.value.trim();
    if (value) params.set(name, value);
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

function option(select, value, label) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  select.append(element);
}

async function fillFilters(params) {
  const filters = await pagefind.filters();
  const topics = Object.entries(filters.topic || {}).sort(([a], [b]) => a.localeCompare(b));
  for (const [name, count] of topics) option(topic, name, `${name} (${count})`);
  const years = Object.entries(filters.year || {}).sort(([a], [b]) => b.localeCompare(a));
  for (const [name, count] of years) option(year, name, `${name} (${count})`);
  for (const [name, select] of [["topic", topic], ["year", year], ["sort", sort]]) {
    const wanted = params.get(name);
    if (wanted && [...select.options].some((item) => item.value === wanted)) select.value = wanted;
  }
  refine.hidden = false;
}

// Pagefind's excerpt is text with <mark> around the matched words. Parse it in an
// inert document and copy only text and <mark>, so no markup from an entry can run.
function excerpt(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "search-result-excerpt";
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(heading);
  if (data.meta.day) {
    const day = document.createElement("p");
    day.className = "search-result-day";
    day.textContent = data.meta.day;
    li.append(day);
  }
  li.append(excerpt(data.excerpt || ""));
  const topics = (data.filters && data.filters.topic) || [];
  if (topics.length) {
    const chips = document.createElement("p");
    chips.className = "search-result-topics";
    chips.textContent = topics.join(" · ");
    li.append(chips);
  }
  return li;
}

async function showMore() {
  const mine = generation;
  const batch = await Promise.all(results.slice(shown, shown + PAGE).map((result) => result.data()));
  if (mine !== generation) return;
  list.append(...batch.map(item));
  shown += batch.length;
  more.hidden = shown >= results.length;
}

async function run(debounce) {
  toUrl();
  const term = input.value.trim();
  const filters = {};
  if (topic.value) filters.topic = topic.value;
  if (year.value) filters.year = year.value;
  const options = { filters };
  // Without words there is no relevance: browsing a topic or year lists the newest first.
  const order = sort.value || (term ? "" : "desc");
  if (order) options.sort = { date: order };
  const mine = ++generation;
  if (!term && !topic.value && !year.value) {
    list.replaceChildren();
    more.hidden = true;
    say("Type words to search every entry, or choose a topic or a year.");
    return;
  }
  const search = debounce
    ? await pagefind.debouncedSearch(term || null, options, 250)
    : await pagefind.search(term || null, options);
  if (search === null || mine !== generation) return;
  results = search.results;
  shown = 0;
  list.replaceChildren();
  await showMore();
  if (mine !== generation) return;
  const what = term ? ` for “${term}”` : "";
  say(results.length ? `${results.length} ${results.length === 1 ? "entry" : "entries"} found${what}.` : `No entries found${what}.`);
}

// The index's entry file says whether there is an index at all, and whether it has
// any pages: Pagefind itself throws asynchronously (and never settles) on an empty one.
async function indexState() {
  const url = new URL("pagefind-entry.json", new URL(root.dataset.pagefind, window.location.href));
  try {
    const response = await fetch(url);
    if (!response.ok) return "missing";
    const entry = await response.json();
    return Object.keys(entry.languages || {}).length ? "ready" : "empty";
  } catch (error) {
    return "missing";
  }
}

async function start() {
  const params = fromUrl();
  say("Loading the search index…");
  const state = await indexState();
  if (state === "empty") {
    say("There are no entries to search yet.");
    return;
  }
  try {
    if (state !== "ready") throw new Error("no index");
    pagefind = await import(root.dataset.pagefind);
    await pagefind.options({ excerptLength: 30 });
    await pagefind.init();
  } catch (error) {
    pagefind = null;
    say("Search is not available: this copy of the archive was built without its search index. Browse the latest days, the archives or the topics instead.");
    root.classList.add("search-unavailable");
    return;
  }
  await fillFilters(params);
  const guarded = (debounce) => run(debounce).catch((error) => say(`Search failed: ${error.message || error}`));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(false);
  });
  input.addEventListener("input", () => guarded(true));
  for (const select of [topic, year, sort]) select.addEventListener("change", () => guarded(false));
  more.addEventListener("click", () => showMore().catch((error) => say(`Search failed: ${error.message || error}`)));
  await guarded(false);
}

start();
