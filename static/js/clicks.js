// Campaign page: the "Clicks over time" chart, from the page's json_script data (hours, UTC ISO).
(function () {
  "use strict";

  function spansDays(rows) {
    return rows.length > 1 && new Date(rows[rows.length - 1][0]) - new Date(rows[0][0]) > 20 * 3600 * 1000;
  }

  function drawClicks() {
    var canvas = document.getElementById("chart-clicks");
    var data = document.getElementById("click-series");
    if (!canvas || !data || !window.Chart || !window.PortalCharts) return;
    var PC = window.PortalCharts;
    var rows = JSON.parse(data.textContent);
    var withDate = spansDays(rows);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return PC.formatTime(r[0], withDate); }),
        datasets: [{ label: "Clicks", data: rows.map(function (r) { return r[1]; }), backgroundColor: PC.SERIES[2], borderWidth: 0 }]
      },
      options: PC.baseOptions({ scales: PC.axes("Time (" + (PC.zone() || "local time") + ")", "Clicks") })
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawClicks);
  else drawClicks();
})();
