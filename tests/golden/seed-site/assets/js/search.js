/* Trial search in the browser, over the files ssg writes beside the search page.
 *
 * Nothing is downloaded until search is used (the box gets focus or input, or the URL already
 * holds a query or filters). Then: index.json (lunr index of titles), names.json (lunr index of
 * distinct condition, medicine, place, country, sponsor and keyword names) and docs.json (the
 * document store). places/<n>.json and summary.json follow only when a query needs them, and
 * text/<n>.json only for results on screen. See ssg/search/ for why the data is split so.
 *
 * The first part (the engine) has no DOM code, so the tests run it in Node with real lunr.js.
 * Record text reaches the page only through textContent, never innerHTML.
 */
(function (root, factory) {
  "use strict";
  var engine = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = engine;
  } else {
    root.ssgSearch = engine;
  }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* Mirrors ssg.search.index.normalise: accents removed, lower case, words split on anything
     that is not a letter or digit. Index and query must agree token for token. */
  function normalise(text) {
    return String(text || "").normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  var ID_WORD = /^(?:nct)?(\d{4,8})$/;  // "nct07177911", "07177911", or a start of one

  function decodeDelta(gaps) {
    var out = new Array(gaps.length), last = 0;
    for (var i = 0; i < gaps.length; i++) { last += gaps[i]; out[i] = last; }
    return out;
  }

  /* lunr: the lunr.js module; fetchJSON(path) -> Promise of parsed JSON, path relative to the index folder. */
  function Engine(lunr, fetchJSON) {
    this.lunr = lunr;
    this.fetchJSON = fetchJSON;
    this.ready = null;
    this.places = {};         // place position -> trial positions, for the place shards loaded so far
    this.placeShards = {};    // shard number -> Promise
    this.summary = null;      // lunr index of plain first sentences (summary.json)
    this.shards = {};
  }

  Engine.prototype.load = function () {
    var self = this;
    if (!this.ready) {
      this.ready = Promise.all([
        this.fetchJSON("index.json"), this.fetchJSON("names.json"), this.fetchJSON("docs.json")
      ]).then(function (data) {
        self.titles = self.lunr.Index.load(data[0]);
        self.names = self.lunr.Index.load(data[1]);
        self.setDocs(data[2]);
        return self;
      });
      this.ready.catch(function () { self.ready = null; });  // a later use may retry
    }
    return this.ready;
  };

  Engine.prototype.setDocs = function (docs) {
    var t = docs.trials, self = this;
    this.docs = docs;
    this.count = t.id.length;
    this.lowerIds = t.id.map(function (id) { return id.toLowerCase(); });
    // name kind code ("c") -> name position -> trial positions, for joining names index hits.
    this.byName = {};
    docs.kinds.forEach(function (pair) {
      var code = pair[0], kind = pair[1];
      if (!t[kind]) { return; }  // places: trial lists come from places/<n>.json
      var lists = docs.tables[kind].map(function () { return []; });
      t[kind].forEach(function (refs, pos) { refs.forEach(function (r) { lists[r].push(pos); }); });
      self.byName[code] = lists;
    });
    this.conditionKeys = docs.tables.conditions.map(normalise);
    this.open = {};
    docs.labels.open.forEach(function (s) { self.open[s] = true; });
  };

  /* The shard holding place `n`: the last shard whose first place is <= n. */
  Engine.prototype.placeShard = function (n) {
    var starts = this.docs.place_shards, lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= n) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  };

  Engine.prototype.loadPlaces = function (ids) {
    var self = this, wanted = {};
    ids.forEach(function (n) { wanted[self.placeShard(n)] = true; });
    return Promise.all(Object.keys(wanted).map(function (k) {
      if (!self.placeShards[k]) {
        self.placeShards[k] = self.fetchJSON("places/" + k + ".json").then(function (shard) {
          shard.trials.forEach(function (gaps, i) { self.places[shard.first + i] = decodeDelta(gaps); });
        });
        self.placeShards[k].catch(function () { delete self.placeShards[k]; });
      }
      return self.placeShards[k];
    }));
  };

  Engine.prototype.loadSummary = function () {
    var self = this;
    if (!this.summaryLoading) {  // searches typed in quick succession share one download
      this.summaryLoading = this.fetchJSON("summary.json").then(function (s) { self.summary = self.lunr.Index.load(s); });
      this.summaryLoading.catch(function () { self.summaryLoading = null; });
    }
    return this.summaryLoading;
  };

  /* Query words: normalised, lunr's stop words dropped (they are not in the index) unless
     nothing else is left. */
  Engine.prototype.words = function (query) {
    var lunr = this.lunr;
    var words = normalise(query).split(" ").filter(Boolean);
    var kept = words.filter(function (w) { return lunr.stopWordFilter(new lunr.Token(w)) !== undefined; });
    return kept.length ? kept : words;
  };

  Engine.prototype.stem = function (word) {
    return this.lunr.stemmer(new this.lunr.Token(word)).toString();
  };

  /* One word as lunr clauses: the exact (stemmed) word counts most, then the word as a prefix
     (results as you type). Only when that finds nothing anywhere, one typo is allowed for words
     of 4 letters or more ("lupis" -> lupus: the stem "lupi" is one edit from the indexed "lupu");
     expanding typos for a word that is spelt right costs time and adds noise. */
  Engine.prototype.clauses = function (word, typo) {
    var lunr = this.lunr, stem = this.stem(word);
    return function (q) {
      if (!typo) {
        q.term(stem, { usePipeline: false, boost: 10 });
        q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 3 });
        return;
      }
      q.term(stem, { usePipeline: false, editDistance: 1, boost: 1 });
      if (stem !== word) { q.term(word, { usePipeline: false, editDistance: 1, boost: 1 }); }
    };
  };

  /* Scores of the trials one word matches: Map(position -> score). Sets flags on `need`
     when a tier not yet loaded may hold more matches. */
  Engine.prototype.matchWord = function (word, terms, need) {
    var id = ID_WORD.exec(word);
    if (id) {
      var scores = new Map(), digits = id[1];
      this.lowerIds.forEach(function (lid, pos) {
        if (lid.slice(3).indexOf(digits) === 0) { scores.set(pos, 100); }
      });
      if (scores.size) { terms.add("nct" + digits); return scores; }
    }
    var exact = this.matchClauses(this.clauses(word, false), terms, need);
    if (exact.size || need.places.length) { return exact; }
    if (word.length >= 4) {
      var typo = this.matchClauses(this.clauses(word, true), terms, need);
      if (typo.size || need.places.length) { return typo; }
    }
    // Nothing in titles and names: the plain summaries may have the word (fetched once, then searched too).
    if (!this.summary) { need.summary = true; }
    return exact;
  };

  Engine.prototype.matchClauses = function (clauses, terms, need) {
    var scores = new Map(), self = this;
    function add(pos, score) { scores.set(pos, (scores.get(pos) || 0) + score); }
    function collect(r) { Object.keys(r.matchData.metadata).forEach(function (t) { terms.add(t); }); }
    this.titles.query(clauses).forEach(function (r) { collect(r); add(+r.ref, r.score); });
    this.names.query(clauses).forEach(function (r) {
      var code = r.ref.charAt(0), n = +r.ref.slice(1), list;
      if (code === "p") {
        list = self.places[n];
        if (!list) { need.places.push(n); return; }
      } else {
        list = self.byName[code][n];
      }
      collect(r);
      list.forEach(function (pos) { add(pos, r.score); });
    });
    if (this.summary) {
      this.summary.query(clauses).forEach(function (r) { collect(r); add(+r.ref, r.score); });
    }
    return scores;
  };

  /* Every word must match (in any field); scores add up. Returns
     {positions: [..] best first, or null for "no words: every trial", terms: Set, need}. */
  Engine.prototype.run = function (query) {
    var words = this.words(query), terms = new Set(), need = { places: [], summary: false };
    if (!words.length) { return { positions: null, terms: terms, need: need }; }
    var total = null;
    for (var i = 0; i < words.length; i++) {
      var scores = this.matchWord(words[i], terms, need);
      if (total === null) {
        total = scores;
      } else {
        var both = new Map();
        total.forEach(function (s, pos) { if (scores.has(pos)) { both.set(pos, s + scores.get(pos)); } });
        total = both;
      }
    }
    var positions = Array.from(total.keys()).sort(function (a, b) {
      return (total.get(b) - total.get(a)) || (a - b);
    });
    return { positions: positions, terms: terms, need: need };
  };

  /* run(), loading place shards or summary.json first when the query needs them. */
  Engine.prototype.search = function (query) {
    var self = this;
    var rounds = 0;  // each round loads more; three is all a query can need (places, summary)
    return this.load().then(function again() {
      var r = self.run(query);
      if (++rounds > 3) { return r; }
      if (r.need.places.length) { return self.loadPlaces(r.need.places).then(again); }
      if (r.need.summary && !self.summary) { return self.loadSummary().then(again); }
      return r;
    });
  };

  /* Does trial `pos` pass the filters? f: {status, phase, condition, country, age, sex, healthy}. */
  Engine.prototype.passes = function (pos, f) {
    var t = this.docs.trials, tables = this.docs.tables;
    if (f.status) {
      var s = t.status[pos];
      if (f.status === "open" ? !this.open[s] : s !== f.status) { return false; }
    }
    if (f.phase && t.phases[pos].indexOf(f.phase) < 0) { return false; }
    if (f.condition) {
      var want = normalise(f.condition), keys = this.conditionKeys;
      if (!t.conditions[pos].some(function (c) { return keys[c].indexOf(want) >= 0; })) { return false; }
    }
    if (f.country && !t.countries[pos].some(function (c) { return tables.countries[c] === f.country; })) {
      return false;
    }
    if (f.age !== null && f.age !== undefined && f.age !== "" && !isNaN(f.age)) {
      var age = Number(f.age), lo = t.min_age[pos], hi = t.max_age[pos];
      if ((lo !== null && age < lo) || (hi !== null && age > hi)) { return false; }
    }
    if (f.sex) {
      var sex = t.sex[pos];
      if (sex && sex !== "ALL" && sex !== f.sex) { return false; }
    }
    if (f.healthy && t.healthy[pos] !== true) { return false; }
    return true;
  };

  /* Positions matching the query and filters; no words lists every trial, open ones first. */
  Engine.prototype.find = function (query, filters) {
    var self = this;
    return this.search(query).then(function (r) {
      var all = r.positions;
      if (all === null) {
        var open = [], rest = [];
        for (var i = 0; i < self.count; i++) { (self.open[self.docs.trials.status[i]] ? open : rest).push(i); }
        all = open.concat(rest);
      }
      r.positions = all.filter(function (pos) { return self.passes(pos, filters || {}); });
      return r;
    });
  };

  /* Title, first sentence and place names of trial `pos` (fetching its text shard once). */
  Engine.prototype.text = function (pos) {
    var size = this.docs.shard, n = Math.floor(pos / size), self = this;
    if (!this.shards[n]) {
      this.shards[n] = this.fetchJSON("text/" + n + ".json");
      this.shards[n].catch(function () { delete self.shards[n]; });
    }
    return this.shards[n].then(function (shard) {
      var i = pos - n * size, places = self.docs.tables.places;
      return {
        title: shard.title[i],
        summary: shard.summary[i],
        places: shard.places[i].map(function (p) { return places[p]; })
      };
    });
  };

  /* Everything a result line shows. */
  Engine.prototype.result = function (pos) {
    var d = this.docs, t = d.trials;
    return this.text(pos).then(function (text) {
      return {
        id: t.id[pos],
        url: d.trial_url.replace("{id}", t.id[pos]),
        status: t.status[pos],
        statusWords: d.labels.status[t.status[pos]] || t.status[pos],
        phases: t.phases[pos].map(function (p) { return d.labels.phase[p] || p; }),
        conditions: t.conditions[pos].map(function (c) { return d.tables.conditions[c]; }),
        countries: t.countries[pos].map(function (c) { return d.tables.countries[c]; }),
        title: text.title,
        summary: text.summary,
        places: text.places
      };
    });
  };

  /* Should `word` (as it appears on screen) be marked, given the index terms the query matched? */
  Engine.prototype.isHit = function (word, terms) {
    var n = normalise(word);
    return !!n && (terms.has(n) || terms.has(this.stem(n)));
  };

  return { normalise: normalise, Engine: Engine, decodeDelta: decodeDelta };
}));

