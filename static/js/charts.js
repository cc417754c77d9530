// One palette with meaning and one set of words for every chart of the portal (campaign page,
// dashboard). Loaded before the page's own script; exposes window.PortalCharts.
(function () {
  "use strict";

  // Colours say what happened: green delivered, blue on its way, grey waiting, red not
  // delivered, amber expired, purple unknown, dark grey cancelled.
  var STATUS_COLORS = {
    delivered: "#1f8a4c",
    sent: "#2957d6",
    submitted: "#5b7fe0",
    queued: "#a3abbb",
    pending: "#c8ced9",
    undelivered: "#c0342b",
    rejected: "#e0665d",
    failed: "#8f1f19",
    expired: "#e09a1a",
    unknown: "#8b5cc7",
    cancelled: "#4b5263"
  };
  var STATUS_WORDS = {
    pending: "Waiting to send",
    queued: "Queued",
    submitted: "Submitted",
    sent: "Sent to network",
    delivered: "Delivered",
    undelivered: "Not delivered",
    expired: "Expired",
    rejected: "Rejected",
    failed: "Failed",
    unknown: "Unknown",
    cancelled: "Cancelled (not sent)"
  };
  // Series without a status meaning (networks, answers) take neutral, distinct hues.
  var SERIES = ["#2957d6", "#0e8fa3", "#7b4fd6", "#a15c00", "#d6297b", "#3aa856", "#5b6475", "#e09a1a"];
  var INK = "#4b5263";
  var GRID = "#e6e9f0";

  function statusColor(status) {
    return STATUS_COLORS[status] || SERIES[6];
  }

  function statusWord(status) {
    if (STATUS_WORDS[status]) return STATUS_WORDS[status];
    var text = String(status || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function zone() {
    return document.body.getAttribute("data-zone") || undefined;
  }

  // A moment as the viewer reads it: in the portal's zone (the user's or the account's),
  // never the browser's.
  function formatTime(iso, withDate) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone() };
    if (withDate) { options.day = "numeric"; options.month = "short"; }
    try {
      return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
    } catch (e) {
      delete options.timeZone;
      return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
    }
  }

  function narrow() {
    return window.matchMedia("(max-width: 640px)").matches;
  }

  // Chart.js options every chart shares: no animation, readable ticks, legends at the bottom.
  function baseOptions(extra) {
    var small = narrow();
    var font = { size: small ? 11 : 12 };
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false, position: "bottom", labels: { boxWidth: 12, font: font, color: INK } },
        tooltip: { mode: "nearest", intersect: true }
      }
    };
    return deepMerge(options, extra || {});
  }

  // decimals: the value axis' precision (counts are whole numbers; money is not).
  function axes(xTitle, yTitle, horizontal, decimals) {
    var small = narrow();
    var font = { size: small ? 10 : 12 };
    var valueAxis = { beginAtZero: true, ticks: { precision: decimals || 0, color: INK, font: font }, grid: { color: GRID } };
    var categoryAxis = { ticks: { color: INK, font: font, autoSkip: true, maxRotation: small ? 60 : 0 }, grid: { display: false } };
    var x = horizontal ? valueAxis : categoryAxis;
    var y = horizontal ? categoryAxis : valueAxis;
    if (xTitle) x.title = { display: true, text: xTitle, color: INK, font: font };
    if (yTitle) y.title = { display: true, text: yTitle, color: INK, font: font };
    return { x: x, y: y };
  }

  function deepMerge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && !Array.isArray(value) && target[key] && typeof target[key] === "object") {
        deepMerge(target[key], value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  window.PortalCharts = {
    STATUS_COLORS: STATUS_COLORS,
    SERIES: SERIES,
    statusColor: statusColor,
    statusWord: statusWord,
    formatTime: formatTime,
    zone: zone,
    narrow: narrow,
    baseOptions: baseOptions,
    axes: axes
  };
})();
