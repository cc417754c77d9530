// The composer's A/B test page: a live counter and preview per variant, and the winner
// settings shown only for "test a share first".
(function () {
  "use strict";
  var form = document.getElementById("ab-form");
  if (!form) return;
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function debounce(fn, ms) { var t; return function () { clearTimeout(t); t = setTimeout(fn, ms); }; }
  function csrf() { var el = form.querySelector("input[name=csrfmiddlewaretoken]"); return el ? el.value : ""; }
  var isSms = form.getAttribute("data-sms") === "1";

  function countWords(info) {
    if (!info.units) return "Empty: not used";
    var enc = info.encoding === "gsm7" ? "GSM-7" : "Unicode";
    return info.units + " characters · " + info.segments + " segment" + (info.segments === 1 ? "" : "s") + " · " + enc;
  }

  function wire(textarea) {
    var label = textarea.getAttribute("data-variant-text");
    var counter = form.querySelector("[data-variant-counter='" + label + "']");
    var preview = form.querySelector("[data-variant-preview='" + label + "']");
    var problems = form.querySelector("[data-variant-problems='" + label + "']");
    var fetchPreview = debounce(function () {
      var body = new FormData();
      body.append("text", textarea.value);
      body.append("campaign", form.getAttribute("data-campaign"));
      body.append("track_links", form.getAttribute("data-track-links"));  // links count at the short link's length
      fetch(form.getAttribute("data-preview-url"), { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          preview.textContent = data.rendered;
          preview.hidden = !data.rendered;
          if (isSms && data.rendered_info) counter.textContent = countWords(data.rendered_info) + " for this contact";
          if (problems) {
            problems.textContent = (data.problems || []).join(" ");
            problems.hidden = !(data.problems || []).length;
          }
        });
    }, 250);
    function update() {
      if (isSms && window.SmsCounter) counter.textContent = countWords(window.SmsCounter.analyze(textarea.value));
      if (!textarea.value.trim()) { preview.textContent = ""; preview.hidden = true; if (problems) problems.hidden = true; return; }
      fetchPreview();
    }
    textarea.addEventListener("input", update);
    update();
  }
  $all("[data-variant-text]", form).forEach(wire);

  var settings = document.getElementById("ab-winner-settings");
  var enabled = form.querySelector("input[name=enabled]");
  var variants = document.getElementById("ab-variants");
  function refresh() {
    var mode = form.querySelector("input[name=mode]:checked");
    settings.hidden = !mode || mode.value !== "winner";
    variants.classList.toggle("ab-off", !enabled.checked);
  }
  $all("input[name=mode]", form).forEach(function (r) { r.addEventListener("change", refresh); });
  enabled.addEventListener("change", refresh);
  refresh();
})();
