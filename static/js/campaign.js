// Campaign page: countdown to a scheduled send, live counts while sending, the charts (in the
// portal's zone and palette, see charts.js), and each message's timeline in a dialog.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) return;
  var PC = window.PortalCharts;
  var hasMessages = live.getAttribute("data-has-messages") === "1";
  var charts = {};
  var CALL_COLORS = { answered: "delivered", busy: "expired", unanswered: "undelivered", "no answer": "undelivered", rejected: "rejected", failed: "failed" };

  function colorDots(root) {
    (root || document).querySelectorAll("[data-status-color]").forEach(function (dot) {
      dot.style.backgroundColor = PC.statusColor(dot.getAttribute("data-status-color"));
    });
  }

  // ---- countdown -------------------------------------------------------------------------
  function remaining(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    if (d) return d + " d " + h + " h " + two(m) + " min";
    if (h) return h + " h " + two(m) + " min " + two(sec) + " s";
    return m + " min " + two(sec) + " s";
  }

  function startCountdown() {
    var el = document.getElementById("countdown");
    if (!el) return;
    var at = new Date(el.getAttribute("data-countdown-to")).getTime();
    function tick() {
      var left = at - Date.now();
      if (left <= 0) {
        el.textContent = "starting now…";
        el.removeAttribute("id");  // polls every 2 s from now on
        setTimeout(poll, 1500);
        return;
      }
      el.textContent = "starts in " + remaining(left);
      setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  // ---- charts ------------------------------------------------------------------------------
  function markEmpty(canvas, empty) {
    var box = canvas.parentNode;
    var note = box.querySelector(".empty");
    canvas.hidden = empty;
    if (empty && !note) {
      note = document.createElement("p");
      note.className = "empty small";
      note.textContent = canvas.getAttribute("data-empty") || "Nothing to show yet.";
      box.appendChild(note);
    } else if (!empty && note) {
      note.remove();
    }
  }

  function draw(id, type, rows, dataset, options) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    markEmpty(canvas, !rows.length);
    var labels = rows.map(function (r) { return r[0]; });
    var values = rows.map(function (r) { return r[1]; });
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets[0].data = values;
      charts[id].data.datasets[0].backgroundColor = dataset.backgroundColor;
      charts[id].update("none");
      return;
    }
    charts[id] = new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: [Object.assign({ data: values, borderWidth: 0 }, dataset)] },
      options: PC.baseOptions(options)
    });
  }

  function spansDays(rows) {
    if (rows.length < 2) return false;
    return new Date(rows[rows.length - 1][0]) - new Date(rows[0][0]) > 20 * 3600 * 1000;
  }

  function drawAll(s) {
    var zoneName = PC.zone() || "local time";
    var statusRows = s.statuses.map(function (r) { return [PC.statusWord(r[0]), r[1]]; });
    draw("chart-status", "doughnut", statusRows,
      { label: "Messages", backgroundColor: s.statuses.map(function (r) { return PC.statusColor(r[0]); }) },
      { plugins: { legend: { display: true } }, cutout: "55%" });
    var withDate = spansDays(s.over_time);
    draw("chart-time", "bar", s.over_time.map(function (r) { return [PC.formatTime(r[0], withDate), r[1]]; }),
      { label: "Delivered", backgroundColor: PC.statusColor("delivered") },
      { scales: PC.axes("Time (" + zoneName + ")", "Messages delivered") });
    draw("chart-errors", "bar", s.errors, { label: "Messages", backgroundColor: PC.statusColor("undelivered") },
      { indexAxis: "y", scales: PC.axes("Messages", null, true) });
    draw("chart-networks", "bar", s.networks, { label: "Messages", backgroundColor: PC.SERIES[1] },
      { indexAxis: "y", scales: PC.axes("Messages", null, true) });
    draw("chart-funnel", "bar", s.funnel,
      { label: "Messages", backgroundColor: [PC.statusColor("pending"), PC.statusColor("submitted"), PC.statusColor("sent"), PC.statusColor("delivered")] },
      { indexAxis: "y", scales: PC.axes("Messages", null, true) });
    var costCanvas = document.getElementById("chart-cost");
    var currency = costCanvas ? costCanvas.getAttribute("data-currency") : "";
    draw("chart-cost", "bar", s.cost_by_network, { label: "Cost (" + currency + ")", backgroundColor: PC.SERIES[6] },
      { scales: PC.axes("Network", "Cost (" + currency + ")", false, 2) });
    draw("chart-voice", "doughnut", s.voice_outcomes,
      { label: "Calls", backgroundColor: s.voice_outcomes.map(function (r, i) {
        var meaning = CALL_COLORS[String(r[0]).toLowerCase()];
        return meaning ? PC.statusColor(meaning) : PC.SERIES[i % PC.SERIES.length];
      }) },
      { plugins: { legend: { display: true } } });
    draw("chart-dtmf", "bar", s.dtmf, { label: "Answers", backgroundColor: PC.SERIES[0] }, { scales: PC.axes("Key pressed", "Calls") });
    draw("chart-ussd", "bar", s.ussd_answers, { label: "Answers", backgroundColor: PC.SERIES[0] },
      { indexAxis: "y", scales: PC.axes("Sessions", null, true) });
  }

  function loadStats() {
    if (!hasMessages) return;
    fetch(live.getAttribute("data-stats-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(drawAll);
  }

  // ---- live counts -----------------------------------------------------------------------
  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }

  function showBreakdown(rows) {
    var list = document.getElementById("breakdown");
    if (!list) return;
    list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      var dot = document.createElement("span");
      var strong = document.createElement("strong");
      dot.className = "dot";
      dot.setAttribute("data-status-color", row.status);
      strong.textContent = row.count;
      li.appendChild(dot);
      li.appendChild(document.createTextNode(row.label + " "));
      li.appendChild(strong);
      list.appendChild(li);
    });
    colorDots(list);
  }

  function showCounts(data) {
    Object.keys(data.tiles).forEach(function (key) {
      var el = live.querySelector('[data-tile="' + key + '"]');
      if (el) el.textContent = data.tiles[key];
    });
    var cancelled = live.querySelector('[data-tile-box="cancelled"]');
    if (cancelled) cancelled.hidden = !data.tiles.cancelled;
    var p = data.progress;
    var bar = document.getElementById("campaign-bar");
    if (bar) bar.value = p.percent;
    setText("progress-text", p.final + " of " + p.total + " messages have a final outcome (" + p.percent + "%)");
    setText("delivery-rate", p.delivery_rate !== null ? p.delivery_rate + "% delivery rate" : "no outcome yet");
    setText("spent", data.spent_text);
    showBreakdown(data.breakdown);
    var badge = document.createElement("span");
    badge.className = "badge badge-" + data.headline.badge;
    badge.textContent = data.headline.label;
    var holder = document.getElementById("campaign-status");
    holder.textContent = "";
    holder.appendChild(badge);
    setText("status-detail", data.headline.detail ? "· " + data.headline.detail : "");
    setText("status-reason", data.status_reason || "");
    var resend = document.getElementById("resend-link");
    if (resend && typeof data.resend === "number") {  // read with the counts above: they agree
      resend.hidden = !data.resend;
      resend.textContent = resend.getAttribute("data-label").replace("N", data.resend);
    }
    document.querySelectorAll("[data-show-when]").forEach(function (form) {
      form.hidden = form.getAttribute("data-show-when").split(" ").indexOf(data.status) === -1;
    });
  }

  // The messages table is server-rendered: refresh it in place now and then, and at the end.
  function reloadTable() {
    var table = document.getElementById("messages-table");
    if (!table) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("messages-table");
        if (fresh) table.innerHTML = fresh.innerHTML;
      });
  }

  var polls = 0;
  function poll() {
    fetch(live.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!hasMessages) {
          // A planned campaign started (or changed): its page becomes the sending page.
          if (data.tiles.recipients > 0 || data.status !== live.getAttribute("data-status")) { window.location.reload(); return; }
          if (data.active) setTimeout(poll, planPollMs());
          return;
        }
        showCounts(data);
        polls += 1;
        if (polls % 15 === 0 || !data.active) { loadStats(); reloadTable(); }  // charts read the messages: every 30 s
        if (data.active) setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  // A plan far ahead changes rarely; one starting now becomes a sending page within seconds.
  function planPollMs() {
    return document.getElementById("countdown") ? 15000 : 2000;
  }

  // ---- one message's timeline ----------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showTimeline(data) {
    var body = document.getElementById("timeline-body");
    body.textContent = "";
    document.getElementById("timeline-title").textContent = (data.name ? data.name + " · " : "") + data.to;
    var status = el("p");
    var badge = el("span", "badge badge-" + data.status, data.status_label);
    status.appendChild(badge);
    if (data.network) status.appendChild(document.createTextNode(" · " + data.network));
    body.appendChild(status);
    if (data.error) body.appendChild(el("p", "notice bad small", data.error));
    var list = el("ol", "timeline");
    data.steps.forEach(function (step) {
      var li = el("li");
      var dot = el("span", "dot");
      dot.setAttribute("data-status-color", step.status);
      li.appendChild(dot);
      var text = el("div");
      text.appendChild(el("strong", "", step.label));
      text.appendChild(el("div", "small muted", step.when));
      if (step.detail) text.appendChild(el("div", "small", step.detail));
      li.appendChild(text);
      list.appendChild(li);
    });
    body.appendChild(list);
    if (data.reports.length) {
      body.appendChild(el("h3", "", "Delivery reports received"));
      var reports = el("ul", "small reports");
      data.reports.forEach(function (r) { reports.appendChild(el("li", "", r.when + " · " + r.outcome)); });
      body.appendChild(reports);
    }
    if (data.http_url !== undefined) {
      var p = el("p", "small");
      if (data.http_url) {
        var a = el("a", "", "See the HTTP exchange with the provider →");
        a.href = data.http_url;
        p.appendChild(a);
      } else {
        p.textContent = "The HTTP exchange is no longer in the log.";
        p.className = "small muted";
      }
      body.appendChild(p);
    }
    colorDots(body);
  }

  function openTimeline(url) {
    var dialog = document.getElementById("timeline-dialog");
    document.getElementById("timeline-body").textContent = "Loading…";
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(showTimeline)
      .catch(function () { document.getElementById("timeline-body").textContent = "The timeline could not be loaded. Try again."; });
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-timeline-url]");
    if (opener) { openTimeline(opener.getAttribute("data-timeline-url")); return; }
    if (event.target.closest("[data-close-dialog]")) document.getElementById("timeline-dialog").close();
  });

  window.addEventListener("load", function () {
    colorDots();
    startCountdown();
    loadStats();
    if (live.getAttribute("data-live") === "1") setTimeout(poll, hasMessages ? 2000 : planPollMs());
  });
})();
