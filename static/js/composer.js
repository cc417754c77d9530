// Composer pages: channel options, live counter + preview, audience count.
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function debounce(fn, ms) { var t; return function () { clearTimeout(t); t = setTimeout(fn, ms); }; }
  function csrf() { var el = $("input[name=csrfmiddlewaretoken]"); return el ? el.value : ""; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function charName(ch) {
    var cp = ch.codePointAt(0).toString(16).toUpperCase();
    return "“" + ch + "” (U+" + ("0000" + cp).slice(-Math.max(4, cp.length)) + ")";
  }

  // --- step 1: channel and its options (what the account's routes can carry) --------
  var offersEl = $("#channel-offers");
  if (offersEl) {
    var offers = JSON.parse(offersEl.textContent);
    var channelName = { sms: "SMS", voice: "Voice", whatsapp: "WhatsApp", ussd: "USSD" };
    function channel() { var c = $("input[name=channel]:checked"); return c ? c.value : "sms"; }
    function markChannels() {
      $all("input[name=channel]").forEach(function (input) {
        var label = input.closest("label");
        var ok = offers[input.value] && offers[input.value].available;
        if (!label) return;
        label.classList.toggle("unavailable", !ok);
        var note = label.querySelector(".na");
        if (!note) { note = document.createElement("span"); note.className = "na small muted"; label.appendChild(note); }
        note.textContent = ok ? "" : " — not set up";
      });
    }
    function refresh() {
      var ch = channel();
      var o = offers[ch] || { available: false, voice: [], whatsapp: [], flash: false };
      var missing = $("#channel-unavailable");
      missing.hidden = o.available;
      $("[data-channel-name]", missing).textContent = channelName[ch];
      $all("[data-for-channel]").forEach(function (el) { el.hidden = el.getAttribute("data-for-channel") !== ch || !o.available; });
      var flash = $("#id_flash");
      if (flash) {
        flash.disabled = !o.flash;
        if (!o.flash) flash.checked = false;
        $("#flash-note").textContent = o.flash ? "" : "Flash SMS is not available on your account.";
      }
      [["voice_kind", o.voice], ["whatsapp_type", o.whatsapp]].forEach(function (pair) {
        $all("input[name=" + pair[0] + "]").forEach(function (input) {
          var ok = pair[1].indexOf(input.value) !== -1;
          input.disabled = !ok;
          var label = input.closest("label");
          if (label) {
            label.classList.toggle("unavailable", !ok);
            var note = label.querySelector(".na");
            if (!note) { note = document.createElement("span"); note.className = "na small muted"; label.appendChild(note); }
            note.textContent = ok ? "" : " — not available";
          }
          if (!ok && input.checked) input.checked = false;
        });
        var enabled = $all("input[name=" + pair[0] + "]:not(:disabled)");
        if (enabled.length && !$("input[name=" + pair[0] + "]:checked")) enabled[0].checked = true;
      });
    }
    $all("input[name=channel]").forEach(function (r) { r.addEventListener("change", refresh); });
    markChannels();
    refresh();
  }

  // --- step 3: placeholder problems and what an empty field becomes (SMS and WhatsApp) --
  function showProblems(problems) {
    var box = $("#placeholder-problems");
    if (!box) return;
    box.hidden = !problems.length;
    box.innerHTML = problems.length ? "<strong>Fix before you continue:</strong><ul>" +
      problems.map(function (p) { return "<li>" + esc(p) + "</li>"; }).join("") + "</ul>" : "";
    // The server's error under the field said the same about the text as it was; it is stale now.
    $all("[data-placeholder-error]").forEach(function (el) { el.hidden = true; });
  }
  function showEmpty(text) {
    var box = $("#preview-empty-box");
    if (!box) return;
    box.hidden = !text;
    $("#preview-empty").textContent = text || "";
  }

  // --- any form: an error under a field goes once the field is changed ---------------
  $all(".field.has-error").forEach(function (field) {
    var clear = function () {
      field.classList.remove("has-error");
      $all(".field-error", field).forEach(function (el) { el.hidden = true; });
    };
    $all("input, select, textarea", field).forEach(function (input) {
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input", clear, { once: true });
    });
  });

  // --- step 3: WhatsApp template: one field per variable, rendered preview ----------
  var waSelect = $("[data-wa-template]");
  if (waSelect) {
    var waBox = $("#wa-preview-box");
    var waPreview = debounce(function () {
      var group = $("[data-template-group='" + waSelect.value + "']");
      var bubble = $("#wa-preview");
      if (!group) { bubble.textContent = "Choose a template to see the message."; showProblems([]); showEmpty(""); return; }
      var body = new URLSearchParams({ template: waSelect.value, campaign: waBox.getAttribute("data-campaign"), sample: ($("#preview-sample") || {}).value || "" });
      $all("[data-wa-variable]", group).forEach(function (i) { body.append("variables", i.value); });
      $("#wa-preview-media").hidden = group.getAttribute("data-has-media") !== "1";
      fetch(waBox.getAttribute("data-preview-url"), { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
        .then(function (r) { return r.json(); })
        .then(function (data) { bubble.textContent = data.rendered; showProblems(data.problems); showEmpty(data.rendered_empty); });
    }, 250);
    var showGroup = function () {
      $all("[data-template-group]").forEach(function (g) { g.hidden = g.getAttribute("data-template-group") !== waSelect.value; });
      waPreview();
    };
    waSelect.addEventListener("change", showGroup);
    $all("[data-wa-variable]").forEach(function (i) { i.addEventListener("input", waPreview); });
    var waSample = $("#preview-sample");
    if (waSample) waSample.addEventListener("input", waPreview);
    showGroup();
  }

  // --- step 3: content: counter and preview -------------------------------------------
  var text = $("[data-sms-text]");
  if (text) {
    var counter = $("#sms-counter"), warn = $("#ucs2-warning"), preview = $("#preview-text");
    var previewInfo = $("#preview-info");
    var isSms = text.getAttribute("data-sms-text") === "sms";
    var tracking = $("#id_track_links");
    // The text as recipients get it: tracked links count at the short link's length.
    function asSent() {
      var on = !tracking || tracking.checked;
      return window.SmsCounter.withShortLinks(text.value, on ? text.getAttribute("data-short-link") : "");
    }
    function describe(info) {
      return (info.encoding === "gsm7" ? "GSM-7" : "UCS-2 (Unicode)") + ", " + info.units + (info.encoding === "gsm7" ? " characters, " : " UTF-16 units, ") +
        info.segments + " segment" + (info.segments === 1 ? "" : "s");
    }
    // The browser counts the text as typed at once; the server's answer then counts it as the
    // sample contact gets it (placeholders filled), which is what is billed.
    function showCount(info, source, label, measured) {
      label = label || (asSent() !== text.value ? "As sent, links shortened" : "As written");
      measured = measured === undefined ? asSent() : measured;
      counter.setAttribute("data-source", source);
      if (!isSms) { counter.innerHTML = "<span><strong>" + Array.from(text.value).length + "</strong> characters</span>"; return; }
      counter.innerHTML =
        "<span>" + esc(label) + " — encoding: <strong data-encoding>" + (info.encoding === "gsm7" ? "GSM-7" : "UCS-2 (Unicode)") + "</strong></span>" +
        "<span><strong data-units>" + info.units + "</strong> " + (info.encoding === "gsm7" ? "characters" : "UTF-16 units") + "</span>" +
        "<span><strong data-segments>" + info.segments + "</strong> segment" + (info.segments === 1 ? "" : "s") + "</span>" +
        "<span><strong>" + info.remaining + "</strong> left in this segment</span>";
      if (info.ucs2_chars.length) {
        var plain = window.SmsCounter.gsm7Segments(measured);
        var extra = info.segments - plain;
        warn.hidden = false;
        warn.innerHTML = "<strong>Unicode needed:</strong> " + info.ucs2_chars.map(function (c) { return esc(charName(c)); }).join(", ") +
          (info.ucs2_chars.length === 1 ? " is" : " are") + " not in the GSM-7 alphabet, so a segment holds 70 characters instead of 160" +
          (extra > 0 ? " — this costs <strong>" + extra + " extra segment" + (extra === 1 ? "" : "s") + "</strong> per recipient (" + info.segments + " instead of " + plain + ")." : ".");
      } else {
        warn.hidden = true;
      }
    }
    var fetchPreview = debounce(function () {
      var sampleBox = $("#preview-sample");
      var body = new URLSearchParams({ text: text.value, campaign: text.getAttribute("data-campaign") || "", sample: sampleBox ? sampleBox.value : "",
        track_links: !tracking || tracking.checked ? "1" : "0" });
      fetch(text.getAttribute("data-preview-url"), { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.text_info.segments !== window.SmsCounter.analyze(asSent()).segments && window.console) console.warn("counter disagrees with the server", data.text_info);
          var personal = text.value.indexOf("{{") !== -1 && data.rendered;
          if (personal) showCount(data.rendered_info, "server", "For " + data.sample, data.rendered);
          else showCount(data.text_info, "server");
          if (preview) preview.textContent = data.rendered || "";
          if (previewInfo) previewInfo.textContent = isSms && personal ? "Each recipient's length depends on their fields; the estimate counts every one. As written: " + describe(data.text_info) + "." : "";
          showProblems(data.problems);
          showEmpty(data.rendered_empty);
        });
    }, 300);
    text.addEventListener("input", function () { showCount(window.SmsCounter.analyze(asSent()), "browser"); fetchPreview(); });
    var sampleInput = $("#preview-sample");
    if (sampleInput) sampleInput.addEventListener("input", fetchPreview);
    if (tracking) tracking.addEventListener("change", function () { showCount(window.SmsCounter.analyze(asSent()), "browser"); fetchPreview(); });
    $all("[data-insert]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var token = "{{ " + btn.getAttribute("data-insert") + " }}";
        var s = text.selectionStart, e = text.selectionEnd;
        text.value = text.value.slice(0, s) + token + text.value.slice(e);
        text.focus();
        text.selectionStart = text.selectionEnd = s + token.length;
        text.dispatchEvent(new Event("input"));
      });
    });
    var tpl = $("#id_template");
    if (tpl && isSms) {
      tpl.addEventListener("change", function () {
        var body = tpl.selectedOptions[0] && tpl.selectedOptions[0].getAttribute("data-body");
        if (body && (!text.value || window.confirm("Replace the message with this template?"))) { text.value = body; text.dispatchEvent(new Event("input")); }
      });
    }
    showCount(window.SmsCounter.analyze(asSent()), "browser");
    fetchPreview();
  }

  // --- step 4: audience count ------------------------------------------------------
  var audience = $("#audience-summary");
  if (audience) {
    var refreshAudience = debounce(function () {
      var params = new URLSearchParams();
      $all("input[name=lists]:checked").forEach(function (i) { params.append("lists", i.value); });
      $all("input[name=exclude_lists]:checked").forEach(function (i) { params.append("exclude_lists", i.value); });
      ["segments", "exclude_segments"].forEach(function (key) {
        $all("input[name=" + key + "]:checked").forEach(function (i) { params.append(key, i.value); });
      });
      if (!params.has("lists") && !params.has("segments")) { audience.innerHTML = "Choose at least one list or segment."; return; }
      audience.textContent = "Counting…";
      fetch(audience.getAttribute("data-url") + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          audience.innerHTML = "<strong data-recipients>" + s.recipients.toLocaleString() + "</strong> recipients " +
            "<span class='muted'>(" + s.total.toLocaleString() + " in the lists and segments; left out: " + s.suppressed + " suppressed, " + s.invalid +
            " invalid, " + s.duplicate + " duplicates" + (s.excluded ? ", " + s.excluded + " excluded" : "") + ")</span>";
        });
    }, 250);
    $all("input[name=lists], input[name=exclude_lists], input[name=segments], input[name=exclude_segments]").forEach(function (i) { i.addEventListener("change", refreshAudience); });
    refreshAudience();
  }

  // --- step 6: review: every limit launch checks; Launch disabled with the reason ------
  var checksBox = $("#launch-checks");
  var launchButton = $("#launch-button");
  if (checksBox) {
    var blocked = $("#launch-blocked");
    if (launchButton) launchButton.disabled = true;
    fetch(checksBox.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (report) {
        checksBox.setAttribute("aria-busy", "false");
        if (report.error) { checksBox.innerHTML = "<li class='check bad'>" + esc(report.error) + "</li>"; return; }
        var fixLink = function (c) {
          var url = checksBox.getAttribute("data-fix-" + c.key);
          return url ? " <a href='" + esc(url) + "'>Change " + esc(c.label.toLowerCase()) + "</a>" : "";
        };
        checksBox.innerHTML = report.checks.map(function (c) {
          return "<li class='check " + (c.ok ? "ok" : "bad") + "' data-check='" + esc(c.key) + "'>" +
            "<span class='check-mark' aria-hidden='true'>" + (c.ok ? "✓" : "✗") + "</span>" +
            "<span class='check-label'>" + esc(c.label) + "</span>" +
            "<span class='check-value'>" + esc(c.value) + "</span>" +
            (c.problems.length ? "<span class='check-problem'>" + c.problems.map(esc).join("<br>") + fixLink(c) + "</span>" : "") + "</li>";
        }).join("");
        if (!launchButton) return;
        launchButton.disabled = !report.ok;
        blocked.hidden = report.ok;
        blocked.innerHTML = report.ok ? "" : "<strong>Launch is blocked:</strong><ul>" +
          report.errors.map(function (e) { return "<li>" + esc(e) + "</li>"; }).join("") + "</ul>";
      })
      .catch(function () {
        checksBox.innerHTML = "<li class='check warn'>The checks could not be loaded; launch checks them anyway.</li>";
        if (launchButton) launchButton.disabled = false;
      });
  }

  // --- step 6: review: test sends and their status, polled until final --------------
  var testsBox = $("#test-sends");
  if (testsBox) {
    var polls = 0;
    var renderTests = function (data) {
      if (!data.tests.length) return;
      testsBox.innerHTML = data.tests.map(function (t) {
        return "<li class='test-send' data-test='" + t.id + "' data-status='" + esc(t.status) + "'>" +
          "<div class='test-head'><span><span class='mono'>" + esc(t.to) + "</span>" +
          (t.variant ? " <span class='badge'>Variant " + esc(t.variant) + "</span>" : "") + "</span> <span class='badge badge-" + esc(t.status) + "'>" + esc(t.status_label) + "</span></div>" +
          "<div class='bubble test-text'>" + esc(t.text) + "</div>" +
          "<ol class='timeline'>" + t.steps.map(function (s) { return "<li><span>" + esc(s.label) + "</span> <span class='muted small'>" + esc(s.at) + "</span></li>"; }).join("") + "</ol>" +
          (t.error ? "<p class='field-error'>" + esc(t.error) + "</p>" : "") + "</li>";
      }).join("");
    };
    var pollTests = function () {
      fetch(testsBox.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          renderTests(data);
          polls += 1;
          if (!data.done && polls < 120) setTimeout(pollTests, 1500);
        });
    };
    pollTests();
  }

  // --- template form: show the parts of the chosen kind --------------------------------
  var kinds = $all("input[name=kind]");
  if (kinds.length) {
    var showKind = function () {
      var kind = ($("input[name=kind]:checked") || {}).value || "sms";
      $all("[data-for-kind]").forEach(function (el) { el.hidden = el.getAttribute("data-for-kind") !== kind; });
    };
    kinds.forEach(function (r) { r.addEventListener("change", showKind); });
    showKind();
  }

  // --- step 5: schedule: show the date only for "later" --------------------------------
  var later = $all("input[name=when]");
  if (later.length) {
    var toggle = function () { var box = $("#send-at-box"); if (box) box.hidden = ($("input[name=when]:checked") || {}).value !== "later"; };
    later.forEach(function (r) { r.addEventListener("change", toggle); });
    toggle();
  }
})();
