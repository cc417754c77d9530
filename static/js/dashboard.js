// Account dashboard: messages by status, in the portal's palette and words (charts.js).
(function () {
  "use strict";
  var source = document.getElementById("account-status-data");
  var canvas = document.getElementById("chart-account-status");
  if (!source || !canvas) return;
  window.addEventListener("load", function () {
    if (!window.Chart || !window.PortalCharts) return;
    var PC = window.PortalCharts;
    var rows = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: rows.map(function (r) { return PC.statusWord(r[0]); }),
        datasets: [{ label: "Messages", data: rows.map(function (r) { return r[1]; }), borderWidth: 0,
          backgroundColor: rows.map(function (r) { return PC.statusColor(r[0]); }) }]
      },
      options: PC.baseOptions({ cutout: "55%", plugins: { legend: { display: true, position: PC.narrow() ? "bottom" : "right" } } })
    });
  });
})();
