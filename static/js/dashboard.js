// Dashboard: the chosen period's messages per day, stacked by outcome (data from json_script).
(function () {
  "use strict";
  var canvas = document.getElementById("chart-days");
  var source = document.getElementById("period-series");
  if (!canvas || !source) return;
  // Colours by meaning; a shared palette (window.PortalPalette) wins where it names a series.
  var fallback = { delivered: "#1f8a4c", failed: "#c0342b", on_the_way: "#8a93a6", not_sent: "#d9a441" };

  function colour(key) {
    var shared = window.PortalPalette || {};
    return shared[key] || fallback[key] || "#2957d6";
  }

  function dayLabel(iso) {
    var parts = iso.split("-");
    var d = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return d.toLocaleDateString([], { day: "numeric", month: "short", timeZone: "UTC" });
  }

  window.addEventListener("load", function () {
    if (!window.Chart) return;
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.days.map(dayLabel),
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: colour(s.key), stack: "messages" };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          x: { stacked: true, title: { display: true, text: "Day" }, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "Messages" }, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
