// Served only by `ssg serve`; never part of a built site.
// Reloads the page when the dev server reports a finished rebuild.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = new EventSource(script.getAttribute("data-events"));
  var seen = null;
  events.onmessage = function (e) {
    if (seen === null) { seen = e.data; return; }
    if (e.data !== seen) { location.reload(); }
  };
})();
