// arcdiag serve: optional improvements. Every page works without this file;
// the content security policy allows it because it is served by arcdiag.
"use strict";

(function () {
  // Keyboard: "/" focuses the search box, as on many documentation sites.
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key === "/" && !(t instanceof HTMLInputElement) && !(t instanceof HTMLTextAreaElement)) {
      var q = document.querySelector(".searchbar input[type=search]");
      if (q) { ev.preventDefault(); q.focus(); }
    }
  });

  // Print opens every finding and its neighbouring lines.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
