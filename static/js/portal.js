// Site-wide behaviour: the phone-width menu, confirmation of destructive buttons, filters that
// submit on change, select-on-focus fields and progress bars (widths set here: the CSP allows
// no style attributes in the markup).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    }
    var selectable = event.target.closest("[data-select-on-focus]");
    if (selectable) selectable.select();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
  });

  function applyProgress(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-progress]") : [];
    Array.prototype.forEach.call(bars, function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-progress")) || 0));
      bar.style.width = value + "%";
    });
  }
  window.portalApplyProgress = applyProgress;
  applyProgress(document);
  // Pages that refresh parts of themselves (campaign and import progress) bring new bars.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      Array.prototype.forEach.call(m.addedNodes, function (node) {
        if (node.nodeType !== 1) return;
        if (node.hasAttribute("data-progress")) applyProgress(node.parentNode);
        else applyProgress(node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
