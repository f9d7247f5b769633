// Served only by `ssg serve`; never part of a built site.
// Reloads the page when the dev server reports a finished rebuild, and shows the last build's
// errors over the page, so an author sees why a change did not show up.
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
  // Styles through the CSSOM: the site's Content-Security-Policy allows no inline style attribute.
  function styled(tag, style, text) {
    var el = document.createElement(tag);
    Object.assign(el.style, style);
    if (text !== undefined) { el.textContent = text; } // error text names files and quotes records: never HTML
    return el;
  }

  function show(report) {
    var errors = report.errors || [];
    if (!errors.length) { return; }
    var box = styled("section", {
      position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647",
      maxHeight: "50vh", overflow: "auto", boxSizing: "border-box", padding: "1rem 1.25rem",
      background: "#fff4f4", color: "#1a1a1a", borderTop: "4px solid #b00020",
      boxShadow: "0 -2px 8px rgba(0,0,0,.25)", font: "16px/1.45 system-ui, sans-serif", textAlign: "left"
    });
    box.id = "ssg-problems";
    box.setAttribute("role", "alert");
    var one = errors.length === 1;
    var what = one ? "1 error" : errors.length + " errors";
    var heading = report.site_replaced
      ? "The last build reported " + what + ": the site was built without what " + (one ? "it names." : "they name.")
      : "The last build failed with " + what + ": these pages are from the build before it.";
    box.appendChild(styled("h2", { font: "bold 1.1rem/1.3 system-ui, sans-serif", margin: "0 0 .5rem" }, heading));
    var list = styled("ul", { margin: "0", paddingLeft: "1.25rem" });
    errors.slice(0, MAX_SHOWN).forEach(function (line) {
      list.appendChild(styled("li", {
        whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: ".25rem 0",
        font: "14px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
      }, line));
    });
    box.appendChild(list);
    if (errors.length > MAX_SHOWN) {
      box.appendChild(styled("p", { margin: ".5rem 0 0" },
        "… and " + (errors.length - MAX_SHOWN) + " more: see the terminal running ssg serve."));
    }
    var hide = styled("button", {
      marginTop: ".75rem", font: "inherit", padding: ".25rem .75rem", cursor: "pointer"
    }, "Hide");
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