/* The page: form <-> URL, results as you type, announcements. */
(function () {
  "use strict";
  if (typeof document === "undefined" || typeof window === "undefined") { return; }
  var form = document.getElementById("search-form");
  if (!form || !window.lunr || !window.ssgSearch) { return; }

  var base = new URL(form.getAttribute("data-base") || "./", document.baseURI);
  var siteRoot = new URL(form.getAttribute("data-root") || "../", document.baseURI);
  var pageSize = parseInt(form.getAttribute("data-page-size"), 10) || 20;
  var box = document.getElementById("search-q");
  var countEl = document.getElementById("search-count");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var FIELDS = ["q", "status", "phase", "condition", "country", "age", "sex", "healthy"];

  function fetchJSON(path) {
    return fetch(new URL(path, base).href, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
      return r.json();
    });
  }

  var engine = new window.ssgSearch.Engine(window.lunr, fetchJSON);
  function mark(name) { if (window.performance && performance.mark) { performance.mark("ssg-search:" + name); } }
  var loadEngine = engine.load;
  engine.load = function () {  // marks for bench/search_bench.py: when the indexes were ready
    var first = !this.ready;
    var p = loadEngine.call(this);
    if (first) { p.then(function () { mark("loaded"); }, function () {}); }
    return p;
  };
  var current = { positions: [], terms: new Set() };
  var shown = 0;
  var generation = 0;      // a newer search makes older, slower ones drop their results
  var firstResultMarked = false;

  function control(name) { return form.elements.namedItem(name); }

  function readForm() {
    var state = {};
    FIELDS.forEach(function (name) {
      var el = control(name);
      if (!el) { return; }
      var v = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value.trim();
      if (v) { state[name] = v; }
    });
    return state;
  }

  function writeForm(state) {
    FIELDS.forEach(function (name) {
      var el = control(name);
      if (!el) { return; }
      if (el.type === "checkbox") { el.checked = state[name] === "1"; } else { el.value = state[name] || ""; }
    });
  }

  function stateFromURL() {
    var params = new URLSearchParams(window.location.search), state = {};
    FIELDS.forEach(function (name) { var v = params.get(name); if (v) { state[name] = v; } });
    return state;
  }

  function urlFor(state) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) { if (state[name]) { params.set(name, state[name]); } });
    var qs = params.toString();
    return window.location.pathname + (qs ? "?" + qs : "");
  }

  function isEmpty(state) { return Object.keys(state).length === 0; }

  /* Text into `parent`, with the words the query matched wrapped in <mark>. */
  function appendMarked(parent, text) {
    var re = /[\p{L}\p{N}]+/gu, last = 0, m;
    text = text || "";
    while ((m = re.exec(text)) !== null) {
      if (engine.isHit(m[0], current.terms)) {
        if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        parent.appendChild(mark);
        last = re.lastIndex;
      }
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    return parent;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function labelled(label, className) {
    var p = el("p", className);
    p.appendChild(el("span", "label", label + ": "));
    return p;
  }

  function joinMarked(parent, items, sep) {
    items.forEach(function (item, i) {
      if (i) { parent.appendChild(document.createTextNode(sep)); }
      appendMarked(parent, item);
    });
  }

  /* Names the reader searched or filtered for first, so a cut list still shows them. */
  function hitsFirst(names, chosen) {
    var hits = names.filter(function (n) {
      return n === chosen || n.split(/[^\p{L}\p{N}]+/u).some(function (w) { return engine.isHit(w, current.terms); });
    });
    return hits.concat(names.filter(function (n) { return hits.indexOf(n) < 0; }));
  }

  function renderResult(r) {
    var li = el("li", "search-result");
    var h = el("h3", "search-result__title");
    var a = el("a");
    a.href = new URL(r.url, siteRoot).href;
    appendMarked(a, r.title);
    h.appendChild(a);
    li.appendChild(h);

    var meta = el("p", "search-result__meta");
    meta.appendChild(el("span", "badge status-" + r.status.toLowerCase().replace(/_/g, "-"), r.statusWords));
    if (r.phases.length) { meta.appendChild(el("span", "search-result__phase", r.phases.join(" / "))); }
    meta.appendChild(appendMarked(el("span", "search-result__id"), r.id));
    li.appendChild(meta);

    if (r.conditions.length) {
      var c = labelled("Conditions", "search-result__conditions");
      joinMarked(c, r.conditions, ", ");
      li.appendChild(c);
    }
    if (r.places.length || r.countries.length) {
      var where = labelled("Where", "search-result__places");
      var places = hitsFirst(r.places, null);
      joinMarked(where, places.slice(0, 3), "; ");
      if (places.length > 3) { where.appendChild(document.createTextNode(" and " + (places.length - 3) + " more places")); }
      if (r.countries.length) {
        var countries = hitsFirst(r.countries, current.country);
        where.appendChild(document.createTextNode(places.length ? " (" : ""));
        joinMarked(where, countries.slice(0, 3), "; ");
        if (countries.length > 3) { where.appendChild(document.createTextNode(" and " + (countries.length - 3) + " more countries")); }
        if (places.length) { where.appendChild(document.createTextNode(")")); }
      }
      li.appendChild(where);
    }
    if (r.summary) { li.appendChild(appendMarked(el("p", "search-result__summary"), r.summary)); }
    return li;
  }

  function announce(n, state) {
    var words;
    if (n === 0) {
      words = "No trials found. Try fewer words or fewer filters.";
    } else {
      words = (n === 1 ? "1 trial found" : n.toLocaleString("en") + " trials found") +
        (n > shown ? ", showing the first " + shown : "") + ".";
    }
    if (isEmpty(state)) { words = ""; }
    countEl.textContent = words;
  }

  /* The next page of results, each shown as soon as it and those before it have their text
     (a result's title lives in a text shard fetched on demand). */
  function showMore(gen) {
    var slice = current.positions.slice(shown, shown + pageSize);
    var pending = slice.map(function (pos) { return engine.result(pos); });
    var chain = Promise.resolve();
    pending.forEach(function (p) {
      chain = chain.then(function () { return p; }).then(function (r) {
        if (gen !== generation) { return; }
        list.appendChild(renderResult(r));
        shown += 1;
        if (!firstResultMarked) { firstResultMarked = true; mark("first-result"); }
      });
    });
    return chain.then(function () {
      if (gen === generation) { more.hidden = shown >= current.positions.length; }
    });
  }

  function update(state) {
    var gen = ++generation;
    if (isEmpty(state)) {
      list.textContent = "";
      more.hidden = true;
      countEl.textContent = "";
      return Promise.resolve();
    }
    var filters = { status: state.status, phase: state.phase, condition: state.condition, country: state.country,
      age: state.age, sex: state.sex, healthy: state.healthy === "1" };
    return engine.find(state.q || "", filters).then(function (r) {
      if (gen !== generation) { return; }
      if (!firstResultMarked) { mark("matched"); }
      current = r;
      current.country = state.country || null;
      shown = 0;
      list.textContent = "";
      return showMore(gen).then(function () { if (gen === generation) { announce(r.positions.length, state); } });
    }).catch(function (err) {
      if (gen !== generation) { return; }
      countEl.textContent = "Search could not load its index (" + err.message + "). Browse by condition or sponsor instead.";
    });
  }

  /* Keep the URL in step: typing replaces the entry, a submitted query or a changed filter
     adds one, so Back returns to the previous search. */
  function sync(push) {
    var state = readForm(), url = urlFor(state);
    if (url !== window.location.pathname + window.location.search) {
      (push ? history.pushState : history.replaceState).call(history, state, "", url);
    }
    return update(state);
  }

  var typingTimer = null;
  function onType(push) {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { sync(push === true); }, 120);
  }

  function prefetch() { engine.load().catch(function () {}); }

  box.addEventListener("focus", prefetch);
  box.addEventListener("input", function () { onType(false); });
  // A new age is a new search (Back returns to the old one); the query box only replaces.
  form.addEventListener("input", function (e) { if (e.target.name === "age") { onType(true); } });
  form.addEventListener("change", function (e) { if (e.target !== box) { clearTimeout(typingTimer); sync(true); } });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(typingTimer); sync(true); });
  more.addEventListener("click", function () {
    var first = shown;
    showMore(generation).then(function () {
      announce(current.positions.length, readForm());
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) { link.focus(); }  // keyboard users continue where the new results start
    });
  });
  window.addEventListener("popstate", function () {
    var state = stateFromURL();
    writeForm(state);
    update(state);
  });

  var initial = stateFromURL();
  if (!isEmpty(initial)) {
    writeForm(initial);
    update(initial);
  }
}());
