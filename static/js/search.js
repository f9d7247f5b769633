/* Trial search in the browser, over the files ssg writes beside the search page.
 *
 * Nothing is downloaded until search is used (the box gets focus or input, or the URL already
 * holds a query or filters). Then docs.json (the document store) and, for each query word, only
 * the index shards that can hold its terms: a shard holds the terms that start with its key
 * ("lu", "b", ...). The page carries the keys (manifest.json, in data-shards), so the shards are
 * requested at once, beside docs.json. Where the manifest also gives the number of trials and
 * of trials per text shard, words are matched and the first result's text shard requested
 * without waiting for docs.json (the largest file); filters, NCT IDs and result lines wait for
 * it. See ssg/search/ for why the data is split so.
 *
 * A word is looked up in stages, each only when the ones before found nothing:
 *   1. titles and names (conditions, medicines, places, ...): the word, and the word as a prefix
 *   2. the same with one typo ("lupis" -> lupus): first in the shards stage 1 loaded, then in
 *      every shard of the word's first letter
 *   3. plain summaries (words such as "kidney" that a technical title lacks), then with one typo
 *   4. titles, names and summaries with one typo anywhere, the first letter too ("neumonia"):
 *      every shard, so only for a word nothing else explains.
 * A stage's shards are fetched when it is reached, so a word that is found early costs nothing more.
 *
 * The first part (the engine) has no DOM code, so the tests run it in Node with real lunr.js.
 * Each shard is a lunr index, matched with lunr.js's own TokenSet and Query (prefix, one typo)
 * and scored as lunr.Index.query scores (see Shard and dotProducts). After matching, only the
 * first page of results is ranked (Ranking), and only the text shards of its results are fetched.
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

  /* Mirrors ssg.search.tokens.normalise: accents removed, lower case, words split on anything
     that is not a letter or digit. Index and query must agree token for token. */
  function normalise(text) {
    return String(text || "").normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  var ID_WORD = /^(?:nct)?(\d{4,8})$/;  // "nct07177911", "07177911", or a start of one
  var INDEXES = ["title", "names", "summary"];

  function decodeDelta(gaps) {
    var out = new Array(gaps.length), last = 0;
    for (var i = 0; i < gaps.length; i++) { last += gaps[i]; out[i] = last; }
    return out;
  }

  /* A column of lists of small numbers, one list per trial, as docs.json writes it: "3 1,,7" is
     [3, 1], [], [7] (see ssg.search.documents.lists_text). Read where needed: the lists of the
     results shown, or every list once a filter or a name's trials need them. */
  function Lists(text, count) {
    this.text = text;
    this.count = count;
    this.parts = null;   // each trial's list as text, split on first use (String.split is native; a
                         // scan in script code runs once, unoptimised, and took ~10 ms at 10,000 trials)
    this.lists = null;   // every list, once all were wanted
  }
  Lists.prototype.part = function (pos) {
    if (!this.parts) { this.parts = this.count ? this.text.split(",") : []; }
    return this.parts[pos];
  };
  Lists.prototype.at = function (pos) {
    if (this.lists) { return this.lists[pos]; }
    var part = this.part(pos);
    return parseList(part, 0, part.length);
  };
  Lists.prototype.all = function () {
    if (!this.lists) {
      var lists = new Array(this.count);
      for (var pos = 0; pos < this.count; pos++) { lists[pos] = this.at(pos); }
      this.lists = lists;
    }
    return this.lists;
  };
  function parseList(text, start, end) {  // the numbers in text[start, end), separated by spaces
    var out = [], n = -1;
    for (var i = start; i < end; i++) {
      var c = text.charCodeAt(i);
      if (c === 32) { out.push(n); n = -1; } else { n = (n < 0 ? 0 : n * 10) + (c - 48); }
    }
    if (n >= 0) { out.push(n); }
    return out;
  }

  /* Trials a word matched and their scores: typed arrays by trial position (a common word
     matches thousands; a Map was most of the time spent on them). */
  function Hits(count) {
    this.score = new Float64Array(count);
    this.seen = new Uint8Array(count);
    this.pos = [];
  }
  Hits.prototype.add = function (pos, score) {
    if (!this.seen[pos]) { this.seen[pos] = 1; this.pos.push(pos); }
    this.score[pos] += score;
  };
  Hits.prototype.and = function (other) {  // trials in both, scores added
    var out = new Hits(this.score.length), self = this;
    this.pos.forEach(function (p) { if (other.seen[p]) { out.add(p, self.score[p] + other.score[p]); } });
    return out;
  };

  /* Shard numbers (positions in the sorted `keys`) that may hold a term starting with `prefix`:
     the longest key that `prefix` starts with, and every key that starts with `prefix`. */
  function shardsUnder(keys, prefix) {
    var out = [], owner = -1;
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (k.length <= prefix.length && prefix.slice(0, k.length) === k) {
        if (owner < 0 || k.length > keys[owner].length) { owner = i; }
      } else if (k.slice(0, prefix.length) === prefix) {
        out.push(i);
      }
    }
    if (owner >= 0) { out.unshift(owner); }
    return out;
  }

  /* The one shard that may hold exactly `term`, as a list (empty when none can). */
  function shardOf(keys, term) {
    var owner = -1;
    keys.forEach(function (k, i) {
      if (term.slice(0, k.length) === k && (owner < 0 || k.length > keys[owner].length)) { owner = i; }
    });
    return owner < 0 ? [] : [owner];
  }

  /* lunr: the lunr.js module; fetchJSON(path) -> Promise of parsed JSON, path relative to the
     index folder; manifest: the contents of manifest.json when the page has them (else fetched). */
  function Engine(lunr, fetchJSON, manifest) {
    this.lunr = lunr;
    this.fetchJSON = fetchJSON;
    this.given = manifest || null;
    this.ready = null;
    this.manifest = null;
    this.shards = {};      // "names/3" -> Promise of {kind, n, index, members}
    this.texts = {};
    this.forms = new Map();  // a word on screen -> [normalised, stem] (see isHit)
    this.onMatching = null;  // called when a search starts matching (bench/search_bench.py marks it)
  }

  /* The manifest (shard keys; the number of trials and of trials per text shard, when it says)
     and docs.json, which filters, NCT IDs and result lines need. */
  Engine.prototype.load = function () {
    var self = this;
    if (!this.ready) {
      this.manifest = (this.given ? Promise.resolve(this.given) : this.fetchJSON("manifest.json"))
        .then(function (m) {
          self.keys = m.shards;
          if (self.count === undefined && typeof m.count === "number") { self.count = m.count; }
          if (!self.textSize && m.text) { self.textSize = m.text; }
          return m;
        });
      this.ready = Promise.all([this.manifest, this.fetchJSON("docs.json")]).then(function (data) {
        self.setDocs(data[1]);
        return self;
      });
      this.ready.catch(function () { self.ready = null; });  // a later use may retry
    }
    return this.ready;
  };

  Engine.prototype.setDocs = function (docs) {
    var codes = docs.codes, self = this;
    this.docs = docs;
    this.trials = docs.trials;  // columns of small numbers, read as they are (nothing to unpack per trial)
    this.count = this.trials.id.length;
    this.textSize = docs.shard;
    this.lists = {};            // "phases" / "conditions" / "countries" -> Lists
    ["phases", "conditions", "countries"].forEach(function (k) { self.lists[k] = new Lists(docs.trials[k], self.count); });
    this.idNumbers = decodeDelta(this.trials.id);
    this.idDigits = null;       // "07177911" per trial, made on the first ID query
    this.conditionKeys = null;  // the condition names normalised, made on the first condition filter
    this.code = {};             // "status" / "phase" / "sex" -> value -> code
    ["status", "phase", "sex"].forEach(function (k) {
      var m = {};
      codes[k].forEach(function (v, i) { m[v] = i; });
      self.code[k] = m;
    });
    this.openCode = codes.status.map(function (s) { return docs.labels.open.indexOf(s) >= 0; });
  };

  Engine.prototype.id = function (pos) { return "NCT" + String(this.idNumbers[pos]).padStart(8, "0"); };

  Engine.prototype.statusOf = function (pos) { return this.docs.codes.status[this.trials.status[pos]]; };

  /* Index shard `n` of `kind` (with its members file for names), fetched and loaded once. */
  Engine.prototype.shard = function (kind, n) {
    var id = kind + "/" + n, self = this;
    if (!this.shards[id]) {
      var files = [this.fetchJSON(id + ".json")];
      if (kind === "names") { files.push(this.fetchJSON("members/" + n + ".json")); }
      this.shards[id] = Promise.all(files).then(function (data) {
        return { kind: kind, n: n, index: new Shard(self.lunr, data[0]), members: data[1] || null, lists: {} };
      });
      this.shards[id].catch(function () { delete self.shards[id]; });
    }
    return this.shards[id];
  };

  Engine.prototype.loadShards = function (list) {
    var self = this;
    return Promise.all(list.map(function (s) { return self.shard(s[0], s[1]); }));
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

  /* The stages of one word (see the top of this file): [{typo, shards: [[kind, n], ...]}]. */
  Engine.prototype.stages = function (word) {
    var keys = this.keys, stem = this.stem(word), typo = word.length >= 4;
    function pick(kinds, find) {
      var out = [];
      kinds.forEach(function (kind) {
        find(keys[kind] || []).forEach(function (n) { out.push([kind, n]); });
      });
      return out;
    }
    function exact(list) {  // the stem itself, and every term the word starts
      var ns = shardsUnder(list, word);
      shardOf(list, stem).forEach(function (n) { if (ns.indexOf(n) < 0) { ns.push(n); } });
      return ns;
    }
    function letter(list) { return shardsUnder(list, word.charAt(0)); }
    function every(list) { return list.map(function (_, n) { return n; }); }
    var own = pick(["title", "names"], exact);
    var stages = [{ typo: false, shards: own }];
    if (typo) {
      stages.push({ typo: true, shards: own });  // already loaded: most typos are past the first letters
      stages.push({ typo: true, shards: pick(["title", "names"], letter) });
    }
    stages.push({ typo: false, shards: pick(["summary"], exact) });
    if (typo) {
      stages.push({ typo: true, shards: pick(["summary"], letter) });
      stages.push({ typo: true, shards: pick(INDEXES, every) });
    }
    // A typo stage that would search the very shards of the typo stage before it adds nothing.
    var last = null;
    return stages.filter(function (stage) {
      if (!stage.typo) { return true; }
      var id = JSON.stringify(stage.shards), fresh = id !== last;
      last = id;
      return fresh;
    });
  };

  /* One word as lunr clauses: the exact (stemmed) word counts most, then the word as a prefix
     (results as you type). With `typo`, one edit is allowed instead, for words of 4 letters or
     more ("lupis" -> lupus: the stem "lupi" is one edit from the indexed "lupu"); expanding
     typos for a word that is spelt right costs time and adds noise, so that is a later stage. */
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

  /* The trials of the name with local ref `ref` in names shard `shard`. */
  Engine.prototype.nameTrials = function (shard, ref) {
    if (!shard.lists[ref]) { shard.lists[ref] = decodeDelta(shard.members[ref]); }
    return shard.lists[ref];
  };

  /* The terms `clauses` expand to in one index, each with the sum of the boosts of the clauses
     that reach it: the query vector lunr.Index.query builds. */
  Engine.prototype.expand = function (index, clauses) {
    var lunr = this.lunr, query = new lunr.Query(index.fields), boosts = {};
    clauses(query);
    query.clauses.forEach(function (c) {
      index.tokenSet.intersect(lunr.TokenSet.fromClause(c)).toArray().forEach(function (t) {
        boosts[t] = (boosts[t] || 0) + c.boost;
      });
    });
    return boosts;
  };

  /* One index shard, as this engine searches it: each file is a lunr.js 2.3.9 serialised
     index (lunr.Index.load loads it; the tests do), and this keeps what lunr.Index.load makes of
     it for lunr.Index.query to expand query terms (the same lunr.TokenSet, built the same way)
     and the postings and document vectors in their plain form, without lunr.Index.query's
     per-document objects (a lunr.Vector per document, then per match a MatchData and a result,
     then a sort): for a word such as "cancer", in thousands of titles, those were most of the
     time a search took (see dotProducts). */
  function Shard(lunr, data) {
    if (data.version !== lunr.version) {
      lunr.utils.warn("Version mismatch when loading serialised index. Current version of lunr '" +
        lunr.version + "' does not match serialized index '" + data.version + "'");
    }
    var builder = new lunr.TokenSet.Builder(), postings = Object.create(null);
    data.invertedIndex.forEach(function (entry) {  // sorted by term, as lunr.Index.load needs them
      builder.insert(entry[0]);
      postings[entry[0]] = entry[1]._index;
    });
    builder.finish();
    this.fields = data.fields;
    this.tokenSet = builder.root;
    this.termIndex = postings;             // term -> its position in the document vectors
    this.terms = data.invertedIndex.length;
    var vectors = data.fieldVectors;       // [["t/12", [term index, weight, ...]], ...]
    this.refs = new Int32Array(vectors.length);
    this.vectors = new Array(vectors.length);
    for (var i = 0; i < vectors.length; i++) {
      var key = vectors[i][0];
      this.refs[i] = +key.slice(key.indexOf("/") + 1);  // refs are numbers (see ssg/search/shards.py)
      this.vectors[i] = vectors[i][1];
    }
  }

  /* lunr.Index.query's scores, without its division. For optional clauses, the only kind this
     engine uses, lunr scores a document by dot(query vector, document vector) / |query vector|,
     where the query vector holds, for each term the clauses expand to, the sum of their boosts
     (see expand). The dot product is summed as lunr.Vector.dot sums it, in term order.
     Calls add(ref, dot) for each document that has one of the terms. */
  function dotProducts(shard, boosts, add) {
    var query = new Float64Array(shard.terms), vectors = shard.vectors, refs = shard.refs;
    Object.keys(boosts).forEach(function (term) { query[shard.termIndex[term]] = boosts[term]; });
    for (var d = 0; d < vectors.length; d++) {  // a document has few terms in one shard
      var elements = vectors[d], dot = 0, found = false;
      for (var i = 0; i < elements.length; i += 2) {
        var q = query[elements[i]];
        if (q !== 0) { dot += q * elements[i + 1]; found = true; }
      }
      if (found) { add(refs[d], dot); }
    }
  }

  /* The trials the clauses match in the given shards, with their scores (Hits). Adds the index
     terms that matched to `terms` (for highlighting).
     lunr.js divides a score by the magnitude of the query vector, made of the terms the word
     expands to in that one shard. A word that spans several shards of an index (a short prefix,
     a typo) is scored as the unsharded index would: by the magnitude over all of them. */
  Engine.prototype.matchShards = function (shards, clauses, terms) {
    var self = this, hits = new Hits(this.count), matched = [], norm2 = {};
    shards.forEach(function (shard) {
      var boosts = self.expand(shard.index, clauses), n2 = 0, names = Object.keys(boosts);
      if (!names.length) { return; }
      names.forEach(function (t) { terms.add(t); n2 += boosts[t] * boosts[t]; });
      norm2[shard.kind] = (norm2[shard.kind] || 0) + n2;
      matched.push({ shard: shard, boosts: boosts });
    });
    matched.forEach(function (m) {
      var norm = Math.sqrt(norm2[m.shard.kind]), names = m.shard.kind === "names";
      dotProducts(m.shard.index, m.boosts, function (ref, dot) {
        var score = dot / norm;
        if (!names) { hits.add(ref, score); return; }
        var list = self.nameTrials(m.shard, ref);
        for (var i = 0; i < list.length; i++) { hits.add(list[i], score); }
      });
    });
    return hits;
  };

  /* The trials one word matches: Promise of Hits. */
  Engine.prototype.matchWord = function (word, terms) {
    var self = this, id = ID_WORD.exec(word);
    if (id) {
      var byId = new Hits(this.count), digits = id[1];
      if (!this.idDigits) { this.idDigits = this.idNumbers.map(function (n) { return String(n).padStart(8, "0"); }); }
      this.idDigits.forEach(function (d, pos) { if (d.indexOf(digits) === 0) { byId.add(pos, 100); } });
      if (byId.pos.length) { terms.add("nct" + digits); return Promise.resolve(byId); }
    }
    var stages = this.stages(word), i = 0;
    function next() {
      if (i >= stages.length) { return Promise.resolve(new Hits(self.count)); }
      var stage = stages[i++];
      return self.loadShards(stage.shards).then(function (shards) {
        var found = self.matchShards(shards, self.clauses(word, stage.typo), terms);
        return found.pos.length ? found : next();
      });
    }
    return next();
  };

  /* Every word must match (in any field); scores add up. Returns a Promise of
     {hits: Hits, or null for "no words: every trial", terms: Set}. */
  Engine.prototype.search = function (query) {
    var self = this, words = this.words(query), terms = new Set();
    var ready = this.load();
    // The first stage's shards of every word are fetched while docs.json is still on its way.
    var first = this.manifest.then(function () {
      return Promise.all(words.filter(function (w) { return !ID_WORD.test(w); }).map(function (w) {
        return self.loadShards(self.stages(w)[0].shards);
      }));
    });
    // Words are matched as soon as their shards are in, while docs.json may still be on its way
    // (it is the largest file): only the number of trials is needed, which the manifest gives.
    // An NCT ID is looked up in docs.json, and no words list every trial from it.
    var docsFirst = !words.length || words.some(function (w) { return ID_WORD.test(w); });
    return Promise.all([this.manifest, first]).then(function () {
      return docsFirst || self.count === undefined ? ready : null;
    }).then(function () {
      if (self.onMatching) { self.onMatching(); }
      if (!words.length) { return { hits: null, terms: terms }; }
      var total = null, i = 0;
      function next() {
        if (i >= words.length || (total !== null && !total.pos.length)) { return Promise.resolve(); }
        return self.matchWord(words[i++], terms).then(function (hits) {
          total = total === null ? hits : total.and(hits);
          return next();
        });
      }
      return next().then(function () { return { hits: total, terms: terms }; });
    });
  };

  /* The trials found, best first: `count`, and `slice(start, end)` ranks only as far as asked.
     A common word matches thousands of trials of which a page shows 20: those are picked in one
     pass, and the rest sorted only when "Show more" wants them. `positions` (all, ranked) and
     `scores` (by position, null when there were no words to score) are there for the tests.
     `found`: the positions, in any order (or, without scores, in the order to show). */
  var PICK_AT_MOST = 40;  // up to two pages are picked in a pass, more are sorted

  function Ranking(found, scores, terms) {
    this.found = found;
    this.scores = scores;
    this.terms = terms;
    this.count = found.length;
    this.ranked = scores ? [] : found;  // the best first, as far as ranked
    this.sorted = !scores;
  }
  Ranking.prototype.before = function (a, b) {  // a ranks before b: higher score, then site order
    var s = this.scores;
    return s[a] > s[b] || (s[a] === s[b] && a < b);
  };
  Ranking.prototype.slice = function (start, end) {
    end = Math.min(end, this.count);
    if (end > this.ranked.length && !this.sorted) {
      if (end <= PICK_AT_MOST) { this.ranked = this.best(end); } else { this.sortAll(); }
    }
    return this.ranked.slice(start, end);
  };
  Ranking.prototype.best = function (k) {  // the k best, in order: one pass, k kept in order
    var top = [], self = this;
    this.found.forEach(function (p) {
      if (top.length === k && !self.before(p, top[k - 1])) { return; }
      var lo = 0, hi = top.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (self.before(p, top[mid])) { hi = mid; } else { lo = mid + 1; } }
      top.splice(lo, 0, p);
      if (top.length > k) { top.pop(); }
    });
    return top;
  };
  Ranking.prototype.sortAll = function () {
    var s = this.scores;
    this.ranked = this.found.slice().sort(function (a, b) { return (s[b] - s[a]) || (a - b); });
    this.sorted = true;
  };
  Object.defineProperty(Ranking.prototype, "positions", {
    get: function () { if (!this.sorted) { this.sortAll(); } return this.ranked; }
  });

  /* A test of trial positions against the filters f: {status, phase, condition, country, age,
     sex, healthy}, with every filter turned into codes once. */
  Engine.prototype.filter = function (f) {
    var t = this.trials, lists = this.lists, code = this.code, openCode = this.openCode, tests = [];
    if (f.status) {
      var status = code.status[f.status];
      tests.push(f.status === "open" ? function (pos) { return openCode[t.status[pos]]; }
        : function (pos) { return t.status[pos] === status; });
    }
    if (f.phase) {
      var phase = code.phase[f.phase];
      var phases = lists.phases.all();
      tests.push(function (pos) { return phases[pos].indexOf(phase) >= 0; });
    }
    if (f.condition) {
      var want = normalise(f.condition);
      if (!this.conditionKeys) { this.conditionKeys = this.docs.tables.conditions.map(normalise); }
      var hit = this.conditionKeys.map(function (k) { return k.indexOf(want) >= 0; });
      var conditions = lists.conditions.all();
      tests.push(function (pos) { return conditions[pos].some(function (c) { return hit[c]; }); });
    }
    if (f.country) {
      var country = this.docs.tables.countries.indexOf(f.country);
      var countries = lists.countries.all();
      tests.push(function (pos) { return countries[pos].indexOf(country) >= 0; });
    }
    if (f.age !== null && f.age !== undefined && f.age !== "" && !isNaN(f.age)) {
      var age = Number(f.age);
      tests.push(function (pos) {
        var lo = t.min_age[pos], hi = t.max_age[pos];
        return !((lo !== null && age < lo) || (hi !== null && age > hi));
      });
    }
    if (f.sex) {
      var sex = code.sex[f.sex], any = code.sex.ALL;
      tests.push(function (pos) { var s = t.sex[pos]; return s === null || s === any || s === sex; });
    }
    if (f.healthy) { tests.push(function (pos) { return t.healthy[pos] === 1; }); }
    return function (pos) { return tests.every(function (test) { return test(pos); }); };
  };

  /* The trials matching the query and filters (a Ranking); no words lists every trial, open
     ones first. */
  Engine.prototype.find = function (query, filters) {
    var self = this, f = filters || {};
    var filtered = Object.keys(f).some(function (k) { var v = f[k]; return v !== undefined && v !== null && v !== "" && v !== false; });
    return this.search(query).then(function (r) {
      return filtered || r.hits === null ? self.load().then(function () { return r; }) : r;
    }).then(function (r) {
      var keep = filtered ? self.filter(f) : function () { return true; };
      if (r.hits === null) {
        var open = [], rest = [];
        for (var i = 0; i < self.count; i++) {
          if (keep(i)) { (self.openCode[self.trials.status[i]] ? open : rest).push(i); }
        }
        return new Ranking(open.concat(rest), null, r.terms);
      }
      return new Ranking(r.hits.pos.filter(keep), r.hits.score, r.terms);
    });
  };

  /* Title, first sentence and place names of trial `pos` (fetching its text shard once). */
  Engine.prototype.text = function (pos) {
    var self = this;
    if (!this.textSize) { return this.load().then(function () { return self.text(pos); }); }
    var size = this.textSize, n = Math.floor(pos / size);
    if (!this.texts[n]) {
      this.texts[n] = this.fetchJSON("text/" + n + ".json");
      this.texts[n].catch(function () { delete self.texts[n]; });
    }
    return this.texts[n].then(function (shard) {
      var i = pos - n * size;
      return {
        title: shard.title[i],
        summary: shard.summary[i],
        places: shard.places[i].map(function (p) { return shard.place_names[p]; })
      };
    });
  };

  /* Everything a result line shows. Its text shard is asked for first; what docs.json says is
     read while that is on its way (the first read of a column splits it: a few milliseconds). */
  Engine.prototype.result = function (pos) {
    var self = this, text = this.text(pos);
    text.catch(function () {});  // handled below, once docs.json is in
    return this.load().then(function () {
      var d = self.docs, lists = self.lists, id = self.id(pos), status = self.statusOf(pos);
      var r = {
        id: id,
        url: d.trial_url.replace("{id}", id),
        status: status,
        statusWords: d.labels.status[status] || status,
        phases: lists.phases.at(pos).map(function (c) { var p = d.codes.phase[c]; return d.labels.phase[p] || p; }),
        conditions: lists.conditions.at(pos).map(function (c) { return d.tables.conditions[c]; }),
        countries: lists.countries.at(pos).map(function (c) { return d.tables.countries[c]; })
      };
      return text.then(function (t) {
        r.title = t.title;
        r.summary = t.summary;
        r.places = t.places;
        return r;
      });
    });
  };

  /* Should `word` (as it appears on screen) be marked, given the index terms the query matched? */
  Engine.prototype.isHit = function (word, terms) {
    var forms = this.forms.get(word);
    if (!forms) {  // normalising and stemming each word on screen was slower than the search itself
      var n = normalise(word);
      forms = n ? [n, this.stem(n)] : [];
      if (this.forms.size > 50000) { this.forms.clear(); }
      this.forms.set(word, forms);
    }
    return forms.length > 0 && (terms.has(forms[0]) || terms.has(forms[1]));
  };

  return { normalise: normalise, Engine: Engine, Ranking: Ranking, Lists: Lists, Shard: Shard, dotProducts: dotProducts,
    decodeDelta: decodeDelta, shardsUnder: shardsUnder };
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

  var shards = null;
  try { shards = JSON.parse(form.getAttribute("data-shards")); } catch (e) { shards = null; }  // else fetched
  var engine = new window.ssgSearch.Engine(window.lunr, fetchJSON, shards);
  function mark(name) { if (window.performance && performance.mark) { performance.mark("ssg-search:" + name); } }
  // Marks for bench/search_bench.py: store loaded, matching started, first result shown.
  var loadEngine = engine.load;
  engine.load = function () {
    var first = !this.ready;
    var p = loadEngine.call(this);
    if (first) { p.then(function () { mark("loaded"); }, function () {}); }
    return p;
  };
  engine.onMatching = function () { engine.onMatching = null; mark("matching"); };
  var current = new window.ssgSearch.Ranking([], null, new Set());
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
    FIELDS.forEach(function (name) { var v = params.get(name); if (v) { state[name] = optionValue(name, v); } });
    return state;
  }

  /* A hand-typed link may say "status=recruiting": take the list's own spelling of the value. */
  function optionValue(name, v) {
    var el = control(name);
    if (!el || !el.options) { return v; }
    for (var i = 0; i < el.options.length; i++) {
      if (el.options[i].value.toLowerCase() === v.toLowerCase()) { return el.options[i].value; }
    }
    return v;
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

  /* 7877 -> "7,877". Not toLocaleString: its first call loads locale data, over 10 ms of the
     main thread in a profile of the first search. */
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+$)/g, ","); }

  function announce(n, state) {
    var words;
    if (n === 0) {
      words = "No trials found. Try fewer words or fewer filters.";
    } else {
      words = (n === 1 ? "1 trial found" : thousands(n) + " trials found") +
        (n > shown ? ", showing the first " + shown : "") + ".";
    }
    if (isEmpty(state)) { words = ""; }
    countEl.textContent = words;
  }

  /* The next page of results, each shown as soon as it and those before it have their text
     (a result's title lives in a text shard fetched on demand). */
  function showMore(gen) {
    var slice = current.slice(shown, shown + pageSize), pending = [];
    function result(i) {
      if (!pending[i]) { pending[i] = engine.result(slice[i]); }
      return pending[i];
    }
    // The first result's text shard is fetched alone: twenty responses arriving and parsed at
    // once held its drawing back by tens of milliseconds. The rest are asked for once it is drawn.
    var chain = Promise.resolve();
    slice.forEach(function (pos, i) {
      chain = chain.then(function () {
        if (i === 1) { for (var j = 1; j < slice.length; j++) { result(j); } }
        return result(i);
      }).then(function (r) {
        if (gen !== generation) { return; }
        list.appendChild(renderResult(r));
        shown += 1;
        if (!firstResultMarked) { firstResultMarked = true; mark("first-result"); }
      });
    });
    return chain.then(function () {
      if (gen === generation) { more.hidden = shown >= current.count; }
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
      return showMore(gen).then(function () { if (gen === generation) { announce(r.count, state); } });
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
      announce(current.count, readForm());
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
