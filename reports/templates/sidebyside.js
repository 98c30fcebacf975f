(function () {
  "use strict";
  // The "where they disagree" filter of compare.html: hides the rows where
  // every implementation that checked the scenario agrees, and the headings
  // left without a row. #disagree in the address turns it on.
  var box = document.getElementById("only-disagree");
  var grid = document.getElementById("grid");
  if (!box || !grid) return;
  function apply() {
    var only = box.checked;
    grid.classList.toggle("only-disagree", only);
    grid.querySelectorAll("tbody.op").forEach(function (tb) {
      tb.hidden = !tb.querySelector(only ? "tr.disagree" : "tr.row");
    });
    grid.querySelectorAll("tbody.fam").forEach(function (tb) {
      var ops = grid.querySelectorAll("tbody.op");
      var any = false;
      ops.forEach(function (op) { if (op.dataset.family === tb.dataset.family && !op.hidden) any = true; });
      tb.hidden = !any;
    });
    var shown = 0;
    grid.querySelectorAll("tr.row").forEach(function (tr) { if (tr.getClientRects().length > 0) shown++; });
    grid.dataset.shown = String(shown);
  }
  box.addEventListener("change", function () {
    try { history.replaceState(null, "", box.checked ? "#disagree" : location.pathname + location.search); } catch (e) { /* file: pages may refuse */ }
    apply();
  });
  if (location.hash === "#disagree") box.checked = true;
  apply();
})();
