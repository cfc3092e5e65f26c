// arcdiag serve: optional improvements. Every page works without this file;
// the content security policy allows it because arcdiag serves it.
"use strict";

(function () {
  // The analysis of uploads is kept nowhere on the server, so without
  // script the language switch of a result page can only go back to the
  // form. With it, the form is sent by fetch and its data kept in this
  // page, so the switch sends the same files again in the other language.
  var kept = null;

  function analyze(data, lang) {
    document.body.classList.add("busy");
    return fetch("/analyze?lang=" + encodeURIComponent(lang), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.documentElement.lang = doc.documentElement.lang;
        document.title = doc.title;
        document.body.replaceWith(doc.body);
        history.replaceState(null, "", "/analyze?lang=" + encodeURIComponent(lang));
        bind();
      })
      .catch(function () { document.body.classList.remove("busy"); kept = null; });
  }

  function bind() {
    var form = document.getElementById("analyze-form");
    if (form && window.fetch && window.FormData && window.DOMParser) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        kept = new FormData(form);
        analyze(kept, document.documentElement.lang);
      });
    }
    var sw = document.getElementById("lang-switch");
    if (sw && kept && document.getElementById("runs")) {
      var note = document.querySelector(".relang");
      if (note) { note.hidden = true; }
      sw.addEventListener("click", function (ev) {
        ev.preventDefault();
        analyze(kept, sw.getAttribute("hreflang"));
      });
    }
  }

  // Keyboard: "/" focuses the search box.
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key === "/" && !(t instanceof HTMLInputElement) && !(t instanceof HTMLTextAreaElement)) {
      var q = document.querySelector(".searchbar input[type=search]");
      if (q) { ev.preventDefault(); q.focus(); }
    }
  });

  // Printing opens every finding and its neighbouring lines.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  bind();
})();
