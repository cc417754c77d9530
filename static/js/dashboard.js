// Dashboard: the chosen period's messages per day, stacked by outcome (data from json_script),
// in the portal's palette and words (charts.js).
(function () {
  "use strict";
  var canvas = document.getElementById("chart-days");
  var source = document.getElementById("period-series");
  if (!canvas || !source) return;
  // Each series takes the colour of the status it stands for.
  var STATUS_OF = { delivered: "delivered", failed: "undelivered", on_the_way: "queued", not_sent: "cancelled" };

  function dayLabel(iso) {
    var parts = iso.split("-");
    var d = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  }

  window.addEventListener("load", function () {
    if (!window.Chart || !window.PortalCharts) return;
    var PC = window.PortalCharts;
    var data = JSON.parse(source.textContent);
    var scales = PC.axes("Day", "Messages");
    scales.x.stacked = true;
    scales.y.stacked = true;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.days.map(dayLabel),
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: PC.statusColor(STATUS_OF[s.key] || s.key), stack: "messages" };
        })
      },
      options: PC.baseOptions({ plugins: { legend: { display: true, position: "bottom" } }, scales: scales })
    });
  });
})();
