// Import page: poll the job's JSON endpoint and move the progress bar until it finishes.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var url = box.getAttribute("data-url");
  function show(job) {
    var bar = document.getElementById("import-bar");
    bar.setAttribute("aria-valuenow", job.percent);
    bar.firstElementChild.style.width = job.percent + "%";
    document.getElementById("import-status").innerHTML = '<span class="badge badge-' + job.status + '">' + job.status_label + "</span>";
    document.getElementById("import-summary").textContent = job.processed.toLocaleString() + " of " + job.total.toLocaleString() + " rows";
    document.getElementById("n-created").textContent = job.created.toLocaleString();
    document.getElementById("n-updated").textContent = job.updated.toLocaleString();
    document.getElementById("n-rejected").textContent = job.rejected.toLocaleString();
    document.getElementById("n-duplicates").textContent = job.duplicates.toLocaleString();
    document.getElementById("n-opted-out").textContent = job.opted_out.toLocaleString();
    document.getElementById("import-error").textContent = job.error || "";
    document.getElementById("import-rejects").hidden = !job.rejects_url;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (!job.finished) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
