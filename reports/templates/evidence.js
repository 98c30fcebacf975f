(function () {
  "use strict";
  // Renders a scenario's recorded exchanges when it is opened, from the
  // compressed block the page embeds (see reports/evidence.go). Text goes in
  // as textContent only, never as markup.
  var loaded = null;
  function load() {
    if (!loaded) {
      loaded = Promise.resolve().then(function () {
        var bin = atob(document.getElementById("evidence-data").textContent.trim());
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      }).then(JSON.parse);
    }
    return loaded;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function message(title, s, headers, body) {
    var box = el("div");
    box.appendChild(el("h4", "", title));
    if (headers && headers.length) {
      var table = el("table", "headers");
      for (var i = 0; i < headers.length; i += 2) {
        var tr = table.insertRow();
        tr.appendChild(el("td", "", s[headers[i]]));
        tr.appendChild(el("td", "mono", s[headers[i + 1]]));
      }
      box.appendChild(table);
    }
    box.appendChild(body ? el("pre", "", s[body]) : el("p", "muted", "(empty body)"));
    return box;
  }
  function exchange(s, x, open) {
    var d = el("details", "evidence");
    d.dataset.seq = x.n;
    d.open = open;
    var sum = el("summary");
    sum.appendChild(el("span", "mono", "#" + x.n));
    sum.append(" " + s[x.op || 0] + (x.a ? " · attempt " + x.a : "") + " · ");
    sum.appendChild(el("span", "status-" + s[x.c || 0], s[x.o || 0]));
    sum.append(" · " + s[x.t || 0]);
    if (x.d) sum.append(" ", el("span", "muted", "(injected delay " + s[x.d] + ")"));
    if (x.r) sum.append(" ", el("span", "muted", "rule " + s[x.r]));
    d.appendChild(sum);
    var pair = el("div", "pair");
    pair.append(message("Request", s, x.qh, x.qb), message("Response", s, x.rh, x.rb));
    d.appendChild(pair);
    return d;
  }
  function render(box) {
    if (box.dataset.state) return;
    box.dataset.state = "loading";
    load().then(function (data) {
      var open = box.hasAttribute("data-open");
      box.replaceChildren.apply(box, (data.x[+box.dataset.ev] || []).map(function (x) { return exchange(data.s, x, open); }));
      box.dataset.state = "shown";
    }, function (err) {
      box.dataset.state = "error";
      box.replaceChildren(el("p", "muted", "This browser could not unpack the evidence (" + err + "); results.json holds it too."));
    });
  }
  function opened(d) {
    var box = d.querySelector(".exchanges[data-ev]");
    if (box) render(box);
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.matches && e.target.matches("details.scenario") && e.target.open) opened(e.target);
  }, true);
  // A link to a scenario (from the matrix, the failures, the findings) opens it.
  function openTarget() {
    var t = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (t && t.matches("details.scenario")) t.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  document.querySelectorAll("details.scenario[open]").forEach(opened);
})();
