// Mirror of campaigns/encoding.py: GSM-7 (with its extension table) or UCS-2, units and
// segments (160/153 septets, 70/67 UTF-16 units; a two-unit character is never split).
// The server's /campaigns/compose/analyze.json gives the same answer; the page shows this
// one instantly and the server's once it arrives.
(function (global) {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";
  var LIMITS = { gsm7: [160, 153], ucs2: [70, 67] };

  function gsm7Cost(ch) {
    if (BASIC.indexOf(ch) !== -1) return 1;
    if (EXTENSION.indexOf(ch) !== -1) return 2;
    return null;
  }
  function segments(costs, single, multi) {
    var total = costs.reduce(function (a, b) { return a + b; }, 0);
    if (total === 0) return 0;
    if (total <= single) return 1;
    var n = 1, used = 0;
    costs.forEach(function (c) { if (used + c > multi) { n += 1; used = 0; } used += c; });
    return n;
  }
  function analyze(text) {
    var chars = Array.from(text || "");  // code points, like Python's str
    var forcing = [];
    chars.forEach(function (ch) { if (gsm7Cost(ch) === null && forcing.indexOf(ch) === -1) forcing.push(ch); });
    var encoding = forcing.length ? "ucs2" : "gsm7";
    var costs = chars.map(function (ch) {
      return encoding === "gsm7" ? gsm7Cost(ch) || 1 : (ch.codePointAt(0) > 0xffff ? 2 : 1);
    });
    var lim = LIMITS[encoding];
    var n = segments(costs, lim[0], lim[1]);
    var units = costs.reduce(function (a, b) { return a + b; }, 0);
    var per = n <= 1 ? lim[0] : lim[1];
    return { encoding: encoding, units: units, segments: n, per_segment: per,
             remaining: n <= 1 ? lim[0] - units : n * per - units, ucs2_chars: forcing };
  }
  // Segments the text would take if the characters forcing UCS-2 were left out.
  function gsm7Segments(text) {
    var kept = Array.from(text || "").filter(function (ch) { return gsm7Cost(ch) !== null; }).join("");
    return analyze(kept).segments;
  }
  // Mirror of campaigns/services/shortener.py's measured(): each URL as the tracked short link
  // (``shortLink``, of the real length) recipients get; "!URL" is sent as the plain URL.
  var URL_RE = /(!?)(https?:\/\/[^\s<>"']+)/gi;
  var TRAILING = ".,;:!?)]}";
  function splitTrailing(url) {
    var end = url.length;
    while (end > 0 && TRAILING.indexOf(url.charAt(end - 1)) !== -1) end -= 1;
    var stripped = url.slice(0, end);
    if (url.charAt(url.length - 1) === ")" && stripped.indexOf("(") !== -1 &&
        url.split("(").length === url.split(")").length) stripped = url;
    return [stripped, url.slice(stripped.length)];
  }
  function withShortLinks(text, shortLink) {
    return String(text || "").replace(URL_RE, function (all, bang, url) {
      var parts = splitTrailing(url);
      return (bang || !shortLink ? parts[0] : shortLink) + parts[1];
    });
  }
  global.SmsCounter = { analyze: analyze, gsm7Segments: gsm7Segments, withShortLinks: withShortLinks };
})(window);
