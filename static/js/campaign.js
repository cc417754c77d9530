// Campaign page: poll the counts every 2 s while the campaign runs; draw the charts.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) return;
  var charts = {};
  var palette = ["#2957d6", "#1f8a4c", "#c0342b", "#e09a1a", "#7b4fd6", "#0e8fa3", "#a15c00", "#5b6475", "#d6297b", "#3aa856"];

  function markEmpty(canvas, empty) {
    var box = canvas.parentNode;
    var note = box.querySelector(".empty");
    if (empty && !note) {
      note = document.createElement("p");
      note.className = "empty small";
      note.textContent = "No data yet.";
      box.appendChild(note);
    } else if (!empty && note) {
      note.remove();
    }
  }

  function draw(id, type, rows, label, opts) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    var labels = rows.map(function (r) { return r[0]; });
    var values = rows.map(function (r) { return r[1]; });
    markEmpty(canvas, !rows.length);
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets[0].data = values;
      charts[id].update("none");
      return;
    }
    charts[id] = new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: id === "chart-time" ? "#2957d6" : palette, borderColor: id === "chart-time" ? "#2957d6" : palette }] },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: type === "doughnut" } } }, opts || {})
    });
  }

  function loadStats() {
    fetch(live.getAttribute("data-stats-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        draw("chart-funnel", "bar", s.funnel, "Messages", { indexAxis: "y" });
        draw("chart-time", "bar", s.over_time.map(function (r) { return [new Date(r[0]).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }), r[1]]; }), "Delivered");
        draw("chart-errors", "bar", s.errors, "Messages");
        draw("chart-networks", "doughnut", s.networks, "Messages");
        draw("chart-cost", "bar", s.cost_by_network, "Cost");
        draw("chart-voice", "doughnut", s.voice_outcomes, "Calls");
        draw("chart-dtmf", "bar", s.dtmf, "Answers");
        draw("chart-ussd", "bar", s.ussd_answers, "Answers");
      });
  }

  function showCounts(data) {
    Object.keys(data.counts).forEach(function (status) {
      var el = live.querySelector('[data-count="' + status + '"]');
      if (el) el.textContent = data.counts[status];
    });
    var p = data.progress;
    var bar = document.getElementById("campaign-bar");
    bar.setAttribute("aria-valuenow", p.percent);
    bar.firstElementChild.style.width = p.percent + "%";
    document.getElementById("progress-text").textContent = p.final + " of " + p.total + " messages final (" + p.percent + "%)" +
      (p.delivery_rate !== null ? " · delivery rate " + p.delivery_rate + "%" : "");
    document.getElementById("campaign-status").innerHTML = '<span class="badge badge-' + data.status + '">' + data.status_label + "</span>";
    document.getElementById("status-reason").textContent = data.status_reason || "";
    document.getElementById("spent").textContent = Number(data.spent).toFixed(2);
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
        showCounts(data);
        polls += 1;
        if (polls % 15 === 0 || !data.active) { loadStats(); reloadTable(); }  // charts read the messages: every 30 s
        if (data.active) setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  window.addEventListener("load", function () {
    loadStats();
    if (live.getAttribute("data-live") === "1") setTimeout(poll, 2000);
  });
})();
