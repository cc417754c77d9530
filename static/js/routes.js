// Route form: the share (%) inputs matter only for a weighted route; the match input only
// for a route that matches something.
(function () {
  "use strict";
  var form = document.querySelector("[data-route-form]");
  if (!form) return;
  function checked(name) { var el = form.querySelector("input[name=" + name + "]:checked"); return el ? el.value : ""; }
  function refresh() {
    var weighted = checked("strategy") === "weighted";
    form.querySelectorAll("[data-share]").forEach(function (el) { el.hidden = !weighted; });
    form.querySelectorAll(".member-row").forEach(function (row) { row.classList.toggle("single", !weighted); });
    var match = form.querySelector("[data-match-value]");
    if (match) match.hidden = checked("match_kind") === "default";
  }
  form.querySelectorAll("input[name=strategy], input[name=match_kind]").forEach(function (input) {
    input.addEventListener("change", refresh);
  });
  refresh();
})();
