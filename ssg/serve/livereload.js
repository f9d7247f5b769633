// Served only by `ssg serve`; never part of a built site.
// Reloads the page when the dev server reports a finished rebuild, and shows the last build's
// errors over the page (styled by livereload.css), so an author sees why a change did not show up.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = new EventSource(script.getAttribute("data-events"));
  var seen = null;
  events.onmessage = function (e) {
    if (seen === null) { seen = e.data; return; }
    if (e.data !== seen) { location.reload(); }
  };

  var MAX_SHOWN = 50; // the terminal has every line

  function element(tag, text) {
    var el = document.createElement(tag);
    if (text !== undefined) { el.textContent = text; } // error text names files and quotes records: never HTML
    return el;
  }

  function show(report) {
    var errors = report.errors || [];
    if (!errors.length) { return; }
    var style = element("link");
    style.rel = "stylesheet";
    style.href = script.src.replace(/\.js$/, ".css");
    document.head.appendChild(style);
    var box = element("section");
    box.id = "ssg-problems";
    box.setAttribute("role", "alert");
    var one = errors.length === 1;
    var what = one ? "1 error" : errors.length + " errors";
    box.appendChild(element("h2", report.site_replaced
      ? "The last build reported " + what + ": the site was built without what " + (one ? "it names." : "they name.")
      : "The last build failed with " + what + ": these pages are from the build before it."));
    var list = element("ul");
    errors.slice(0, MAX_SHOWN).forEach(function (line) { list.appendChild(element("li", line)); });
    box.appendChild(list);
    if (errors.length > MAX_SHOWN) {
      box.appendChild(element("p", "… and " + (errors.length - MAX_SHOWN) + " more: see the terminal running ssg serve."));
    }
    var hide = element("button", "Hide");
    hide.type = "button";
    hide.addEventListener("click", function () { box.remove(); });
    box.appendChild(hide);
    document.body.appendChild(box);
  }

  fetch(script.getAttribute("data-problems"), { cache: "no-store" })
    .then(function (r) { return r.json(); })
    .then(show)
    .catch(function () { /* the server is gone (serve stopped): nothing to show */ });
})();
