// The reply box of a conversation: SMS counter (same rules as the composer), live preview,
// WhatsApp template choice with its variables. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.querySelector("[data-reply-form]");
  if (!form) return;
  function $(sel) { return form.querySelector(sel); }
  function $all(sel) { return Array.prototype.slice.call(form.querySelectorAll(sel)); }

  var text = $("[data-reply-text]"), counter = document.getElementById("reply-counter");
  var preview = $("[data-reply-preview]"), textBox = $("[data-text-box]");
  var waOnly = $("[data-wa-only]"), templateSelect = $("[data-reply-template]"), varsBox = $("[data-reply-variables]");
  var waFree = form.getAttribute("data-wa-free") === "1";

  function channel() {
    var checked = $("input[name=channel]:checked") || $("input[name=channel]");
    return checked ? checked.value : "sms";
  }
  function chosenTemplate() {
    return templateSelect && channel() === "whatsapp" ? templateSelect.selectedOptions[0] : null;
  }
  function variables() { return $all("[data-reply-variable]").map(function (i) { return i.value; }); }

  function showCount() {
    var value = text.value;
    if (channel() !== "sms") { counter.textContent = Array.from(value).length + " characters"; return; }
    var info = window.SmsCounter.analyze(value);
    counter.textContent = "";
    [
      (info.encoding === "gsm7" ? "GSM-7" : "UCS-2 (Unicode)"),
      info.units + (info.encoding === "gsm7" ? " characters" : " UTF-16 units"),
      info.segments + " segment" + (info.segments === 1 ? "" : "s"),
      info.remaining + " left in this segment"
    ].forEach(function (part) { var s = document.createElement("span"); s.textContent = part; counter.appendChild(s); });
  }

  function showPreview() {
    var option = chosenTemplate();
    if (option && option.value) {
      var vars = variables(), body = option.getAttribute("data-body") || option.textContent;
      preview.textContent = body.replace(/\{\{\s*(\d+)\s*\}\}/g, function (all, n) { return vars[Number(n) - 1] || all; });
      return;
    }
    preview.textContent = text.value || "Your reply appears here.";
    preview.classList.toggle("placeholder", !text.value);
  }

  function showVariables() {
    var option = chosenTemplate();
    var wanted = option && option.value ? Number(option.getAttribute("data-variables") || 0) : 0;
    varsBox.textContent = "";
    for (var n = 1; n <= wanted; n++) {
      var box = document.createElement("div"), label = document.createElement("label"), input = document.createElement("input");
      label.textContent = "Variable " + n;
      input.name = "variables"; input.setAttribute("data-reply-variable", ""); input.id = "reply-var-" + n;
      label.htmlFor = input.id;
      input.addEventListener("input", showPreview);
      box.appendChild(label); box.appendChild(input); varsBox.appendChild(box);
    }
    varsBox.hidden = wanted === 0;
  }

  function layout() {
    var wa = channel() === "whatsapp";
    if (waOnly) waOnly.hidden = !wa;
    $all("[data-route-for]").forEach(function (p) { p.hidden = p.getAttribute("data-route-for") !== channel(); });
    var templated = wa && templateSelect && templateSelect.value;
    textBox.hidden = Boolean(templated) || (wa && !waFree);
    if (varsBox) showVariables();
    showCount();
    showPreview();
  }

  text.addEventListener("input", function () { showCount(); showPreview(); });
  $all("[data-reply-channel]").forEach(function (r) { r.addEventListener("change", layout); });
  if (templateSelect) templateSelect.addEventListener("change", layout);
  layout();
})();
